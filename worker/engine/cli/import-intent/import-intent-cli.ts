import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { Redis } from 'ioredis';
import { ConfigError, loadConfig } from '../../../../shared/config.ts';
import type { IntentSignal } from '../../../../shared/schemas/intent-signal.ts';
import { DEFAULT_REDIS_URL } from '../../../../shared/store/redis-connection.ts';
import { createStore, type Store } from '../../../../shared/store/store.ts';
import { CliError, EXIT_OK } from '../cli-error.ts';
import { IMPORT_INTENT_HELP, type ImportIntentArgs, parseImportIntentArgs } from './import-intent-args.ts';
import {
  describeRowProblems,
  INTENT_COLUMNS,
  type IntentColumnMap,
  matchIntentColumns,
  readIntentRow,
} from './intent-csv.ts';

export interface ImportIntentStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface ImportIntentSummary {
  /** Valid signals sent to the store (new, changed and unchanged). */
  imported: number;
  /** Of those, how many the store did not already hold as they are. */
  written: number;
  skipped: number;
  domains: number;
}

/**
 * `leadscore import-intent`: reads the file, checks every row and writes the good ones through the
 * store's intent repository. Returns the exit code; bad arguments or a missing column are thrown
 * as CliError (one line, exit 2).
 */
export async function runImportIntentCli(
  args: string[],
  streams: ImportIntentStreams,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    streams.stdout.write(`${IMPORT_INTENT_HELP}\n`);
    return EXIT_OK;
  }
  const parsed = parseImportIntentArgs(args);
  const url = redisUrl(env);
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => (attempt > 3 ? null : attempt * 200),
  });
  try {
    try {
      await redis.connect();
    } catch (error) {
      throw new Error(`leadscore import-intent: cannot reach Redis at ${describeUrl(url)}: ${String(error)}`);
    }
    const summary = await importIntentFile(createStore(redis), parsed, streams);
    streams.stdout.write(
      `imported ${summary.imported} ${plural(summary.imported, 'signal')} ` +
        `(${summary.written} new or changed, ${summary.imported - summary.written} unchanged) ` +
        `for ${summary.domains} ${plural(summary.domains, 'domain')} into ${parsed.tenantId}; ` +
        `skipped ${summary.skipped} bad ${plural(summary.skipped, 'row')}\n`,
    );
    return EXIT_OK;
  } finally {
    redis.disconnect();
  }
}

/** Streams the file in batches: memory stays flat whatever its size. */
export async function importIntentFile(
  store: Store,
  { tenantId, file, batchSize }: ImportIntentArgs,
  streams: ImportIntentStreams,
): Promise<ImportIntentSummary> {
  const summary: ImportIntentSummary = { imported: 0, written: 0, skipped: 0, domains: 0 };
  const domains = new Set<string>();
  let batch: IntentSignal[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const report = await store.intent.upsertMany(tenantId, batch);
    // Rows were checked with the store's own schema, so a refusal here is a bug, not bad input.
    if (report.rejected.length > 0) {
      throw new Error(
        `the store refused ${report.rejected.length} intent signals that passed the row checks`,
      );
    }
    summary.imported += batch.length;
    summary.written += report.written;
    for (const signal of batch) domains.add(signal.domain);
    batch = [];
  };

  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  // pipe() does not forward read errors (a missing file), so hand them to the parser explicitly.
  createReadStream(file)
    .on('error', (error) => parser.destroy(error))
    .pipe(parser);
  let columns: IntentColumnMap | undefined;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (columns === undefined) {
        columns = headerColumns(file, item.record, streams);
        continue;
      }
      const row = readIntentRow(item.record, columns);
      if (!row.ok) {
        summary.skipped += 1;
        streams.stderr.write(`${describeRowProblems(item.info.lines, row.problems)}\n`);
        continue;
      }
      batch.push(row.signal);
      if (batch.length >= batchSize) await flush();
    }
  } catch (error) {
    if (error instanceof CsvError) {
      await flush();
      const line = (error as CsvError & { lines?: number }).lines;
      throw new CliError(
        `leadscore import-intent: ${file}${line === undefined ? '' : ` line ${line}`}: not valid CSV ` +
          `(${error.message.replace(/^Invalid [^:]*:\s*/, '')}); the ${summary.imported} signals before it were imported`,
      );
    }
    if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CliError(`leadscore import-intent: ${file}: file not found; check the path`);
    }
    throw error;
  }
  if (columns === undefined) {
    throw new CliError(
      `leadscore import-intent: ${file} is empty; expected a header line (domain,topic,surge_score,observed_at), then rows`,
    );
  }
  await flush();
  summary.domains = domains.size;
  return summary;
}

function headerColumns(file: string, header: string[], streams: ImportIntentStreams): IntentColumnMap {
  const match = matchIntentColumns(header);
  if (!match.ok) {
    const wanted = match.missing
      .map((column) => `${column} (or ${INTENT_COLUMNS[column].slice(1).join(', ')})`)
      .join(', ');
    throw new CliError(
      `leadscore import-intent: ${file} has no ${wanted} column; its header is: ${header.map((name) => name.trim()).join(', ')}`,
    );
  }
  const found = Object.entries(match.columns)
    .map(([column, { header: name }]) => `${column} = "${name}"`)
    .join(', ');
  const ignored = match.ignored.length > 0 ? `; ignored: ${match.ignored.join(', ')}` : '';
  streams.stdout.write(`columns: ${found}${ignored}\n`);
  return match.columns;
}

function redisUrl(env: NodeJS.ProcessEnv): string {
  try {
    return loadConfig(env).REDIS_URL ?? DEFAULT_REDIS_URL;
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

/** Host and port only: a URL may carry a password. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'REDIS_URL';
  }
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
