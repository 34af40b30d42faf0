import { ScoreScale } from '../../shared/scoring/score-scale.ts';
import type { TestWindowExample } from '../../shared/store/models.repository.ts';
import { calibratedProbabilities } from './calibrated-model.ts';
import type { TrainedSegmentModel } from './train-tenant.ts';

/**
 * The examples of a trained model's test window as the threshold preview needs them: each one's
 * 0-100 score under the model's own scale (the score a lead would be shown), its label, snapshot
 * time and weight, and the segment its lead was in at training time (the pooled model's window spans
 * every segment it serves, so the preview filters it by segment). Undefined without a score scale
 * (or with a scale that is not one, as some tests store): there is no score to store then.
 */
export function testWindowOf(
  trained: Pick<TrainedSegmentModel, 'model' | 'calibrator' | 'test'>,
  scale: unknown,
  segmentOfLead: (leadId: string) => string,
): TestWindowExample[] | undefined {
  if (scale === null || scale === undefined) return undefined;
  let scoreScale: ScoreScale;
  try {
    scoreScale = ScoreScale.fromJSON(scale);
  } catch {
    return undefined;
  }
  const { test } = trained;
  const probabilities = calibratedProbabilities(trained.model, trained.calibrator, test.values);
  return test.leadIds.map((leadId, row) => ({
    leadId,
    segment: segmentOfLead(leadId),
    score: scoreScale.scoreOf(probabilities[row] ?? 0),
    label: (test.labels[row] ?? 0) > 0 ? 1 : 0,
    snapshotAtMs: test.snapshotTimes[row] ?? 0,
    weight: test.weights[row] ?? 1,
  }));
}
