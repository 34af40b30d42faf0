/**
 * The record answer of GET /api/v1/records (LeadRecord in openapi.json) turned into what the card
 * shows: rows that add up (baseline + five factors + other = score), signed points, the model line
 * and the notices. Pure functions, no UI.
 */

export type Tier = 'hot' | 'warm' | 'cold';

/** The fields of the answer the card reads; the server sends more. */
export interface RecordAnswer {
  score: number;
  tier: Tier;
  probability: number;
  segment: { id: string; name: string | null; hotThreshold: number | null; warmThreshold: number | null };
  baseline: number;
  factors: { featureId: string; label: string; points: number; text: string }[];
  other: { points: number; text: string };
  recommendation: string;
  history: { at: string; score: number; modelVersion: string }[];
  model: {
    version: string;
    source: 'model' | 'pooled' | 'rules';
    trainedAt: string | null;
    ageDays: number | null;
  };
  dataSufficiency: { mode: 'rules' | 'model'; text: string } | null;
  holdout: boolean;
  scoredAt: string;
}

export class RecordAnswerError extends Error {
  override readonly name = 'RecordAnswerError';
}

export const TIER_LABELS: Record<Tier, string> = { hot: 'Hot', warm: 'Warm', cold: 'Cold' };
export const TIER_TAG_VARIANTS: Record<Tier, 'success' | 'warning' | 'default'> = {
  hot: 'success',
  warm: 'warning',
  cold: 'default',
};

/** Signed whole points as the CRM field text writes them: `+18`, `-4` (ASCII minus), `0`. */
export function signedPoints(points: number): string {
  if (!Number.isInteger(points)) throw new RangeError(`points ${points} must be a whole number`);
  return points > 0 ? `+${points}` : `${points}`;
}

export interface ScoreRow {
  /** Stable within one answer: the feature id for a factor. */
  key: string;
  kind: 'baseline' | 'factor' | 'other' | 'total';
  label: string;
  points: number;
  /** Baseline and total unsigned, factors and other signed. */
  pointsText: string;
}

export interface SumCheck {
  /** baseline + Σ factors + other. */
  sum: number;
  score: number;
  matches: boolean;
}

/** Whether the rows add up to the score shown, as the score's definition promises. */
export function checkSum(answer: Pick<RecordAnswer, 'baseline' | 'factors' | 'other' | 'score'>): SumCheck {
  const sum =
    answer.baseline +
    answer.factors.reduce((total, factor) => total + factor.points, 0) +
    answer.other.points;
  return { sum, score: answer.score, matches: sum === answer.score };
}

export const OTHER_FACTORS_LABEL = 'Other factors';

/** Baseline, the factors in the server's order (largest first), other factors, then the score. */
export function scoreRows(answer: RecordAnswer): ScoreRow[] {
  return [
    {
      key: 'baseline',
      kind: 'baseline',
      label: 'Baseline',
      points: answer.baseline,
      pointsText: String(answer.baseline),
    },
    ...answer.factors.map(
      (factor): ScoreRow => ({
        key: `factor:${factor.featureId}`,
        kind: 'factor',
        label: factor.label,
        points: factor.points,
        pointsText: signedPoints(factor.points),
      }),
    ),
    {
      key: 'other',
      kind: 'other',
      label: OTHER_FACTORS_LABEL,
      points: answer.other.points,
      pointsText: signedPoints(answer.other.points),
    },
    { key: 'total', kind: 'total', label: 'Score', points: answer.score, pointsText: String(answer.score) },
  ];
}

/** `12%`, or `0.4%` below one percent so a small chance does not read as none. */
export function percent(probability: number): string {
  const value = probability * 100;
  if (value > 0 && value < 1) return `${Math.round(value * 10) / 10}%`;
  return `${Math.round(value)}%`;
}

function daysText(days: number): string {
  if (days === 0) return 'today';
  if (days === 1) return '1 day ago';
  return `${days} days ago`;
}

