import { describe, expect, it } from 'vitest';
import type { TestWindowExample } from '../../../shared/store/models.repository.ts';
import { calibrationOf, type PredictedExample, predictedExamples } from './model-evaluation.ts';

const at = (probability: number, label: 0 | 1 = 0, weight = 1): PredictedExample => ({
  probability,
  label,
  weight,
});
const repeat = (count: number, probability: number, positives = 0): PredictedExample[] =>
  Array.from({ length: count }, (_, index) => at(probability, index < positives ? 1 : 0));

describe('equal-count calibration bins', () => {
  it('gives 10 bins of 10 for 100 distinct predictions, whatever their order', () => {
    const examples = Array.from({ length: 100 }, (_, index) =>
      at(((index * 37) % 100) / 1000, index % 2 ? 1 : 0),
    );
    const { bins } = calibrationOf(examples);
    expect(bins.map((bin) => bin.examples)).toEqual(Array(10).fill(10));
    expect(bins.map((bin) => [bin.from, bin.to])).toEqual(
      Array.from({ length: 10 }, (_, bin) => [bin / 100, (bin * 10 + 9) / 1000]),
    );
    expect(bins[3]?.predicted).toBeCloseTo(0.0345, 12);
  });

  it('keeps tied predictions in one bin, so ties give fewer bins', () => {
    // 30 examples, 3 target bins: five distinct low ones (middle ranks 0.5 to 4.5, bin 0), twenty at
    // 0.1 (ranks 5 to 25, middle 15, bin 1) and five distinct high ones (middle ranks 25.5 to 29.5, bin 2).
    const low = [0.01, 0.02, 0.03, 0.04, 0.05].map((probability) => at(probability));
    const high = [0.2, 0.3, 0.4, 0.5, 0.6].map((probability) => at(probability, 1));
    const { bins, error } = calibrationOf([...high, ...repeat(20, 0.1, 3), ...low]);
    expect(bins.map((bin) => [bin.examples, bin.positives, bin.from, bin.to])).toEqual([
      [5, 0, 0.01, 0.05],
      [20, 3, 0.1, 0.1],
      [5, 5, 0.2, 0.6],
    ]);
    expect(bins[0]?.predicted).toBeCloseTo(0.03, 12);
    expect(bins[1]?.observed).toBeCloseTo(0.15, 12);
    // 5/30·0.03 + 20/30·0.05 + 5/30·0.6
    expect(error).toBeCloseTo(0.005 + 1 / 30 + 0.1, 12);
    // Every prediction tied: one bin however large the window.
    expect(calibrationOf(repeat(50, 0.013, 1)).bins).toHaveLength(1);
    // A tie holding the middle rank of several target bins takes them all: 8 + 2 in 10 bins of 1.
    const tied = calibrationOf([...repeat(8, 0.02), at(0.5), at(0.7)], { minExamplesPerBin: 1 });
    expect(tied.bins.map((bin) => bin.examples)).toEqual([8, 1, 1]);
  });

  it('uses fewer bins for a small window: at least 10 examples per bin, one bin below 20', () => {
    const examples = Array.from({ length: 35 }, (_, index) => at(index / 100));
    // 35 examples, 3 bins: rank i goes to ⌊3 · (i + ½) / 35⌋, so ranks 0-11, 12-22 and 23-34.
    expect(calibrationOf(examples).bins.map((bin) => bin.examples)).toEqual([12, 11, 12]);
    expect(calibrationOf(examples.slice(0, 19)).bins).toHaveLength(1);
    expect(calibrationOf(examples, { maxBins: 2 }).bins.map((bin) => bin.examples)).toEqual([17, 18]);
    expect(calibrationOf(examples, { minExamplesPerBin: 5 }).bins).toHaveLength(7);
  });

  it('weights the means and the calibration error by example weight, binning by example count', () => {
    // 20 examples, 2 bins of 10: the negatives below carry weight 3 (sampled down).
    const examples = [
      ...Array.from({ length: 10 }, (_, index) => at(0.01 + index / 1000, 0, 3)),
      ...Array.from({ length: 10 }, (_, index) =>
        at(0.2 + index / 100, index < 5 ? 1 : 0, index < 5 ? 1 : 3),
      ),
    ];
    const { bins, error } = calibrationOf(examples);
    expect(bins.map((bin) => [bin.examples, bin.weight, bin.positives])).toEqual([
      [10, 30, 0],
      [10, 20, 5],
    ]);
    expect(bins[0]?.predicted).toBeCloseTo(0.0145, 12);
    // (0.20 + … + 0.24) + 3 · (0.25 + … + 0.29), over 20
    expect(bins[1]?.predicted).toBeCloseTo((1.1 + 3 * 1.35) / 20, 12);
    expect(bins[1]?.observed).toBeCloseTo(0.25, 12);
    expect(error).toBeCloseTo((30 / 50) * 0.0145 + (20 / 50) * Math.abs((1.1 + 3 * 1.35) / 20 - 0.25), 12);
  });

  it('answers no bins for no examples and refuses bin counts that are not whole and positive', () => {
    expect(calibrationOf([])).toEqual({ bins: [], error: null });
    expect(() => calibrationOf([at(0.1)], { maxBins: 0 })).toThrow('maxBins is 0: give a whole number');
    expect(() => calibrationOf([at(0.1)], { minExamplesPerBin: 2.5 })).toThrow(
      'minExamplesPerBin is 2.5: give a whole number of at least 1',
    );
  });
});

describe('the probabilities the evaluation reads', () => {
  const example = (score: number, probability?: number): TestWindowExample => ({
    leadId: `l-${score}`,
    segment: 'smb',
    score,
    label: 0,
    snapshotAtMs: 0,
    weight: 1,
    ...(probability === undefined ? {} : { probability }),
  });
  const ofScores = new Map([
    [20, 0.02],
    [70, 0.1],
  ]);
  const ofScore = (score: number) => ofScores.get(score);

  it('are the stored ones when every example has one, read from the scores otherwise', () => {
    expect(predictedExamples([example(20, 0.031), example(70, 0.12)], ofScore)).toEqual({
      source: 'stored',
      examples: [at(0.031), at(0.12)],
    });
    expect(predictedExamples([example(20, 0.031), example(70, 0.12)], undefined)).toMatchObject({
      source: 'stored',
    });
    expect(predictedExamples([example(20), example(70)], ofScore)).toEqual({
      source: 'score-scale',
      examples: [at(0.02), at(0.1)],
    });
    expect(predictedExamples([example(20, 0.031), example(70)], ofScore)).toMatchObject({
      source: 'score-scale',
    });
  });

  it('are missing without a scale, or for a score the scale never gives', () => {
    expect(predictedExamples([example(20)], undefined)).toEqual({ source: 'none', missingScore: null });
    expect(predictedExamples([example(20), example(55)], ofScore)).toEqual({
      source: 'none',
      missingScore: 55,
    });
  });
});
