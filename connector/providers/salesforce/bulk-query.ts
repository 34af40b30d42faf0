import { parse } from 'csv-parse/sync';
import { ConnectorError } from '../../../shared/errors.ts';
import { validateRecord } from '../../../shared/schemas/validate.ts';
import { type BulkQueryJob, bulkQueryJobSchema } from './api-schemas.ts';
import type { SalesforceClient } from './salesforce-client.ts';

export interface BulkResultPage {
  rows: Record<string, string>[];
  jobId: string;
  /** Locator of the next page; null after the last one (`Sforce-Locator: null`). */
  nextLocator: string | null;
}

export interface BulkQueryOptions {
  maxRecords: number;
  pollIntervalMs: number;
  pollTimeoutMs: number;
  /** Resume reading results of an existing job from a locator (a cursor saved mid-load). */
  resume?: { jobId: string; locator: string | null };
  beforeEachCall?: () => void;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function readJob(raw: unknown, operation: string): BulkQueryJob {
  const result = validateRecord(bulkQueryJobSchema, raw);
  if (!result.ok) {
    throw new ConnectorError('UNKNOWN', `Unexpected Bulk API 2.0 job info during ${operation}`, {
      context: { provider: 'salesforce', operation },
    });
  }
  return result.value;
}

async function createAndWait(
  client: SalesforceClient,
  soql: string,
  options: BulkQueryOptions,
): Promise<string> {
  const sleep = options.sleep ?? defaultSleep;
  options.beforeEachCall?.();
  const created = readJob(
    await client.request(
      {
        method: 'POST',
        url: client.dataPath('/jobs/query'),
        body: JSON.stringify({ operation: 'query', query: soql }),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      },
      'create Bulk API 2.0 query job',
    ),
    'create Bulk API 2.0 query job',
  );
  const deadline = Date.now() + options.pollTimeoutMs;
  let job = created;
  while (job.state === 'UploadComplete' || job.state === 'InProgress') {
    if (Date.now() > deadline) {
      throw new ConnectorError(
        'TEMPORARY',
        `Bulk query job ${job.id} still ${job.state} after the poll timeout`,
        {
          context: { provider: 'salesforce', operation: 'poll Bulk API 2.0 query job', recordId: job.id },
        },
      );
    }
    await sleep(options.pollIntervalMs);
    options.beforeEachCall?.();
    job = readJob(
      await client.request(
        { method: 'GET', url: client.dataPath(`/jobs/query/${job.id}`) },
        'poll Bulk API 2.0 query job',
      ),
      'poll Bulk API 2.0 query job',
    );
  }
  if (job.state !== 'JobComplete') {
    throw new ConnectorError(
      'TEMPORARY',
      `Bulk query job ${job.id} ended ${job.state}: ${job.errorMessage ?? ''}`,
      {
        context: { provider: 'salesforce', operation: 'Bulk API 2.0 query', recordId: job.id },
      },
    );
  }
  return job.id;
}

/**
 * Runs (or resumes) a Bulk API 2.0 query job and yields its CSV result pages, following
 * `Sforce-Locator` until the header is the string `null`. A missing header is an error, not the end.
 */
export async function* bulkQueryPages(
  client: SalesforceClient,
  soql: string,
  options: BulkQueryOptions,
): AsyncGenerator<BulkResultPage> {
  const jobId = options.resume?.jobId ?? (await createAndWait(client, soql, options));
  let locator = options.resume?.locator ?? null;
  for (;;) {
    const query = new URLSearchParams({ maxRecords: String(options.maxRecords) });
    if (locator) query.set('locator', locator);
    options.beforeEachCall?.();
    const { body, headers } = await client.requestWithHeaders(
      {
        method: 'GET',
        url: client.dataPath(`/jobs/query/${jobId}/results?${query.toString()}`),
        headers: { Accept: 'text/csv' },
      },
      'read Bulk API 2.0 query results',
      'text/plain',
    );
    const next = headers['sforce-locator'];
    if (next === undefined || next === '') {
      throw new ConnectorError(
        'UNKNOWN',
        `Bulk results of job ${jobId} came without a Sforce-Locator header`,
        {
          context: { provider: 'salesforce', operation: 'read Bulk API 2.0 query results', recordId: jobId },
        },
      );
    }
    const rows = parse(String(body ?? ''), { columns: true, skip_empty_lines: true }) as Record<
      string,
      string
    >[];
    const nextLocator = next === 'null' ? null : next;
    yield { rows, jobId, nextLocator };
    if (nextLocator === null) return;
    locator = nextLocator;
  }
}
