import { isTableError } from '../data/table-error.ts';
import { TaskCancelledError, WorkerTaskError } from '../runtime/run-in-worker.ts';
import { runBacktestCli } from './backtest/backtest-cli.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK } from './cli-error.ts';
import { PREDICT_USAGE, parsePredictArgs } from './predict-args.ts';
import { runPredict } from './predict-command.ts';
import { parseTrainArgs, TRAIN_USAGE } from './train-args.ts';
import { runTrain } from './train-command.ts';

const USAGE = `usage:\n  ${TRAIN_USAGE}\n  ${PREDICT_USAGE}`;

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
    if (command === 'train') {
      const report = await runTrain(parseTrainArgs(args), signal);
      streams.stdout.write(
        `trained ${report.iterations} iterations on ${report.rows} rows × ${report.features} features in ${report.trainSeconds.toFixed(2)} s; ` +
          `${report.evaluatedOn} AUC ${report.auc.toFixed(4)}, PR AUC ${report.prAuc.toFixed(4)}, log loss ${report.logloss.toFixed(4)}\n`,
      );
      return EXIT_OK;
    }
    if (command === 'predict') {
      const summary = await runPredict(parsePredictArgs(args));
      streams.stdout.write(`scored ${summary.rows} rows\n`);
      return EXIT_OK;
    }
    if (command === 'backtest') return await runBacktestCli(args, streams, signal);
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      (command === undefined ? streams.stderr : streams.stdout).write(`${USAGE}\n`);
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