/** How long ago an ISO time was, in whole days/hours/minutes, from `nowMs`. */
export function ageText(iso: string, nowMs: number): string {
  const elapsedMs = Math.max(0, nowMs - Date.parse(iso));
  const minutes = Math.floor(elapsedMs / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? '1 hour ago' : `${hours} hours ago`;
  return daysText(Math.floor(hours / 24));
}

/** `Model v12, trained 3 days ago`; the rules and the pooled model say what they are. */
export function modelText(model: RecordAnswer['model']): string {
  if (model.source === 'rules') return `Transparent rules ${model.version} (no trained model yet)`;
  const trained = model.ageDays === null ? '' : `, trained ${daysText(model.ageDays)}`;
  const pooled = model.source === 'pooled' ? ' (pooled model: this segment is too small for its own)' : '';
  return `Model ${model.version}${trained}${pooled}`;
}

export interface Notice {
  title: string;
  text: string;
}

/** Why the score may read differently from a model score: the cold start (rules) and the holdout. */
export function notices(answer: RecordAnswer): Notice[] {
  const list: Notice[] = [];
  if (answer.model.source === 'rules' || answer.dataSufficiency?.mode === 'rules') {
    list.push({
      title: 'Scored by transparent rules',
      text:
        answer.dataSufficiency?.text ??
        'Not enough history for a model yet: LeadScore scores with documented rules and switches to a model once there is enough.',
    });
  }
  if (answer.holdout) {
    list.push({
      title: 'In the holdout',
      text: 'This contact is routed without the score so RevOps can measure the lift LeadScore brings.',
    });
  }
  return list;
}

export function segmentText(segment: RecordAnswer['segment']): string {
  const name = segment.name ?? `${segment.id} (no longer in the settings)`;
  if (segment.hotThreshold === null || segment.warmThreshold === null) return `Segment: ${name}`;
  return `Segment: ${name} (hot from ${segment.hotThreshold}, warm from ${segment.warmThreshold})`;
}

/** The score history as LineChart rows, oldest first. */
export function historyRows(answer: RecordAnswer): { at: string; score: number }[] {
  return [...answer.history]
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .map((point) => ({ at: point.at, score: point.score }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(what: string): never {
  throw new RecordAnswerError(`the record answer has no valid ${what}: reload, or contact LeadScore support`);
}

const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isTime = (value: unknown): value is string => isString(value) && !Number.isNaN(Date.parse(value));
const intOrNull = (value: unknown): value is number | null => value === null || isInt(value);
const stringOrNull = (value: unknown): value is string | null => value === null || isString(value);

function parseSegment(value: unknown): RecordAnswer['segment'] {
  if (!isRecord(value)) fail('segment');
  const { id, name, hotThreshold, warmThreshold } = value;
  if (!isString(id) || !stringOrNull(name) || !intOrNull(hotThreshold) || !intOrNull(warmThreshold))
    fail('segment');
  return { id, name, hotThreshold, warmThreshold };
}

function parseFactor(value: unknown): RecordAnswer['factors'][number] {
  if (!isRecord(value)) fail('factor');
  const { featureId, label, points, text } = value;
  if (!isString(featureId) || !isString(label) || !isInt(points) || !isString(text)) fail('factor');
  return { featureId, label, points, text };
}

function parseOther(value: unknown): RecordAnswer['other'] {
  if (!isRecord(value)) fail('other factors');
  const { points, text } = value;
  if (!isInt(points) || !isString(text)) fail('other factors');
  return { points, text };
}

function parseHistoryPoint(value: unknown): RecordAnswer['history'][number] {
  if (!isRecord(value)) fail('history point');
  const { at, score, modelVersion } = value;
  if (!isTime(at) || !isInt(score) || !isString(modelVersion)) fail('history point');
  return { at, score, modelVersion };
}

function parseModel(value: unknown): RecordAnswer['model'] {
  if (!isRecord(value)) fail('model');
  const { version, source, trainedAt, ageDays } = value;
  if (source !== 'model' && source !== 'pooled' && source !== 'rules') fail('model source');
  if (!isString(version) || !stringOrNull(trainedAt) || !intOrNull(ageDays)) fail('model');
  return { version, source, trainedAt, ageDays };
}

function parseSufficiency(value: unknown): RecordAnswer['dataSufficiency'] {
  if (value === null) return null;
  if (!isRecord(value)) fail('data sufficiency');
  const { mode, text } = value;
  if ((mode !== 'rules' && mode !== 'model') || !isString(text)) fail('data sufficiency');
  return { mode, text };
}

/** Checks the answer's shape (the card never shows a half-read score) and keeps what it reads. */
export function parseRecordAnswer(value: unknown): RecordAnswer {
  if (!isRecord(value)) fail('body (not a JSON object)');
  const { score, tier, probability, baseline, factors, recommendation, history, holdout, scoredAt } = value;
  if (!isInt(score) || score < 0 || score > 100) fail('score (0-100)');
  if (tier !== 'hot' && tier !== 'warm' && tier !== 'cold') fail('tier');
  if (typeof probability !== 'number' || probability < 0 || probability > 1) fail('probability');
  if (!isInt(baseline)) fail('baseline');
  if (!Array.isArray(factors) || factors.length > 5) fail('factors (at most five)');
  if (!isString(recommendation)) fail('recommendation');
  if (!Array.isArray(history)) fail('history');
  if (typeof holdout !== 'boolean') fail('holdout flag');
  if (!isTime(scoredAt)) fail('scoredAt time');
  return {
    score,
    tier,
    probability,
    segment: parseSegment(value.segment),
    baseline,
    factors: factors.map(parseFactor),
    other: parseOther(value.other),
    recommendation,
    history: history.map(parseHistoryPoint),
    model: parseModel(value.model),
    dataSufficiency: parseSufficiency(value.dataSufficiency),
    holdout,
    scoredAt,
  };
}
