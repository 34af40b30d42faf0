import { formatCount } from '../../../../shared/features/feature-text.ts';
import { MIN_CONVERTING_LEADS, MIN_LABELLED_LEADS } from '../../../../shared/scoring/transparent-rules.ts';
import type { LeadRecord } from '../api/types.ts';
import { linePath, type SignedBar, signedBar, sparklinePoints } from '../charts/scales.ts';
import {
  dateText,
  dayCount,
  daysAgoText,
  daysSince,
  percentText,
  scoreValueText,
  signedPoints,
  type Tier,
  tierLabel,
  timeAgoText,
} from '../format.ts';

/** Width of the bar column's drawing, in SVG units (CSS stretches it to the cell). */
export const BAR_WIDTH = 100;
export const SPARKLINE_SIZE = { width: 240, height: 48, padding: 4 } as const;

export interface ScoreRow {
  kind: 'baseline' | 'factor' | 'other' | 'score';
  label: string;
  points: number;
  /** Baseline and Score unsigned (`12`), the others signed (`+18`, `-4`). */
  pointsText: string;
  /** A sentence for the rep, read with the row: what pushed the score and which way. */
  detail: string;
  bar: SignedBar | null;
}

export interface Notice {
  kind: 'rules' | 'pooled' | 'holdout' | 'mismatch';
  title: string;
  text: string;
}

export interface RecordModel {
  score: number;
  tier: Tier;
  tierLabel: string;
  valueText: string;
  probabilityText: string;
  segmentText: string;
  rows: ScoreRow[];
  /** baseline + Σ points = score: false means the answer is inconsistent and the panel says so. */
  addsUp: boolean;
  recommendation: string;
  history: {
    label: string;
    path: string;
    points: { x: number; y: number }[];
    first: number | null;
    last: number | null;
  };
  modelLine: string;
  scoredLine: string;
  notices: Notice[];
}

/** How a row moves the score, in words (read with the row's bar): `raises the score by 18 points`. */
export function pointsDetail(points: number): string {
  const size = Math.abs(points);
  const unit = size === 1 ? 'point' : 'points';
  if (points > 0) return `raises the score by ${size} ${unit}`;
  if (points < 0) return `lowers the score by ${size} ${unit}`;
  return 'does not move the score';
}

/** Rows of "Why this score": Baseline, the factors in the API's order, Other factors, Score. */
export function scoreRows(record: Pick<LeadRecord, 'baseline' | 'factors' | 'other' | 'score'>): {
  rows: ScoreRow[];
  addsUp: boolean;
} {
  const signed = [
    ...record.factors.map((factor) => ({
      kind: 'factor' as const,
      label: factor.label,
      points: factor.points,
    })),
    { kind: 'other' as const, label: 'Other factors', points: record.other.points },
  ];
  const largest = Math.max(0, ...signed.map((row) => Math.abs(row.points)));
  const rows: ScoreRow[] = [
    {
      kind: 'baseline',
      label: 'Baseline',
      points: record.baseline,
      pointsText: String(record.baseline),
      detail: 'where every lead of the segment starts',
      bar: null,
    },
    ...signed.map((row) => ({
      ...row,
      pointsText: signedPoints(row.points),
      detail: pointsDetail(row.points),
      bar: signedBar(row.points, largest, BAR_WIDTH),
    })),
  ];
  const sum = rows.reduce((total, row) => total + row.points, 0);
  rows.push({
    kind: 'score',
    label: 'Score',
    points: record.score,
    pointsText: String(record.score),
    detail: 'the baseline plus every row above',
    bar: null,
  });
  return { rows, addsUp: sum === record.score };
}

/** `Score history: 41 to 73 over 30 days`, or what there is when there is less. */
export function historyLabel(history: readonly { at: string; score: number }[]): string {
  const first = history[0];
  const last = history[history.length - 1];
  if (first === undefined || last === undefined) return 'Score history: no scores yet';
  if (history.length === 1) return `Score history: one score, ${first.score} on ${dateText(first.at)}`;
  const days = Math.round((Date.parse(last.at) - Date.parse(first.at)) / 86_400_000);
  const span = days < 1 ? 'on one day' : `over ${dayCount(days)}`;
  const scores = history.map((entry) => entry.score);
  return `Score history: ${first.score} to ${last.score} ${span}, lowest ${Math.min(...scores)}, highest ${Math.max(...scores)}`;
}

