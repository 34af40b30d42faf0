import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLeadsCsv } from './cli-test-leads.ts';
import { type CliRun, repoRoot, runLeadscore } from './run-leadscore.ts';

const directory = mkdtempSync(path.join(tmpdir(), 'leadscore-params-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const leads = path.join(directory, 'leads.csv');
writeLeadsCsv(leads, 300);
const LIGHTGBM_TRAIN_CONF = path.join(repoRoot, 'fixtures/lightgbm/train.conf');
const base = ['train', '--train', leads, '--label', 'converted', '--drop', 'lead_id,email', '--quiet'];

function model(name: string): string {
  return path.join(directory, name);
}

/** Exit code 2 and exactly one line on stderr, which is returned. */
function badInputLine(run: CliRun): string {
  expect(run.code).toBe(2);
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('leadscore train parameters', () => {
  it('writes a byte-identical model from flags, --param and --config', async () => {
    const conf = path.join(directory, 'same.conf');
    writeFileSync(
      conf,
      '# the same parameters as the flags\nnum_trees = 8\neta = 0.2\nnum_leaf = 7\nmin_child_samples = 5\n' +
        'subsample = 0.7\nsubsample_freq = 1\ncolsample_bytree = 0.9\nreg_lambda = 1.5\nrandom_state = 3\n',
    );
    const runs = await Promise.all([
      runLeadscore([
        ...base,
        ...['--iterations', '8', '--learning-rate', '0.2', '--num-leaves', '7', '--min-data-in-leaf', '5'],
        ...['--bagging-fraction', '0.7', '--bagging-freq', '1', '--feature-fraction', '0.9'],
        ...['--lambda-l2', '1.5', '--seed', '3', '--model', model('flags.txt')],
      ]),
      runLeadscore([
        ...base,
        ...['--param', 'num_iterations=8', '--param', 'learning_rate=0.2', '--param', 'num_leaves=7'],
        ...['--param', 'min_data_in_leaf=5', '--param', 'bagging_fraction=0.7', '--param', 'bagging_freq=1'],
        ...['--param', 'feature_fraction=0.9', '--param', 'lambda_l2=1.5', '--param', 'seed=3'],
        ...['--model', model('param.txt')],
      ]),
      runLeadscore([...base, '--config', conf, '--model', model('config.txt')]),
    ]);
    for (const run of runs) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    const flags = readFileSync(model('flags.txt'));
    expect(flags.toString('utf8')).toContain('[num_leaves: 7]');
    expect(readFileSync(model('param.txt')).equals(flags)).toBe(true);
    expect(readFileSync(model('config.txt')).equals(flags)).toBe(true);
  });

  it("trains with LightGBM's example train.conf, one warning line per key that does not apply", async () => {
    const run = await runLeadscore([
      ...base,
      '--config',
      LIGHTGBM_TRAIN_CONF,
      '--test',
      leads,
      '--param',
      'num_trees=5',
      '--model',
      model('lightgbm-conf.txt'),
    ]);
    expect(run.code).toBe(0);
    const where = (line: number): string => `warning: ${LIGHTGBM_TRAIN_CONF}, line ${line}`;
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `${where(21)}: metric lists 2 metrics; only the first (binary_logloss) is tracked during training, and the report has AUC, PR AUC and log loss in any case`,
      `${where(24)}: metric_freq is ignored: the progress bar shows every iteration`,
      `${where(57)}: tree_learner is ignored: training always runs serially on one machine`,
      `${where(81)}: is_enable_sparse is ignored: a storage optimisation that does not change the model`,
      `${where(85)}: use_two_round_loading is ignored: CSV files are always read in two streaming passes`,
      `${where(89)}: is_save_binary_file is ignored: no binary dataset file is written`,
      `${where(105)}: num_machines is ignored: distributed training does not apply on one machine`,
      `${where(108)}: local_listen_port is ignored: distributed training does not apply on one machine`,
      `${where(111)}: machine_list_file is ignored: distributed training does not apply on one machine`,
    ]);
    expect(run.stdout).toMatch(/^trained 5 iterations on 300 rows × 3 features/);
    const text = readFileSync(model('lightgbm-conf.txt'), 'utf8');
    expect(text).toContain('[num_leaves: 63]');
    expect(text).toContain('[min_data_in_leaf: 50]');
    expect(text).toContain('[bagging_fraction: 0.8]');
  });

  it('refuses an unknown config key with one line naming the closest key', async () => {
    const conf = path.join(directory, 'typo.conf');
    writeFileSync(conf, 'num_trees = 5\nlearnig_rate = 0.1\n');
    const run = await runLeadscore([...base, '--config', conf, '--model', model('typo.txt')]);
    expect(badInputLine(run)).toBe(
      `error: ${conf}, line 2: unknown parameter "learnig_rate"; did you mean "learning_rate"?`,
    );
  });

  it('names the key, the file and the line of a value of the wrong type', async () => {
    const conf = path.join(directory, 'type.conf');
    writeFileSync(conf, 'num_trees = 5\nfeature_fraction = most\n');
    const run = await runLeadscore([...base, '--config', conf, '--model', model('type.txt')]);
    expect(badInputLine(run)).toBe(
      `error: ${conf}, line 2: feature_fraction must be a number > 0 and <= 1, got "most"`,
    );
  });

  it('reads a negative number as a flag value and gives the range error', async () => {
    const run = await runLeadscore([...base, '--learning-rate', '-1', '--model', model('negative.txt')]);
    expect(badInputLine(run)).toBe(
      'error: leadscore train: --learning-rate: Invalid training parameter learning_rate: must be a number > 0, got -1',
    );
  });

  it('refuses, before reading any data, a model that could outgrow --max-model-mb', async () => {
    const started = performance.now();
    const run = await runLeadscore([
      'train',
      '--train',
      path.join(directory, 'not-read.csv'),
      '--label',
      'converted',
      '--iterations',
      '99999999',
      '--model',
      model('huge.txt'),
    ]);
    expect(badInputLine(run)).toBe(
      'error: leadscore train: 99999999 iterations × 31 leaves could make a model of about 541,019 MB, above --max-model-mb 1024; lower num_iterations or num_leaves, or raise --max-model-mb',
    );
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(existsSync(model('huge.txt'))).toBe(false);
    const small = await runLeadscore([
      ...base,
      '--iterations',
      '2000',
      '--max-model-mb',
      '1',
      '--model',
      model('s.txt'),
    ]);
    expect(badInputLine(small)).toContain(
      '2000 iterations × 31 leaves could make a model of about 11 MB, above --max-model-mb 1',
    );
  });
});

describe('leadscore --help and --version', () => {
  it('prints each command with its flags, defaults and ranges, exit 0', async () => {
    const [top, train, predict, version] = await Promise.all([
      runLeadscore(['--help']),
      runLeadscore(['train', '--help']),
      runLeadscore(['predict', '--help']),
      runLeadscore(['--version']),
    ]);
    for (const run of [top, train, predict, version]) {
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
    }
    expect(top.stdout).toContain(
      '  train       train a lead-scoring model on a CSV file (leadscore train --help)',
    );
    expect(train.stdout).toContain('  --learning-rate X       learning_rate: default 0.1; a number > 0');
    expect(train.stdout).toContain(
      '  --max-model-mb MB       refuse to start when the model could grow past this size; default 1024',
    );
    expect(train.stdout).toContain(
      '  bagging_fraction = 1  (a number > 0 and <= 1); aliases: sub_row, subsample, bagging',
    );
    expect(predict.stdout).toContain('  --top N               add factor_1..factor_N');
    const packageJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(version.stdout).toBe(`${packageJson.version}\n`);
  });
});
