import { segmentNames } from './health-model.ts';
import type { ModelEvaluation, Models, ModelVersion } from './health-types.ts';

/** Model health answers for tests: three SMB versions (v2 the champion), pooled, enterprise, a removed segment. */
export function version(id: string, segment: string, trainedAt: string, champion: boolean): ModelVersion {
  return {
    id,
    segment,
    trainedAt,
    settingsVersion: 1,
    champion,
    metrics: {
      rocAuc: 0.81234,
      prAuc: 0.3,
      ece: 0.0214,
      liftTopDecile: 3.1,
      testRows: 1234,
      testPositives: 80,
      atThresholds: [],
    },
    window: {
      train: { from: '2025-01-01T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z' },
      valid: { from: '2026-04-01T00:00:00.000Z', to: '2026-05-31T00:00:00.000Z' },
      test: { from: '2026-06-01T00:00:00.000Z', to: '2026-08-31T00:00:00.000Z' },
    },
  };
}

export const models: Models = {
  versions: [
    version('smb-v1', 'smb', '2026-09-01T03:00:00.000Z', false),
    version('smb-v2', 'smb', '2026-09-08T03:00:00.000Z', true),
    version('smb-v3', 'smb', '2026-09-15T03:00:00.000Z', false),
    version('pooled-v1', 'pooled', '2026-09-01T03:00:00.000Z', true),
    version('enterprise-v1', 'enterprise', '2026-09-01T03:00:00.000Z', false),
    version('gone-v1', 'gone', '2026-08-01T03:00:00.000Z', false),
  ],
  champions: { smb: 'smb-v2', pooled: 'pooled-v1' },
  drift: [],
};

export const names = segmentNames({
  version: 2,
  savedAt: null,
  savedBy: null,
  settings: {
    label: 'converted',
    horizonDays: 90,
    retrainCron: '0 3 * * 0',
    routeAlreadyHot: false,
    writebackEnabled: true,
    segments: [
      {
        id: 'smb',
        name: 'SMB',
        minEmployees: null,
        maxEmployees: 200,
        industries: [],
        countries: [],
        leadSources: [],
        hotThreshold: 80,
        warmThreshold: 50,
        onHot: 'task',
        onWarm: 'nurture',
        holdoutShare: 0,
      },
      {
        id: 'enterprise',
        name: 'Enterprise',
        minEmployees: 200,
        maxEmployees: null,
        industries: [],
        countries: [],
        leadSources: [],
        hotThreshold: 75,
        warmThreshold: 45,
        onHot: 'task',
        onWarm: 'nurture',
        holdoutShare: 0,
      },
    ],
  },
});

export const evaluation: ModelEvaluation = {
  version: 'smb-v2',
  segment: 'smb',
  trainedAt: '2026-09-08T03:00:00.000Z',
  segmentFilter: null,
  window: { from: '2026-06-01T00:00:00.000Z', to: '2026-06-29T00:00:00.000Z', examples: 20, positives: 3 },
  baseRate: 0.15,
  calibration: {
    // Two equal-count bins of ten: ten predictions at 2% (one converted), then ten from 6% to 40%.
    bins: [
      { from: 0.02, to: 0.02, examples: 10, weight: 10, positives: 1, predicted: 0.02, observed: 0.1 },
      { from: 0.06, to: 0.4, examples: 10, weight: 10, positives: 2, predicted: 0.144, observed: 0.2 },
    ],
    error: 0.068,
    probabilities: 'stored',
  },
  calibrationNote: null,
  lift: [0.5, 0.25, 0.25, 0, 0, 0.1, 0.1, 0.1, 0.1, 0.1].map((rate, index) => ({
    decile: index + 1,
    examples: 2,
    positives: rate * 2,
    minScore: [95, 70, 70, 50, 50, 25, 25, 25, 25, 25][index] ?? null,
    maxScore: [95, 70, 70, 50, 50, 25, 25, 25, 25, 25][index] ?? null,
    conversionRate: rate,
    lift: rate / 0.15,
  })),
};

/** What GET /models/{segment}/champions answers for the fixtures: SMB's v2 replaced v1; nothing else was replaced. */
export const histories = new Map([
  ['smb', { segment: 'smb', champion: 'smb-v2', earlier: ['smb-v1'] }],
  ['enterprise', { segment: 'enterprise', champion: null, earlier: [] }],
  ['pooled', { segment: 'pooled', champion: 'pooled-v1', earlier: [] }],
]);
