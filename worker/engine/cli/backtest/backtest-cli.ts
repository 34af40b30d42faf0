import { writeFile } from 'node:fs/promises';
import { checkOutputPath } from '../check-output-path.ts';
import { EXIT_OK } from '../cli-error.ts';
import { checkModelSize } from '../model-size-guard.ts';
import { BACKTEST_HELP, parseBacktestArgs } from './backtest-args.ts';
import { runBacktest } from './backtest-run.ts';
import { formatHtmlReport } from './html-report.ts';
import { writePredictions } from './predictions-file.ts';
import { formatTerminalReport } from './terminal-report.ts';

export interface BacktestStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * `leadscore backtest`: trains on the oldest rows, validates on the next ones and measures on the
 * newest. Returns the exit code; bad input is thrown as CliError or TableError (one line, exit 2).
 */
export async function runBacktestCli(
  args: string[],
  streams: BacktestStreams,
  signal?: AbortSignal,
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    streams.stdout.write(BACKTEST_HELP);
    return EXIT_OK;
  }
  const parsed = parseBacktestArgs(args);
  // Refuse an unwritable output or an oversized model before minutes of work, not after.
  checkOutputPath('backtest', 'out', parsed.htmlFile);
  if (parsed.jsonFile !== undefined) checkOutputPath('backtest', 'json', parsed.jsonFile);
  if (parsed.predictionsFile !== undefined)
    checkOutputPath('backtest', 'predictions', parsed.predictionsFile);
  checkModelSize('backtest', parsed.params, parsed.maxModelMb);
  const warn = (line: string): void => {
    streams.stderr.write(`warning: ${line}\n`);
  };
  for (const warning of parsed.warnings) warn(warning);
  const { report, scored } = await runBacktest(parsed, signal, warn);
  const outputs = [parsed.htmlFile];
  await writeFile(parsed.htmlFile, formatHtmlReport(report));
  if (parsed.jsonFile !== undefined) {
    await writeFile(parsed.jsonFile, `${JSON.stringify(report, jsonNumber, 2)}\n`);
    outputs.push(parsed.jsonFile);
  }
  if (parsed.predictionsFile !== undefined) {
    await writePredictions(parsed.predictionsFile, scored);
    outputs.push(parsed.predictionsFile);
  }
  streams.stdout.write(formatTerminalReport(report, outputs));
  return EXIT_OK;
}

/** JSON has no NaN: a figure that does not exist (precision with no row flagged) is written null. */
function jsonNumber(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
