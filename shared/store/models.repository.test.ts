import { afterAll, describe, expect, it } from 'vitest';
import { connectTestRedis, scanNode, uniqueTenantId } from '../../test/store/store-test-support.ts';
import { ALERTS_KEPT, AlertsRepository } from './alerts.repository.ts';
import { tenantKeys } from './keys.ts';
import { ModelsRepository, type NewModelVersion, segmentSlug } from './models.repository.ts';
import { StoreError } from './store-error.ts';

const redis = connectTestRedis();
const models = new ModelsRepository(redis);
const alerts = new AlertsRepository(redis);
const tenants: string[] = [];

function tenant(): string {
  const id = uniqueTenantId();
  tenants.push(id);
  return id;
}

afterAll(async () => {
  for (const id of tenants) {
    const keys = await scanNode(redis, tenantKeys(id).pattern);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

function version(segment: string, createdAt: string): NewModelVersion {
  return {
    segment,
    createdAt,
    settingsVersion: 3,
    featureNames: ['a', 'b'],
    params: { num_leaves: 7, is_unbalance: true },
    calibrator: { kind: 'platt', input: 'raw_score', slope: 1, intercept: -2 },
    window: {
      train: { fromMs: 1, toMs: 2 },
      valid: { fromMs: 3, toMs: 4 },
      test: { fromMs: 5, toMs: null },
    },
    metrics: { rocAuc: 0.91, ece: null },
    scale: { percentiles: [0.01, 0.02] },
  };
}

describe('model versions in the store', () => {
  it('numbers versions per segment with readable ids and keeps every field and the text as saved', async () => {
    const tenantId = tenant();
    const first = await models.create(tenantId, version('SMB', '2026-03-01T00:00:00.000Z'), 'tree\nA');
    const second = await models.create(tenantId, version('SMB', '2026-03-08T00:00:00.000Z'), 'tree\nB');
    const other = await models.create(
      tenantId,
      version('Enterprise EMEA', '2026-03-02T00:00:00.000Z'),
      'tree\nC',
    );
    expect([first.id, second.id, other.id]).toEqual(['smb-v1', 'smb-v2', 'enterprise-emea-v1']);
    expect(await models.get(tenantId, 'smb-v2')).toEqual({
      meta: { ...version('SMB', '2026-03-08T00:00:00.000Z'), id: 'smb-v2', tenantId },
      text: 'tree\nB',
    });
    expect((await models.list(tenantId)).map((meta) => meta.id)).toEqual([
      'smb-v1',
      'enterprise-emea-v1',
      'smb-v2',
    ]);
    expect(await models.get(tenantId, 'smb-v9')).toBeUndefined();
    expect(segmentSlug('  ')).toBe('segment');
    const keys = await scanNode(redis, `*${tenantId}*`);
    expect(keys.every((key) => key.startsWith(`ls:{${tenantId}}:`))).toBe(true);
  });

  it('promotes, remembers the replaced champion and rolls back to it in one call', async () => {
    const tenantId = tenant();
    for (const day of ['01', '08', '15'])
      await models.create(tenantId, version('smb', `2026-03-${day}T00:00:00.000Z`), 'tree');
    expect(await models.promote(tenantId, 'smb', 'smb-v1')).toBeUndefined();
    expect(await models.promote(tenantId, 'smb', 'smb-v1')).toBeUndefined();
    expect(await models.promote(tenantId, 'smb', 'smb-v2')).toBe('smb-v1');
    expect(await models.promote(tenantId, 'smb', 'smb-v3')).toBe('smb-v2');
    expect(await models.championHistory(tenantId, 'smb')).toEqual(['smb-v2', 'smb-v1']);
    expect(await models.rollback(tenantId, 'smb')).toEqual({ restored: 'smb-v2', replaced: 'smb-v3' });
    expect(await models.champion(tenantId, 'smb')).toBe('smb-v2');
    expect(await models.rollback(tenantId, 'smb')).toEqual({ restored: 'smb-v1', replaced: 'smb-v2' });
    await expect(models.rollback(tenantId, 'smb')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await models.champion(tenantId, 'smb')).toBe('smb-v1');
    await expect(models.promote(tenantId, 'smb', 'smb-v7')).rejects.toBeInstanceOf(StoreError);
    expect(await models.champion(tenantId, 'enterprise')).toBeUndefined();
  });

  it('refuses a version whose metadata is not valid', async () => {
    const tenantId = tenant();
    const bad = { ...version('smb', 'yesterday'), createdAt: 'yesterday' };
    await expect(models.create(tenantId, bad, 'tree')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('alerts in the store', () => {
  it('keeps the newest 100, newest first', async () => {
    const tenantId = tenant();
    for (let index = 0; index < ALERTS_KEPT + 5; index += 1) {
      await alerts.add(tenantId, {
        kind: 'model_load_failed',
        message: `alert ${index}`,
        at: '2026-03-01T00:00:00.000Z',
        ...(index % 2 === 0 ? { segment: 'smb', modelVersion: `smb-v${index}` } : {}),
      });
    }
    const listed = await alerts.list(tenantId);
    expect(listed).toHaveLength(100);
    expect(listed[0]).toEqual({
      kind: 'model_load_failed',
      message: 'alert 104',
      at: '2026-03-01T00:00:00.000Z',
      segment: 'smb',
      modelVersion: 'smb-v104',
    });
    expect(listed[99].message).toBe('alert 5');
    await expect(
      alerts.add(tenantId, { kind: 'Bad Kind', message: 'x', at: '2026-03-01T00:00:00.000Z' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('test windows and training counts of model versions', () => {
  const examples = [
    {
      leadId: '00Q1',
      segment: 'smb',
      score: 91,
      label: 1 as const,
      snapshotAtMs: Date.UTC(2026, 5, 1),
      weight: 1,
    },
    {
      leadId: '00Q2',
      segment: 'smb',
      score: 12,
      label: 0 as const,
      snapshotAtMs: Date.UTC(2026, 5, 1),
      weight: 2.5,
    },
    {
      leadId: '00Q1',
      segment: 'smb',
      score: 77,
      label: 0 as const,
      snapshotAtMs: Date.UTC(2026, 5, 15),
      weight: 1,
    },
    {
      leadId: '00Q3',
      segment: 'other',
      score: 0,
      label: 1 as const,
      snapshotAtMs: Date.UTC(2026, 5, 15),
      weight: 1,
    },
  ];

  it('reads back the examples saved with a version, in order, and undefined for a version without', async () => {
    const tenantId = tenant();
    const saved = await models.create(tenantId, version('smb', '2026-07-01T00:00:00Z'), 'tree', {
      testWindow: examples,
    });
    expect(await models.testWindow(tenantId, saved.id)).toEqual(examples);
    const bare = await models.create(tenantId, version('smb', '2026-07-02T00:00:00Z'), 'tree');
    expect(await models.testWindow(tenantId, bare.id)).toBeUndefined();
  });

  it("erases one lead's examples from every version and leaves the others' alone", async () => {
    const tenantId = tenant();
    const first = await models.create(tenantId, version('smb', '2026-07-01T00:00:00Z'), 'tree', {
      testWindow: examples,
    });
    const second = await models.create(tenantId, version('other', '2026-07-02T00:00:00Z'), 'tree', {
      testWindow: examples.slice(0, 2),
    });
    expect(await models.eraseLeadFromTestWindows(tenantId, '00Q1')).toBe(3);
    expect(await models.testWindow(tenantId, first.id)).toEqual([examples[1], examples[3]]);
    expect(await models.testWindow(tenantId, second.id)).toEqual([examples[1]]);
    const stored = await redis.hget(tenantKeys(tenantId).modelVersion(first.id), 'test-window');
    expect(stored).not.toContain('00Q1');
    expect(await models.eraseLeadFromTestWindows(tenantId, '00Q1')).toBe(0);
  });

  const withProbabilities = examples.map((example, row) => ({
    ...example,
    probability: [0.8125, 0.0123, 0.3, 0][row] ?? 1,
  }));

  it("keeps each example's probability at float32 precision, and through an erasure", async () => {
    const tenantId = tenant();
    const saved = await models.create(tenantId, version('smb', '2026-07-01T00:00:00Z'), 'tree', {
      testWindow: withProbabilities,
    });
    const read = await models.testWindow(tenantId, saved.id);
    // 0.8125 and 0 are exact in float32; 0.0123 and 0.3 come back as their nearest float32.
    expect(read?.map((example) => example.probability)).toEqual([
      0.8125,
      Math.fround(0.0123),
      Math.fround(0.3),
      0,
    ]);
    expect(Math.abs((read?.[1]?.probability ?? 0) - 0.0123)).toBeLessThan(1e-9);
    expect(read?.map(({ probability: _probability, ...rest }) => rest)).toEqual(examples);
    expect(await models.eraseLeadFromTestWindows(tenantId, '00Q1')).toBe(2);
    expect((await models.testWindow(tenantId, saved.id))?.map((example) => example.probability)).toEqual([
      Math.fround(0.0123),
      0,
    ]);
  });

  it('reads a window stored before probabilities were kept, with no probability on its examples', async () => {
    const tenantId = tenant();
    const saved = await models.create(tenantId, version('smb', '2026-07-01T00:00:00Z'), 'tree');
    // The stored form of the first two examples as versions saved it before probabilities were kept.
    const old = {
      leads: ['00Q1', '00Q2'],
      segments: ['smb'],
      lead: [0, 1],
      segment: [0, 0],
      score: [91, 12],
      label: [1, 0],
      at: [1780272000, 1780272000],
      weight: [1, 2.5],
    };
    await redis.hset(tenantKeys(tenantId).modelVersion(saved.id), 'test-window', JSON.stringify(old));
    const read = await models.testWindow(tenantId, saved.id);
    expect(read).toEqual(examples.slice(0, 2));
    expect(read?.some((example) => 'probability' in example)).toBe(false);
  });

  it('refuses a window with probabilities on some examples only or outside [0, 1], and an unreadable column', async () => {
    const tenantId = tenant();
    const some = [withProbabilities[0], ...examples.slice(1)];
    await expect(
      models.create(tenantId, version('smb', '2026-07-01T00:00:00Z'), 'tree', { testWindow: some }),
    ).rejects.toThrow('gives a probability for 1 of its 4 examples: give one for every example or for none');
    const outside = withProbabilities.map((example, row) => ({
      ...example,
      probability: row === 2 ? 1.5 : 0.5,
    }));
    await expect(
      models.create(tenantId, version('smb', '2026-07-01T00:00:00Z'), 'tree', { testWindow: outside }),
    ).rejects.toThrow('test window example 2 (lead 00Q1) has probability 1.5: give a calibrated probability');
    const saved = await models.create(tenantId, version('smb', '2026-07-02T00:00:00Z'), 'tree', {
      testWindow: withProbabilities,
    });
    const key = tenantKeys(tenantId).modelVersion(saved.id);
    const stored = JSON.parse((await redis.hget(key, 'test-window')) ?? '{}') as Record<string, unknown>;
    // Three float32 values for four examples.
    await redis.hset(key, 'test-window', JSON.stringify({ ...stored, probability: 'AAAAAAAAAAAAAAAA' }));
    await expect(models.testWindow(tenantId, saved.id)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('its probabilities are not 4 float32 values between 0 and 1'),
    });
  });

  it('stores probabilities in 4 bytes of float32 as base64, about 5.3 characters per example', async () => {
    const tenantId = tenant();
    const window = Array.from({ length: 1200 }, (_, row) => ({
      leadId: `00Q5g00000${String(row).padStart(8, '0')}`,
      segment: row % 3 === 0 ? 'enterprise' : 'smb',
      score: row % 101,
      label: (row % 77 === 0 ? 1 : 0) as 0 | 1,
      snapshotAtMs: Date.UTC(2026, 5, 1) + (row % 8) * 14 * 86_400_000,
      weight: 1,
      probability: (row % 997) / 997,
    }));
    const scoresOnly = window.map(({ probability: _probability, ...rest }) => rest);
    const bytes = async (testWindow: typeof scoresOnly) => {
      const saved = await models.create(tenantId, version('smb', '2026-07-01T00:00:00Z'), 'tree', {
        testWindow,
      });
      return redis.hstrlen(tenantKeys(tenantId).modelVersion(saved.id), 'test-window');
    };
    const without = await bytes(scoresOnly);
    const withThem = await bytes(window);
    // ,"probability":"<1600 base64 characters>"
    expect(withThem - without).toBe(1 + '"probability":""'.length + (1200 * 4 * 4) / 3);
    console.log(
      `test window bytes per example: ${(without / 1200).toFixed(2)} without probabilities, ${(withThem / 1200).toFixed(2)} with them (18-character lead ids)`,
    );
    expect((await models.testWindow(tenantId, `smb-v2`))?.[500]?.probability).toBe(Math.fround(500 / 997));
  });

  it('keeps what the last training counted', async () => {
    const tenantId = tenant();
    expect(await models.trainingCounts(tenantId)).toBeUndefined();
    const counts = {
      labelledLeads: 420,
      convertingLeads: 12,
      at: '2026-07-01T00:00:00.000Z',
      outcome: 'rules' as const,
    };
    await models.recordTrainingCounts(tenantId, counts);
    expect(await models.trainingCounts(tenantId)).toEqual(counts);
  });
});
