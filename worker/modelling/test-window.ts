import { ScoreScale } from '../../shared/scoring/score-scale.ts';
import type { TestWindowExample } from '../../shared/store/models.repository.ts';
import { calibratedProbabilities } from './calibrated-model.ts';
import type { ExampleRows } from './example-rows.ts';
import type { TrainedSegmentModel } from './train-tenant.ts';

/** What the window reads of a trained model: the model, its calibrator and its test rows. */
export interface TestWindowSource extends Pick<TrainedSegmentModel, 'model' | 'calibrator'> {
  test: Pick<ExampleRows, 'leadIds' | 'labels' | 'snapshotTimes' | 'weights' | 'values'>;
}

/**
 * The examples of a trained model's test window as the threshold preview and the evaluation need
 * them: each one's calibrated probability and its 0-100 score under the model's own scale (the score a
 * lead would be shown), its label, snapshot time and weight, and the segment its lead was in at
 * training time (the pooled model's window spans every segment it serves, so the preview filters it
 * by segment). Undefined without a score scale (or with a scale that is not one, as some tests store):
 * there is no score to store then.
 */
export function testWindowOf(
  trained: TestWindowSource,
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
  // A calibrator gives probabilities in [0, 1]; should one not, the window keeps scores only and the
  // evaluation reads probabilities back from them, as for windows saved before probabilities were kept.
  const keepProbabilities = probabilities.every((probability) => probability >= 0 && probability <= 1);
  return test.leadIds.map((leadId, row) => {
    const probability = probabilities[row] ?? 0;
    const example: TestWindowExample = {
      leadId,
      segment: segmentOfLead(leadId),
      score: scoreScale.scoreOf(probability),
      label: (test.labels[row] ?? 0) > 0 ? 1 : 0,
      snapshotAtMs: test.snapshotTimes[row] ?? 0,
      weight: test.weights[row] ?? 1,
    };
    if (keepProbabilities) example.probability = probability;
    return example;
  });
}
