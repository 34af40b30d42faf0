import type { components } from '../api/openapi.d.ts';
import type { SegmentDraft } from './settings-draft.ts';

export type PreviewAnswer = components['schemas']['ThresholdPreview'];
export type PreviewSegment = components['schemas']['ThresholdPreviewSegment'];
export type PreviewRequest = components['schemas']['ThresholdPreviewRequest'];
type Outcome = NonNullable<PreviewSegment['hot']>;

/** The live preview waits this long after the last keystroke before it asks the server. */
export const PREVIEW_DEBOUNCE_MS = 250;

/** A threshold as typed, when it is one the server takes: a whole number from 0 to 100. */
export function thresholdOf(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,3}$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value <= 100 ? value : undefined;
}

export type PreviewCandidate =
  | { kind: 'ready'; request: PreviewRequest; hot: number; warm: number }
  | { kind: 'blocked'; reason: string };

/** What to ask the preview for the segment being edited, or why it cannot be previewed yet. */
export function previewCandidate(segment: SegmentDraft): PreviewCandidate {
  if (segment.savedId === null)
    return {
      kind: 'blocked',
      reason: 'Save the new segment to preview its thresholds on a model’s test window.',
    };
  const hot = thresholdOf(segment.hotThreshold);
  const warm = thresholdOf(segment.warmThreshold);
  if (hot === undefined || warm === undefined)
    return {
      kind: 'blocked',
      reason: 'Enter whole numbers from 0 to 100 for both thresholds to preview them.',
    };
  if (warm > hot)
    return {
      kind: 'blocked',
      reason: 'The warm threshold must not be above the hot threshold: lower it to preview.',
    };
  return {
    kind: 'ready',
    request: { segments: [{ segmentId: segment.savedId, hotThreshold: hot, warmThreshold: warm }] },
    hot,
    warm,
  };
}

/** Thresholds of the curve drawn behind the live point: 0, 10, ..., 100. */
export const SWEEP_THRESHOLDS = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100] as const;

/**
 * The preview takes one hot/warm pair per segment and call (hot at least warm), so the sweep asks
 * for pairs from both ends: (100, 0), (90, 10), ..., (50, 50), every saved segment in each call.
 */
export function sweepRequests(segmentIds: readonly string[]): PreviewRequest[] {
  if (segmentIds.length === 0) return [];
  const requests: PreviewRequest[] = [];
  const last = SWEEP_THRESHOLDS.length - 1;
  for (let low = 0; low <= last - low; low += 1) {
    const warm = SWEEP_THRESHOLDS[low] ?? 0;
    const hot = SWEEP_THRESHOLDS[last - low] ?? 100;
    requests.push({
      segments: segmentIds.map((segmentId) => ({ segmentId, hotThreshold: hot, warmThreshold: warm })),
    });
  }
  return requests;
}

export interface CurvePoint {
  threshold: number;
  leadsPerWeek: number;
  precision: number | null;
  recall: number | null;
}

const pointOf = (outcome: Outcome): CurvePoint => ({
  threshold: outcome.threshold,
  leadsPerWeek: outcome.leadsPerWeek,
  precision: outcome.precision,
  recall: outcome.recall,
});

/** One segment's outcomes from the sweep answers (and the live answer), one point per threshold, in order. */
export function curveOf(answers: readonly PreviewAnswer[], segmentId: string): CurvePoint[] {
  const byThreshold = new Map<number, CurvePoint>();
  for (const answer of answers) {
    for (const segment of answer.segments) {
      if (segment.segmentId !== segmentId) continue;
      for (const outcome of [segment.hot, segment.warm]) {
        if (outcome !== null) byThreshold.set(outcome.threshold, pointOf(outcome));
      }
    }
  }
  return [...byThreshold.values()].sort((one, two) => one.threshold - two.threshold);
}

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const count = new Intl.NumberFormat('en-US');

export function percentOrDash(share: number | null): string {
  return share === null ? 'n/a' : `${Math.round(share * 100)}%`;
}

function outcomeText(outcome: Outcome): string {
  return `${number.format(outcome.leadsPerWeek)} leads per week, precision ${percentOrDash(outcome.precision)}, recall ${percentOrDash(outcome.recall)}`;
}

/** The preview's text: what the hot (and warm) threshold being edited would have done, in words. */
export function previewSummary(segmentName: string, answer: PreviewSegment): string {
  if (answer.hot === null || answer.warm === null || answer.window === null)
    return `No preview for ${segmentName}: ${answer.note ?? 'no test window to read'}.`;
  const source =
    answer.servedBy === 'pooled'
      ? `the pooled model ${answer.modelVersion ?? ''} that serves this segment`
      : `model ${answer.modelVersion ?? ''}`;
  return [
    `Hot threshold ${answer.hot.threshold} for ${segmentName}: ${outcomeText(answer.hot)}.`,
    `Warm threshold ${answer.warm.threshold}: ${outcomeText(answer.warm)}.`,
    `Measured on the test window of ${source.replace(/ +$/, '')} (${count.format(answer.window.examples)} examples, ${count.format(answer.window.leads)} leads over ${number.format(answer.window.weeks)} weeks).`,
  ].join(' ');
}

export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const globalTimers: Timers = {
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

/** Runs only the last of calls that come less than `delayMs` apart, `delayMs` after it. */
export function createDebouncer(delayMs: number, timers: Timers = globalTimers) {
  let pending: unknown;
  let scheduled = false;
  return {
    schedule(run: () => void): void {
      if (scheduled) timers.clearTimeout(pending);
      scheduled = true;
      pending = timers.setTimeout(() => {
        scheduled = false;
        run();
      }, delayMs);
    },
    cancel(): void {
      if (scheduled) timers.clearTimeout(pending);
      scheduled = false;
    },
  };
}

/**
 * Hands out tickets so only the newest request's answer is applied: answers to older requests,
 * arriving late, are dropped.
 */
export function createLatestGate() {
  let latest = 0;
  return {
    ticket(): number {
      latest += 1;
      return latest;
    },
    isLatest(ticket: number): boolean {
      return ticket === latest;
    },
  };
}
