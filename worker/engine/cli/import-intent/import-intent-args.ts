import { parseArgs } from 'node:util';
import { tenantIdSchema } from '../../../../shared/schemas/common.ts';
import { CliError } from '../cli-error.ts';
import { INTENT_COLUMNS } from './intent-csv.ts';

export interface ImportIntentArgs {
  tenantId: string;
  file: string;
  batchSize: number;
}

export const DEFAULT_BATCH_SIZE = 1_000;
const MAX_BATCH_SIZE = 50_000;

export const IMPORT_INTENT_USAGE = 'leadscore import-intent --tenant <tenant id> [--batch-size N] <file.csv>';

function spellings(column: keyof typeof INTENT_COLUMNS): string {
  return INTENT_COLUMNS[column].join(', ');
}

export const IMPORT_INTENT_HELP = `usage: ${IMPORT_INTENT_USAGE}

Imports third-party intent surges (a company domain researching a topic) into the tenant's store.
Each row is checked; a bad row is reported with its line and the reason, skipped, and the rest are
imported. Importing the same file again stores the same signals: a signal is one domain, topic and
time, and a corrected surge score replaces the old one.

  --tenant <id>       the tenant to import into: sf:<orgId> or hs:<portalId> (required)
  --batch-size N      signals written per round trip to Redis (default ${DEFAULT_BATCH_SIZE}, at most ${MAX_BATCH_SIZE})
  --help, -h          this text
  <file.csv>          the intent file (required)

Columns (header names are matched case-insensitively; spaces, dashes and camelCase read as _;
other columns are ignored):
  domain              the company's domain, e.g. acme.com (also: ${spellings('domain')})
  topic               the intent topic (also: ${spellings('topic')})
  surge_score         a number from 0 to 100 (also: ${spellings('surge_score')})
  observed_at         ISO 8601 time with a zone, e.g. 2026-03-01T12:00:00Z, or a date (midnight UTC)
                      (also: ${spellings('observed_at')})

Redis is REDIS_URL, else redis://127.0.0.1:6379.
Exit codes: 0 imported (bad rows are reported on stderr, not fatal), 2 bad arguments or a missing
column, 1 Redis or another unexpected failure.`;

export function parseImportIntentArgs(args: string[]): ImportIntentArgs {
  let parsed: ReturnType<typeof parseFlagsOf>;
  try {
    parsed = parseFlagsOf(args);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CliError(`leadscore import-intent: ${message}`);
  }
  const { values, positionals } = parsed;
  const tenantId = values.tenant;
  if (tenantId === undefined || tenantId === '') {
    throw new CliError('leadscore import-intent: --tenant is required (sf:<orgId> or hs:<portalId>)');
  }
  if (!tenantIdSchema.safeParse(tenantId).success) {
    throw new CliError(
      `leadscore import-intent: --tenant ${JSON.stringify(tenantId.slice(0, 40))} must be "sf:<orgId>" (15-18 letters and digits) or "hs:<portalId>" (digits)`,
    );
  }
  if (positionals.length === 0) throw new CliError('leadscore import-intent: name the CSV file to import');
  if (positionals.length > 1) {
    throw new CliError(
      `leadscore import-intent: one file at a time; got ${positionals.length} (${positionals.join(', ')})`,
    );
  }
  const batchText = values['batch-size'];
  const batchSize = batchText === undefined ? DEFAULT_BATCH_SIZE : Number(batchText);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new CliError(
      `leadscore import-intent: --batch-size must be a whole number from 1 to ${MAX_BATCH_SIZE}, got ${JSON.stringify(batchText)}`,
    );
  }
  return { tenantId, file: positionals[0], batchSize };
}

function parseFlagsOf(args: string[]) {
  return parseArgs({
    args,
    options: { tenant: { type: 'string' }, 'batch-size': { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
}
