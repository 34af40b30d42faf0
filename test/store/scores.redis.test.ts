import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/schemas/settings.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import { ScoresRepository } from '../../shared/store/scores.repository.ts';
import { SettingsRepository } from '../../shared/store/settings.repository.ts';
import { keySlot, makeScore } from './scoring-test-support.ts';
import { connectTestRedis, scanNode, storeOn, uniqueTenantId } from './store-test-support.ts';

let redis: Redis;
let scores: ScoresRepository;
const tenants: string[] = [];

function newTenant(): string {
  const id = uniqueTenantId();
  tenants.push(id);
  return id;
}

const at = (minute: number) => `2026-03-01T12:${String(minute).padStart(2, '0')}:00.000Z`;

beforeAll(() => {
  redis = connectTestRedis();
  scores = new ScoresRepository(redis);
});

afterAll(async () => {
  const store = storeOn(redis);
  for (const tenantId of tenants) await store.purgeTenant(tenantId);
  await redis.quit();
});

describe('scores repository on Redis', () => {
  it('stores and reads back every field of a score, in a compact encoding', async () => {
    const tenantId = newTenant();
    const score = makeScore('00Q000000000001');
    expect(await scores.put(tenantId, [score])).toEqual({
      written: ['00Q000000000001'],
      changed: ['00Q000000000001'],
      unchanged: [],
      stale: [],
      rejected: [],
    });
    const found = await scores.get(tenantId, ['00Q000000000001', '00Q000000000404']);
    expect([...found.keys()]).toEqual(['00Q000000000001']);
    expect(found.get('00Q000000000001')).toEqual(score);
    const stored = await redis.hget(tenantKeys(tenantId).scores, '00Q000000000001');
    expect(stored?.startsWith('1|1772366400123|["smb-v3",30,0.0421,"cold","smb",41,-16,"model",')).toBe(true);
    expect(stored?.length).toBeLessThan(JSON.stringify(score).length * 0.75);
  });

  it('returns scoredAt in UTC whatever offset it was written with', async () => {
    const tenantId = newTenant();
    await scores.put(tenantId, [makeScore('00Q1', { scoredAt: '2026-03-01T13:00:00.000+01:00' })]);
    expect((await scores.get(tenantId, ['00Q1'])).get('00Q1')?.scoredAt).toBe('2026-03-01T12:00:00.000Z');
  });

  it('appends to the history only when the score changes, newest first, with time, score and model', async () => {
    const tenantId = newTenant();
    const lead = '00Q000000000002';
    const steps = [
      makeScore(lead, { scoredAt: at(0) }),
      makeScore(lead, { scoredAt: at(1) }),
      makeScore(lead, { scoredAt: at(2), score: 35, otherPoints: -11 }),
      makeScore(lead, { scoredAt: at(3), score: 35, otherPoints: -11, modelVersion: 'smb-v4' }),
      makeScore(lead, { scoredAt: at(4), score: 30, modelVersion: 'smb-v4' }),
    ];
    const outcomes = [];
    for (const step of steps) outcomes.push(await scores.put(tenantId, [step]));
    expect(outcomes.map((outcome) => [outcome.written.length, outcome.changed.length])).toEqual([
      [1, 1],
      [1, 0],
      [1, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(await scores.history(tenantId, lead)).toEqual([
      { at: at(4), score: 30, modelVersion: 'smb-v4' },
      { at: at(2), score: 35, modelVersion: 'smb-v3' },
      { at: at(0), score: 30, modelVersion: 'smb-v3' },
    ]);
    expect((await redis.hget(tenantKeys(tenantId).scoreHistory, lead))?.split(';')[0]).toBe(
      '1772366640|30|smb-v4',
    );
  });

  it('keeps the last 20 changes only', async () => {
    const tenantId = newTenant();
    const lead = '00Q3';
    for (let step = 0; step < 25; step += 1) {
      await scores.put(tenantId, [
        makeScore(lead, { scoredAt: at(step), score: 30 + step, otherPoints: -16 + step }),
      ]);
    }
    const history = await scores.history(tenantId, lead);
    expect(history).toHaveLength(20);
    expect(history[0]).toEqual({ at: at(24), score: 54, modelVersion: 'smb-v3' });
    expect(history[19]).toEqual({ at: at(5), score: 35, modelVersion: 'smb-v3' });
  });

  it('changes nothing on a replay, and never lets an older score overwrite a newer one', async () => {
    const tenantId = newTenant();
    const newer = makeScore('00Q4', { scoredAt: at(10), score: 35, otherPoints: -11 });
    await scores.put(tenantId, [newer]);
    const replay = await scores.put(tenantId, [newer]);
    expect(replay.unchanged).toEqual(['00Q4']);
    const older = await scores.put(tenantId, [makeScore('00Q4', { scoredAt: at(5) })]);
    expect(older.stale).toEqual(['00Q4']);
    expect((await scores.get(tenantId, ['00Q4'])).get('00Q4')).toEqual(newer);
    expect(await scores.history(tenantId, '00Q4')).toHaveLength(1);
  });

  it('reports and skips a bad score, storing the rest of the batch', async () => {
    const tenantId = newTenant();
    const result = await scores.put(tenantId, [
      makeScore('00Q5'),
      makeScore('00Q6', { otherPoints: 0 }),
      makeScore('00Q 7'),
      { leadId: '00Q8' },
    ]);
    expect(result.written).toEqual(['00Q5']);
    expect(result.rejected.map(({ leadId, problems }) => [leadId, problems[0].field])).toEqual([
      ['00Q6', 'otherPoints'],
      ['00Q 7', 'leadId'],
      ['00Q8', 'modelVersion'],
    ]);
    expect(result.rejected[0].problems[0].reason).toBe(
      'baseline + factor points + otherPoints must equal the score',
    );
    expect([...(await scores.get(tenantId, ['00Q5', '00Q6', '00Q8'])).keys()]).toEqual(['00Q5']);
  });

  it('writes and reads 1,200 leads in pipelined batches and removes scores with their histories', async () => {
    const tenantId = newTenant();
    const ids = Array.from({ length: 1200 }, (_, index) => `00Q${String(index).padStart(12, '0')}`);
    const result = await scores.put(
      tenantId,
      ids.map((id) => makeScore(id)),
    );
    expect(result.written).toHaveLength(1200);
    const found = await scores.get(tenantId, ids);
    expect(found.size).toBe(1200);
    expect(found.get(ids[1199])?.leadId).toBe(ids[1199]);
    expect(await scores.remove(tenantId, ids.slice(0, 1000))).toBe(1000);
    expect((await scores.get(tenantId, ids)).size).toBe(200);
    expect(await scores.history(tenantId, ids[0])).toEqual([]);
    expect(await scores.history(tenantId, ids[1000])).toHaveLength(1);
  });

  it('keeps every scoring key of a tenant in the tenant’s one cluster slot', async () => {
    // CRC16 check values Redis documents: CLUSTER KEYSLOT somekey = 11058, tags hash alone.
    expect(keySlot('somekey')).toBe(11058);
    expect(keySlot('foo{hash_tag}')).toBe(keySlot('bar{hash_tag}'));
    expect(keySlot('foo{hash_tag}')).toBe(2515);
    const tenantId = newTenant();
    await new SettingsRepository(redis).save(tenantId, defaultSettings());
    await scores.put(tenantId, [makeScore('00Q9'), makeScore('00Q10')]);
    const keys = await scanNode(redis, tenantKeys(tenantId).pattern);
    expect(keys).toEqual(
      [
        tenantKeys(tenantId).scoreHistory,
        tenantKeys(tenantId).scores,
        tenantKeys(tenantId).settings,
        tenantKeys(tenantId).settingsHistory,
      ].sort(),
    );
    const slot = keySlot(tenantKeys(tenantId).tenant);
    expect(keys.map(keySlot)).toEqual(keys.map(() => slot));
  });
});
