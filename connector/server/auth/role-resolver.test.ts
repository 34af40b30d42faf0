import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../shared/errors.ts';
import { createLogger } from '../../../shared/logger.ts';
import { testRedisUrl } from '../../../test/support/redis.ts';
import type { CallerRole } from './caller.ts';
import { type CrmAccess, createRoleResolver } from './role-resolver.ts';

const tenantId = `hs:9${Math.floor(Math.random() * 1e9)}`;
const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
const access: CrmAccess = { provider: 'hubspot', accessToken: 'token', apiBase: 'http://127.0.0.1:1' };
const logger = createLogger({ level: 'silent' });

afterAll(async () => {
  const keys = await redis.keys(`ls:{${tenantId}}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('role resolver', () => {
  it('asks the CRM once per (tenant, user) within five minutes', async () => {
    const asked: string[] = [];
    const roles = createRoleResolver({
      redis,
      logger,
      connectorTokens: async () => access,
      lookup: async (_access, userId): Promise<CallerRole> => {
        asked.push(userId);
        return userId === '1' ? 'admin' : 'rep';
      },
    });
    expect(await roles.roleOf(tenantId, '1')).toBe('admin');
    expect(await roles.roleOf(tenantId, '1')).toBe('admin');
    expect(await roles.roleOf(tenantId, '2')).toBe('rep');
    expect(asked).toEqual(['1', '2']);
    expect(await redis.ttl(`ls:{${tenantId}}:panel-role:1`)).toBeGreaterThan(295);
  });

  it('a CRM that cannot answer makes the caller a rep for this request only, never an admin', async () => {
    let failing = true;
    const roles = createRoleResolver({
      redis,
      logger,
      connectorTokens: async () => access,
      lookup: async (): Promise<CallerRole> => {
        if (failing) throw new ConnectorError('TEMPORARY', 'HubSpot unreachable');
        return 'admin';
      },
    });
    expect(await roles.roleOf(tenantId, '3')).toBe('rep');
    expect(await redis.exists(`ls:{${tenantId}}:panel-role:3`)).toBe(0);
    failing = false;
    expect(await roles.roleOf(tenantId, '3')).toBe('admin');
  });

  it('a tenant without stored tokens gives reps; an id that cannot be part of a key is refused', async () => {
    const roles = createRoleResolver({ redis, logger, connectorTokens: async () => undefined });
    expect(await roles.roleOf(tenantId, '4')).toBe('rep');
    await expect(roles.roleOf(tenantId, 'a b*')).rejects.toThrow(/user id/);
  });
});
