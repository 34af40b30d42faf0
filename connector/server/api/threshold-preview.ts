import type { TestWindowExample } from '../../../shared/store/models.repository.ts';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export interface ThresholdOutcome {
  threshold: number;
  /**
   * Distinct leads per week at or above the threshold: the number of distinct leads with at least one
   * test example scoring at or above it, divided by the weeks the window spans. Distinct leads, not
   * examples: a lead snapshotted twice in the window is one lead a rep would have been handed.
   */
  leadsPerWeek: number;
  /** Of the examples at or above the threshold, the weighted share that converted; null when none is. */
  precision: number | null;
  /** Of the converting examples, the weighted share at or above the threshold; null without any. */
  recall: number | null;
  /** Examples at or above the threshold. */
  examplesAbove: number;
}

export interface WindowSummary {
  fromMs: number;
  toMs: number;
  /**
   * Weeks the window spans: from its first to its last snapshot time plus one snapshot interval (each
   * snapshot stands for the interval after it; the interval is the smallest gap between distinct
   * snapshot times, one week when the window holds a single time).
   */
  weeks: number;
  examples: number;
  leads: number;
  positives: number;
}

export function summarizeWindow(examples: readonly TestWindowExample[]): WindowSummary | undefined {
  if (examples.length === 0) return undefined;
  const times = [...new Set(examples.map((example) => example.snapshotAtMs))].sort((one, two) => one - two);
  let interval = Number.POSITIVE_INFINITY;
  for (let index = 1; index < times.length; index += 1) {
    interval = Math.min(interval, (times[index] ?? 0) - (times[index - 1] ?? 0));
  }
  if (!Number.isFinite(interval)) interval = WEEK_MS;
  const fromMs = times[0] ?? 0;
  const toMs = times[times.length - 1] ?? 0;
  return {
    fromMs,
    toMs,
    weeks: (toMs - fromMs + interval) / WEEK_MS,
    examples: examples.length,
    leads: new Set(examples.map((example) => example.leadId)).size,
    positives: examples.filter((example) => example.label === 1).length,
  };
}

/** What a candidate threshold would have done on the window's examples (weights as the metrics use them). */
export function outcomeAtThreshold(
  examples: readonly TestWindowExample[],
  threshold: number,
  weeks: number,
): ThresholdOutcome {
  let aboveWeight = 0;
  let truePositiveWeight = 0;
  let positiveWeight = 0;
  let examplesAbove = 0;
  const leadsAbove = new Set<string>();
  for (const example of examples) {
    const above = example.score >= threshold;
    if (example.label === 1) positiveWeight += example.weight;
    if (!above) continue;
    examplesAbove += 1;
    leadsAbove.add(example.leadId);
    aboveWeight += example.weight;
    if (example.label === 1) truePositiveWeight += example.weight;
  }
  return {
    threshold,
    leadsPerWeek: weeks > 0 ? leadsAbove.size / weeks : 0,
    precision: aboveWeight > 0 ? truePositiveWeight / aboveWeight : null,
    recall: positiveWeight > 0 ? truePositiveWeight / positiveWeight : null,
    examplesAbove,
  };
}
