import { readFileSync } from 'node:fs';
import { isTableError } from '../data/table-error.ts';
import { TaskCancelledError, WorkerTaskError } from '../runtime/run-in-worker.ts';
import { BACKTEST_USAGE } from './backtest/backtest-args.ts';
import { runBacktestCli } from './backtest/backtest-cli.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK } from './cli-error.ts';
import { IMPORT_INTENT_USAGE } from './import-intent/import-intent-args.ts';
import { runImportIntentCli } from './import-intent/import-intent-cli.ts';
import { PREDICT_HELP, PREDICT_USAGE, parsePredictArgs } from './predict-args.ts';
import { runPredict } from './predict-command.ts';
import { parseTrainArgs, TRAIN_HELP, TRAIN_USAGE } from './train-args.ts';
import { runTrain } from './train-command.ts';

const USAGE = `usage:\n  ${TRAIN_USAGE}\n  ${PREDICT_USAGE}\n  ${BACKTEST_USAGE}\n  ${IMPORT_INTENT_USAGE}`;

export const LEADSCORE_HELP = [
  USAGE,
  '',
  'Commands:',
  '  train       train a lead-scoring model on a CSV file (leadscore train --help)',
  '  predict     score a CSV file with a model, with the reasons for each score (leadscore predict --help)',
  '  backtest    train on the past and measure on the future (leadscore backtest --help)',
  '  import-intent  import third-party intent surges from a CSV file into the store (leadscore import-intent --help)',
  '',
  '  --help, -h      this text',
  '  --version, -v   the version of leadscore',
].join('\n');

/** The version in package.json, read when asked for. */
function packageVersion(): string {
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  const version = (JSON.parse(text) as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}

function wantsHelp(args: string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

/** Failures inside the training thread that are the input's fault, not the program's. */
const BAD_INPUT_IN_WORKER = new Set(['TrainingParamsError', 'DatasetError']);

export interface CliStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * The `leadscore` command. Returns the exit code: 0 done, 2 bad input (one line on stderr saying what
 * and where), 1 an unexpected failure, 130 interrupted.
 */
export async function runCli(argv: string[], streams: CliStreams, signal?: AbortSignal): Promise<number> {
  const [command, ...args] = argv;
  try {
    const warn = (text: string): void => {
      streams.stderr.write(`warning: ${text}\n`);
    };
    if ((command === 'train' || command === 'predict') && wantsHelp(args)) {
      streams.stdout.write(`${command === 'train' ? TRAIN_HELP : PREDICT_HELP}\n`);
      return EXIT_OK;
    }
    if (command === '--version' || command === '-v' || command === 'version') {
      streams.stdout.write(`${packageVersion()}\n`);
      return EXIT_OK;
    }
    if (command === 'train') {
      const report = await runTrain(parseTrainArgs(args), signal, warn);
      streams.stdout.write(
        `trained ${report.iterations} iterations on ${report.rows} rows × ${report.features} features in ${report.trainSeconds.toFixed(2)} s; ` +
          `${report.evaluatedOn} AUC ${report.auc.toFixed(4)}, PR AUC ${report.prAuc.toFixed(4)}, log loss ${report.logloss.toFixed(4)}\n`,
      );
      return EXIT_OK;
    }
    if (command === 'predict') {
      const summary = await runPredict(parsePredictArgs(args), (text) => {
        streams.stderr.write(`${text}\n`);
      });
      streams.stdout.write(`scored ${summary.rows} rows\n`);
      return EXIT_OK;
    }
    if (command === 'backtest') return await runBacktestCli(args, streams, signal);
    if (command === 'import-intent') return await runImportIntentCli(args, streams);
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      (command === undefined ? streams.stderr : streams.stdout).write(
        `${command === undefined ? USAGE : LEADSCORE_HELP}\n`,
      );
      return command === undefined ? EXIT_BAD_INPUT : EXIT_OK;
    }
    throw new CliError(`leadscore: unknown command ${JSON.stringify(command)}; use train or predict`);
  } catch (error) {
    return report(error, streams.stderr);
  }
}

function report(error: unknown, stderr: NodeJS.WritableStream): number {
  const line = (text: string): void => {
    stderr.write(`error: ${text.replace(/\s*\n\s*/g, ' ')}\n`);
  };
  if (error instanceof CliError) {
    line(error.message);
    return EXIT_BAD_INPUT;
  }
  if (isTableError(error)) {
    line(error.describe());
    return EXIT_BAD_INPUT;
  }
  if (error instanceof WorkerTaskError && BAD_INPUT_IN_WORKER.has(error.originalName)) {
    line(error.message);
    return EXIT_BAD_INPUT;
  }
  if (error instanceof TaskCancelledError) {
    line(error.message);
    return 130;
  }
  line(error instanceof Error ? `${error.message}` : String(error));
  if (error instanceof Error && error.stack && process.env.LEADSCORE_DEBUG) stderr.write(`${error.stack}\n`);
  return EXIT_FAILURE;
}
