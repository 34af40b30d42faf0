import { beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { defaultSettings } from '../../shared/schemas/settings.ts';
import { ScoreScale } from '../../shared/scoring/score-scale.ts';
import { trainModelSync } from '../engine/boosting/train.ts';
import { historyFromRecords } from '../features/in-memory-history.ts';
import { TRAIN, VALID } from '../features/time-split.ts';
import { buildTrainingExamples, examplesOfPart } from '../features/training-examples.ts';
import { calibratedProbabilities, calibrateOnValidation } from '../modelling/calibrated-model.ts';
import { POOLED_SEGMENT } from '../modelling/train-tenant.ts';
import { ChampionCache, type ScoringChampion } from './champions.ts';

let trained: Omit<ScoringChampion, 'meta'> & { scale: ScoreScale };

beforeAll(async () => {
  const dataset = generateDataset({ leads: 800, seed: 5 });
  const history = historyFromRecords(dataset);
  const tenantId = dataset.leads[0]?.tenantId ?? '';
  const examples = await buildTrainingExamples(history, tenantId, {
    dataEndMs: Date.parse('2026-10-31T23:59:59.999Z'),
  });
  const train = examplesOfPart(examples, TRAIN);
  const valid = examplesOfPart(examples, VALID);
  const model = trainModelSync(
    train,
    { num_iterations: 5, learning_rate: 0.2, num_leaves: 4, min_data_in_leaf: 20, seed: 1 },
    { valid, inputSchema: examples.inputSchema },
  );
  const { calibrator } = calibrateOnValidation(model, {
    values: valid.matrix.values as Float64Array,
    labels: valid.labels,
    weights: valid.weights,
  });
  const scale = ScoreScale.fromProbabilities(
    calibratedProbabilities(model, calibrator, train.matrix.values as Float64Array),
  );
  trained = { model, calibrator, scale };
}, 120_000);

function source(champions: Map<string, string>, broken = new Set<string>()) {
  const loads: string[] = [];
  const alerts: { kind: string; segment?: string }[] = [];
  return {
    loads,
    alerts,
    source: {
      championId: async (_tenant: string, segment: string) => champions.get(segment),
      load: async (_tenant: string, versionId: string): Promise<ScoringChampion> => {
        loads.push(versionId);
        if (broken.has(versionId)) throw new Error(`model ${versionId} does not parse`);
        return {
          model: trained.model,
          calibrator: trained.calibrator,
          meta: { id: versionId, scale: trained.scale.toJSON() },
        };
      },
      alerts: {
        add: async (_tenant: string, alert: { kind: string; segment?: string }) => {
          alerts.push({ kind: alert.kind, ...(alert.segment ? { segment: alert.segment } : {}) });
        },
      },
    },
  };
}

describe('the champion cache', () => {
  const settings = defaultSettings();
  const segment = settings.segments[0]?.id ?? 'smb';

  it('loads each champion version once per process, and again only when the champion changes', async () => {
    const champions = new Map([
      [segment, `${segment}-v1`],
      [POOLED_SEGMENT, 'pooled-v1'],
    ]);
    const fake = source(champions);
    const cache = new ChampionCache(fake.source);
    const first = await cache.champions('hs:1', settings);
    expect([...first.entries()].map(([key, model]) => [key, model.version])).toEqual([
      [segment, `${segment}-v1`],
      [POOLED_SEGMENT, 'pooled-v1'],
    ]);
    const second = await cache.champions('hs:1', settings);
    expect(second.get(segment)).toBe(first.get(segment));
    expect(fake.loads).toEqual([`${segment}-v1`, 'pooled-v1']);
    champions.set(segment, `${segment}-v2`);
    expect((await cache.champions('hs:1', settings)).get(segment)?.version).toBe(`${segment}-v2`);
    expect(fake.loads).toEqual([`${segment}-v1`, 'pooled-v1', `${segment}-v2`]);
    // Another tenant's champions are its own, even under the same version id.
    await cache.champions('hs:2', settings);
    expect(fake.loads).toHaveLength(5);
  });

  it('leaves out a champion that does not load, with an alert, so its segment falls back', async () => {
    const fake = source(
      new Map([
        [segment, 'broken-v1'],
        [POOLED_SEGMENT, 'pooled-v1'],
      ]),
      new Set(['broken-v1']),
    );
    const models = await new ChampionCache(fake.source).champions('hs:3', settings);
    expect([...models.keys()]).toEqual([POOLED_SEGMENT]);
    expect(fake.alerts).toEqual([{ kind: 'champion_load_failed', segment }]);
  });
});
