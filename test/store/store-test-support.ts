import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Lead } from '../../shared/schemas/lead.ts';
import { createStore, type RedisClient, type Store } from '../../shared/store/store.ts';
import { createTokenKeyRing } from '../../shared/store/token-crypto.ts';
import { testRedisUrl } from '../support/redis.ts';

/** A fresh Salesforce-style tenant id no other test run uses (the suites share one Redis). */
export function uniqueTenantId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const suffix = [...randomBytes(12)].map((byte) => alphabet[byte % alphabet.length]).join('');
  return `sf:00D${suffix}AAA`;
}

export const KEY_A = 'a'.repeat(64);
export const KEY_B = 'b'.repeat(64);
export const KEY_C = 'c'.repeat(64);

export function connectTestRedis(): Redis {
  return new Redis(testRedisUrl, { maxRetriesPerRequest: 2 });
}

export function storeOn(client: RedisClient): Store {
  return createStore(client, { keyRing: createTokenKeyRing(KEY_A) });
}

export function makeLead(tenantId: string, id: string, overrides: Partial<Lead> = {}): Lead {
  return {
    id,
    tenantId,
    crmId: id,
    objectType: 'Lead',
    email: `${id.toLowerCase()}@acme.com`,
    firstName: 'Ana',
    lastName: 'Silva',
    company: 'Acme',
    domain: 'acme.com',
    title: 'VP of Marketing',
    industry: 'Software',
    employees: 120,
    annualRevenue: 12_000_000,
    country: 'Portugal',
    leadSource: 'Web',
    status: 'Open',
    createdAt: '2026-01-02T10:00:00.000Z',
    updatedAt: '2026-02-02T10:00:00.000Z',
    consentToTracking: true,
    accountKey: 'acme.com',
    ...overrides,
  } as Lead;
}

export function makeActivity(
  tenantId: string,
  leadId: string,
  id: string,
  occurredAt: string,
  type = 'page_view',
  detail: string | null = '/pricing',
) {
  return { id, tenantId, leadId, type, occurredAt, detail };
}

/** Every key of one node matching a glob, sorted, by raw SCAN. */
export async function scanNode(node: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found.sort();
}