function coldStartNotice(record: LeadRecord): Notice | null {
  const sufficiency = record.dataSufficiency;
  if (record.model.source !== 'rules' && sufficiency?.mode !== 'rules') return null;
  const needed = sufficiency
    ? `${formatCount(sufficiency.minLabelledLeads)} labelled leads and ${formatCount(sufficiency.minConvertingLeads)} converting leads`
    : `${formatCount(MIN_LABELLED_LEADS)} labelled leads and ${formatCount(MIN_CONVERTING_LEADS)} converting leads`;
  const counted = sufficiency
    ? `So far there are ${formatCount(sufficiency.labelledLeads)} labelled leads and ${formatCount(sufficiency.convertingLeads)} converting leads (counted ${dateText(sufficiency.countedAt)}).`
    : 'No training has counted this account’s leads yet.';
  return {
    kind: 'rules',
    title: 'Scored by transparent rules',
    text: `This account does not have enough history for a model yet, so scores come from documented rules. The model trains once there are ${needed}. ${counted}`,
  };
}

function modelLine(record: LeadRecord, nowMs: number): string {
  if (record.model.source === 'rules') return `Rules ${record.model.version}, no trained model yet`;
  const kind = record.model.source === 'pooled' ? 'pooled model' : 'model';
  if (record.model.trainedAt === null) return `${kind} ${record.model.version}`;
  const days = record.model.ageDays ?? daysSince(record.model.trainedAt, nowMs);
  return `${kind} ${record.model.version}, trained ${daysAgoText(days)}`;
}

/** Everything the record view shows, from the API's answer: no business logic in the components. */
export function recordModel(record: LeadRecord, nowMs: number): RecordModel {
  const { rows, addsUp } = scoreRows(record);
  const history = [...record.history].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const points = sparklinePoints(
    history.map((entry) => ({ atMs: Date.parse(entry.at), score: entry.score })),
    SPARKLINE_SIZE,
  );
  const notices: Notice[] = [];
  const coldStart = coldStartNotice(record);
  if (coldStart !== null) notices.push(coldStart);
  else if (record.model.source === 'pooled')
    notices.push({
      kind: 'pooled',
      title: 'Scored by the pooled model',
      text: 'This segment does not have enough history for its own model yet, so the model trained on every segment together scores it.',
    });
  if (record.holdout)
    notices.push({
      kind: 'holdout',
      title: 'In the holdout group',
      text: 'This lead is routed without the score, so RevOps can compare conversion with and without LeadScore. The score is shown for information only.',
    });
  if (!addsUp)
    notices.push({
      kind: 'mismatch',
      title: 'The factors do not add up',
      text: `Baseline and factors sum to ${rows.slice(0, -1).reduce((total, row) => total + row.points, 0)}, not ${record.score}. Reload the panel; if it stays, tell your LeadScore admin.`,
    });
  const segment = record.segment.name ?? record.segment.id;
  const thresholds =
    record.segment.hotThreshold === null || record.segment.warmThreshold === null
      ? ''
      : ` (hot from ${record.segment.hotThreshold}, warm from ${record.segment.warmThreshold})`;
  return {
    score: record.score,
    tier: record.tier,
    tierLabel: tierLabel(record.tier),
    valueText: scoreValueText(record.score, record.tier),
    probabilityText: `Conversion probability ${percentText(record.probability)}`,
    segmentText: `Segment ${segment}${thresholds}`,
    rows,
    addsUp,
    recommendation: record.recommendation,
    history: {
      label: historyLabel(history),
      path: linePath(points),
      points,
      first: history[0]?.score ?? null,
      last: history[history.length - 1]?.score ?? null,
    },
    modelLine: modelLine(record, nowMs),
    scoredLine: `Scored ${timeAgoText(record.scoredAt, nowMs)}`,
    notices,
  };
}
