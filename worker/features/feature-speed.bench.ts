/**
 * Snapshot examples on generated leads: how many, how fast their features are computed, and the
 * leakage check (model test AUC against the generator's true probabilities on the same examples).
 *
 *   npx tsx worker/features/feature-speed.bench.ts [leads=20000] [maxLeadAgeDays=14]
 *
 * maxLeadAgeDays 14 measures each lead near its creation, where the true probabilities bound any
 * honest model; 180 (the product default) adds later snapshots whose survival and timing signals
 * the fixed probabilities do not have.
 */
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { snapshotTruth } from '../../fixtures/generator/snapshot-truth.ts';
import { historyFromRecords } from './in-memory-history.ts';
import { leakCheck } from './leak-check-auc.ts';
import { buildTrainingExamples } from './training-examples.ts';

const print = (line: string) => process.stdout.write(`${line}\n`);
const leads = Number(process.argv[2] ?? 20_000);
const maxLeadAgeDays = Number(process.argv[3] ?? 14);

const dataset = generateDataset({ leads, seed: 11 });
const history = historyFromRecords(dataset);
const started = performance.now();
const examples = await buildTrainingExamples(history, dataset.leads[0].tenantId, {
  dataEndMs: Date.parse('2026-10-31T23:59:59.999Z'),
  maxLeadAgeDays,
});
const totalMs = performance.now() - started;
const check = leakCheck(examples, snapshotTruth(dataset.truth, examples.options.horizonDays));
print(
  JSON.stringify({
    leads,
    maxLeadAgeDays,
    examples: examples.numRows,
    positives: examples.candidates.positives,
    split: examples.split.counts,
    examplesPerSecond: Math.round(examples.numRows / (examples.featureMs / 1000)),
    examplesPerSecondIncludingScan: Math.round(examples.numRows / (totalMs / 1000)),
    leakCheckAuc: Number(check.leakCheckAuc.toFixed(4)),
    oracleAuc: Number(check.oracleAuc.toFixed(4)),
    testExamples: check.testExamples,
  }),
);
