/**
 * `npm run golden`: remakes fixtures/golden/ with the real LightGBM. Writes the input files
 * (golden-data.ts), trains the models of TRAINING_RUNS with LightGBM's command line, predicts the
 * test rows (probabilities, raw scores, SHAP contributions) and records LightGBM's figures.
 *
 * LightGBM comes from LIGHTGBM_BIN when set, else ~/.cache/leadscore/lightgbm/lightgbm, which
 * build-lightgbm.sh builds the first time. Every run is single-threaded and deterministic: running
 * this twice gives identical files.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryReport } from '../../worker/engine/metric/binary-report.ts';
import { GOLDEN_DIR, goldenDataFiles, TRAINING_RUNS } from './golden-data.ts';

/** The sources build-lightgbm.sh compiles (the package's dependencies/LightGBM/VERSION.txt). */
export const LIGHTGBM_SOURCE = { npmPackage: 'lightgbm@1.0.27', version: '4.1.0.99' } as const;

const here = path.dirname(fileURLToPath(import.meta.url));

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fail(message: string): never {
  console.error(`golden: ${message}`);
  process.exit(1);
}

function lightGbmBinary(): string {
  const fromEnvironment = process.env.LIGHTGBM_BIN;
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    if (!isExecutable(fromEnvironment)) fail(`LIGHTGBM_BIN=${fromEnvironment} is not an executable file`);
    // LightGBM runs inside fixtures/golden, so a relative path must not be read from there.
    return path.resolve(fromEnvironment);
  }
  const cacheDir = path.join(homedir(), '.cache', 'leadscore', 'lightgbm');
  const cached = path.join(cacheDir, 'lightgbm');
  if (isExecutable(cached)) return cached;
  console.log(`golden: no LightGBM at ${cached}; building it (3-8 minutes)`);
  const build = spawnSync('bash', [path.join(here, 'build-lightgbm.sh'), cacheDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (build.status !== 0 || !isExecutable(cached)) fail('building LightGBM failed (see the lines above)');
  return cached;
}

/** Runs LightGBM in fixtures/golden so every path in its configs and model files is relative. */
function runLightGbm(binary: string, args: string[]): void {
  const run = spawnSync(binary, args, { cwd: GOLDEN_DIR, encoding: 'utf8' });
  if (run.status !== 0) {
    fail(`lightgbm ${args.join(' ')} exited with ${run.status}:\n${run.stdout}${run.stderr}`);
  }
}

function predict(binary: string, data: string, model: string, output: string, extra: string[] = []): void {
  runLightGbm(binary, [
    'task=predict',
    `data=${data}`,
    'header=true',
    'label_column=name:converted',
    'num_threads=1',
    'precise_float_parser=true',
    'verbosity=-1',
    `input_model=${model}`,
    `output_result=${output}`,
    ...extra,
  ]);
}

function readColumn(file: string): number[] {
  return readFileSync(file, 'utf8').trimEnd().split('\n').map(Number);
}

/** The distinct decision_type values of a LightGBM model file, ascending. */
function decisionTypesOf(modelText: string): number[] {
  const values = new Set<number>();
  for (const line of modelText.split('\n')) {
    if (!line.startsWith('decision_type=')) continue;
    for (const value of line.slice('decision_type='.length).split(' ')) {
      if (value !== '') values.add(Number(value));
    }
  }
  return [...values].sort((a, b) => a - b);
}

function round(value: number): number {
  return Number(value.toFixed(6));
}

function main(): void {
  const binary = lightGbmBinary();
  for (const file of goldenDataFiles()) writeFileSync(path.join(GOLDEN_DIR, file.name), file.text);

  const scratch = mkdtempSync(path.join(tmpdir(), 'leadscore-golden-'));
  try {
    const decisionTypes: Record<string, number[]> = {};
    for (const run of TRAINING_RUNS) {
      const kept = run.name !== 'quality';
      const model = kept ? `${run.name}-model.txt` : path.join(scratch, 'quality-model.txt');
      runLightGbm(binary, [`config=${run.name}.conf`, `output_model=${model}`]);
      if (!kept) {
        predict(binary, 'test.matrix.csv', model, `${run.name}-pred.txt`);
        continue;
      }
      predict(binary, 'sample.matrix.csv', model, `${run.name}-pred.txt`);
      predict(binary, 'sample.matrix.csv', model, `${run.name}-raw.txt`, ['predict_raw_score=true']);
      predict(binary, 'sample.matrix.csv', model, `${run.name}-contrib.txt`, ['predict_contrib=true']);
      decisionTypes[run.name] = decisionTypesOf(readFileSync(path.join(GOLDEN_DIR, model), 'utf8'));
    }
    const labels = readFileSync(path.join(GOLDEN_DIR, 'test.matrix.csv'), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => Number(line.slice(0, line.indexOf(','))));
    const report = binaryReport(labels, readColumn(path.join(GOLDEN_DIR, 'quality-pred.txt')));
    const figures = {
      lightgbm: LIGHTGBM_SOURCE,
      quality: {
        description: 'quality.conf trained on train.matrix.csv, scored on test.matrix.csv (quality-pred.txt)',
        testRows: report.rows,
        testAuc: round(report.auc),
        testPrAuc: round(report.prAuc),
        testLogloss: round(report.logloss),
      },
      decisionTypes,
    };
    writeFileSync(path.join(GOLDEN_DIR, 'lightgbm-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(
      `golden: LightGBM ${LIGHTGBM_SOURCE.version}: test AUC ${figures.quality.testAuc}, ` +
        `log loss ${figures.quality.testLogloss}; decision types ${JSON.stringify(decisionTypes)}`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
