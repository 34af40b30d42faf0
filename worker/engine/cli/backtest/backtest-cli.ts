import { CliError, EXIT_OK } from '../cli-error.ts';

export interface BacktestStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * `leadscore backtest`: trains on the oldest rows, validates on the next ones and measures on the
 * newest. Returns the exit code; bad input is thrown as CliError (one line, exit 2).
 */
export async function runBacktestCli(
  args: string[],
  streams: BacktestStreams,
  _signal?: AbortSignal,
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    streams.stdout.write('usage: leadscore backtest --data <csv> --label <column> --time-column <column>\n');
    return EXIT_OK;
  }
  throw new CliError('leadscore backtest: not available yet');
}
