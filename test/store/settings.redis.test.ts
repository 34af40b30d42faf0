import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/schemas/settings.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import { SettingsRepository } from '../../shared/store/settings.repository.ts';
import { connectTestRedis, storeOn, uniqueTenantId } from './store-test-support.ts';

let redis: Redis;
let settings: SettingsRepository;
const tenants: string[] = [];

function newTenant(): string {
  const id = uniqueTenantId();
  tenants.push(id);
  return id;
}

beforeAll(() => {
  redis = connectTestRedis();
  settings = new SettingsRepository(redis);
});

afterAll(async () => {
  const store = storeOn(redis);
  for (const tenantId of tenants) await store.purgeTenant(tenantId);
  await redis.quit();
});

const withHorizon = (horizonDays: number) => ({ ...defaultSettings(), horizonDays });

describe('settings repository on Redis', () => {
  it('answers the defaults as version 0 for a tenant that never saved settings', async () => {
    const tenantId = newTenant();
    expect(await settings.current(tenantId)).toEqual({
      version: 0,
      settings: defaultSettings(),
      savedAt: null,
      savedBy: null,
    });
    expect(await settings.version(tenantId, 0)).toEqual(await settings.current(tenantId));
    expect(await redis.exists(tenantKeys(tenantId).settings)).toBe(0);
  });

  it('numbers saves 1, 2, 3 and keeps every earlier version readable', async () => {
    const tenantId = newTenant();
    for (const [index, horizon] of [60, 90, 120].entries()) {
      const saved = await settings.save(tenantId, withHorizon(horizon), {
        savedBy: '005000000000001',
        savedAt: `2026-03-0${index + 1}T09:00:00.000Z`,
      });
      expect(saved).toMatchObject({ ok: true, version: index + 1 });
    }
    const current = await settings.current(tenantId);
    expect(current).toMatchObject({
      version: 3,
      savedAt: '2026-03-03T09:00:00.000Z',
      savedBy: '005000000000001',
    });
    expect(current.settings.horizonDays).toBe(120);
    expect((await settings.version(tenantId, 1)).settings.horizonDays).toBe(60);
    expect((await settings.version(tenantId, 2)).settings.horizonDays).toBe(90);
    expect(await settings.versions(tenantId)).toEqual([1, 2, 3]);
    await expect(settings.version(tenantId, 4)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('saves nothing for invalid settings and says what is wrong, per segment and field', async () => {
    const tenantId = newTenant();
    const broken = defaultSettings();
    broken.segments[1] = { ...broken.segments[1], warmThreshold: 80 };
    expect(await settings.save(tenantId, broken)).toEqual({
      ok: false,
      reason: 'invalid',
      problems: [
        {
          segment: 'enterprise',
          field: 'warmThreshold',
          message: 'segment "enterprise": warmThreshold 80 must not be above hotThreshold 75',
        },
      ],
    });
    expect(await settings.save(tenantId, { segments: 'all' })).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
    expect((await settings.current(tenantId)).version).toBe(0);
    expect(await redis.exists(tenantKeys(tenantId).settings, tenantKeys(tenantId).settingsHistory)).toBe(0);
  });

  it('refuses a save based on a version that is no longer current, keeping the other admin’s edit', async () => {
    const tenantId = newTenant();
    expect(await settings.save(tenantId, withHorizon(60), { expectedVersion: 0 })).toMatchObject({
      ok: true,
      version: 1,
    });
    expect(await settings.save(tenantId, withHorizon(30), { expectedVersion: 0 })).toEqual({
      ok: false,
      reason: 'conflict',
      currentVersion: 1,
    });
    expect((await settings.current(tenantId)).settings.horizonDays).toBe(60);
    expect(await settings.save(tenantId, withHorizon(30), { expectedVersion: 1 })).toMatchObject({
      version: 2,
    });
  });

  it('lets exactly one of many concurrent saves from the same version win', async () => {
    const tenantId = newTenant();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        settings.save(tenantId, withHorizon(30 + index), { expectedVersion: 0 }),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.reason === 'conflict')).toHaveLength(9);
    expect(await settings.versions(tenantId)).toEqual([1]);
    const winner = results.find((result) => result.ok);
    expect((await settings.current(tenantId)).settings).toEqual(winner?.ok ? winner.settings : null);
  });

  it('refuses a stored version that no longer passes validation instead of using it', async () => {
    const tenantId = newTenant();
    await redis.set(
      tenantKeys(tenantId).settings,
      JSON.stringify({
        version: 1,
        savedAt: '2026-03-01T09:00:00.000Z',
        savedBy: null,
        settings: { segments: [] },
      }),
    );
    await expect(settings.current(tenantId)).rejects.toThrow(
      /no longer pass validation: segments needs at least one segment/,
    );
  });
});
