import { bulkQueryPages } from './bulk-query.ts';
import type { SalesforceOptions } from './constants.ts';
import { fromCsvRow, type SalesforceRecord, toIsoDateTime } from './map-salesforce-records.ts';
import type { SalesforceClient } from './salesforce-client.ts';

/** Progress through one object; part of the opaque cursor handed to callers. */
export interface ObjectCursor {
  /** Highest change stamp delivered; the next query re-reads from it minus the overlap. */
  watermark: string | null;
  /** Id → stamp of records delivered inside the overlap window, so re-reads are not re-delivered. */
  recent: Record<string, string>;
  /** A Bulk API 2.0 initial load in progress: resume reading its results from the locator. */
  bulk?: { jobId: string; locator: string | null };
  /**
   * A REST initial load in progress: resuming it keeps reading every row (no incremental-only
   * condition), so an interrupted full reconcile still sees our own writes.
   */
  fullLoad?: true;
}

export interface ObjectSyncSpec {
  /** The SOQL object (FROM) and, for the cursor, a key naming this pass. */
  object: string;
  fields: readonly string[];
  /** Extra SOQL condition, e.g. `WhoId != null`. */
  filter?: string;
  /**
   * A condition for incremental queries only (never the COUNT(), the Bulk load or the first load),
   * e.g. leaving out records whose latest change is our own write-back.
   */
  incrementalFilter?: string;
  /** The change stamp ordered on; a parent field path for passes driven by a related record. */
  stampField: string;
  /** Whether an initial load may go through Bulk API 2.0 when the object is large. */
  allowBulk: boolean;
}

export interface ObjectSyncPage {
  records: SalesforceRecord[];
  cursor: ObjectCursor;
}

const maxRecentIds = 20_000;

export function emptyObjectCursor(): ObjectCursor {
  return { watermark: null, recent: {} };
}

function readPath(record: SalesforceRecord, path: string): unknown {
  let value: unknown = record;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as SalesforceRecord)[part];
  }
  return value;
}

/** SOQL datetime literal, floored to the second (the overlap covers the lost milliseconds). */
export function soqlDateTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}

/** De-duplicates on Id against the overlap window and advances the watermark. */
class Deliverer {
  readonly cursor: ObjectCursor;
  private readonly overlapMs: number;
  private readonly stampField: string;

  constructor(start: ObjectCursor, stampField: string, overlapMs: number) {
    this.cursor = {
      watermark: start.watermark,
      recent: { ...start.recent },
      bulk: start.bulk,
      ...(start.fullLoad ? { fullLoad: true as const } : {}),
    };
    this.stampField = stampField;
    this.overlapMs = overlapMs;
  }

  take(records: SalesforceRecord[]): SalesforceRecord[] {
    const fresh: SalesforceRecord[] = [];
    for (const record of records) {
      const id = String(record.Id);
      const stamp = toIsoDateTime(readPath(record, this.stampField)) ?? '';
      if (this.cursor.recent[id] === stamp) continue;
      this.cursor.recent[id] = stamp;
      if (stamp && (this.cursor.watermark === null || stamp > this.cursor.watermark))
        this.cursor.watermark = stamp;
      fresh.push(record);
    }
    this.prune();
    return fresh;
  }

  private prune(): void {
    if (!this.cursor.watermark) return;
    const floor = new Date(Date.parse(this.cursor.watermark) - this.overlapMs).toISOString();
    const kept = Object.entries(this.cursor.recent).filter(([, stamp]) => stamp >= floor);
    kept.sort((a, b) => (a[1] < b[1] ? 1 : -1));
    this.cursor.recent = Object.fromEntries(kept.slice(0, maxRecentIds));
  }

  /**
   * An object that had no rows still needs a watermark, or the next run would be a full load again
   * (and pay a COUNT() call); the overlap absorbs clock skew with Salesforce.
   */
  settle(startedAt: string): void {
    if (this.cursor.watermark === null) this.cursor.watermark = startedAt;
  }

  snapshot(): ObjectCursor {
    return { ...this.cursor, recent: { ...this.cursor.recent } };
  }
}

function buildSoql(
  spec: ObjectSyncSpec,
  since: number | null,
  withOrder: boolean,
  incremental: boolean,
): string {
  const conditions = [
    spec.filter,
    since === null ? undefined : `${spec.stampField} >= ${soqlDateTime(since)}`,
    incremental ? spec.incrementalFilter : undefined,
  ];
  const where = conditions.filter(Boolean).join(' AND ');
  const order = withOrder ? ` ORDER BY ${spec.stampField}, Id` : '';
  return `SELECT ${spec.fields.join(', ')} FROM ${spec.object}${where ? ` WHERE ${where}` : ''}${order}`;
}

/**
 * Changed rows of one object since its cursor, oldest first: `stamp >= watermark - overlap ORDER BY
 * stamp, Id`, paged over nextRecordsUrl, de-duplicated on Id. A first load of a large object goes
 * through Bulk API 2.0 and can resume from its result locator.
 */
export async function* syncObject(
  client: SalesforceClient,
  spec: ObjectSyncSpec,
  start: ObjectCursor,
  options: SalesforceOptions,
  beforeEachCall: () => void,
  startedAt: string,
): AsyncGenerator<ObjectSyncPage> {
  const deliverer = new Deliverer(start, spec.stampField, options.overlapMs);
  if (start.bulk !== undefined) {
    yield* bulkLoad(client, spec, start, options, beforeEachCall, deliverer);
    return;
  }
  const mayUseBulk = start.watermark === null && spec.allowBulk && Number.isFinite(options.bulkThreshold);
  const firstLoad = start.watermark === null || start.fullLoad === true;
  const since = start.watermark === null ? null : Date.parse(start.watermark) - options.overlapMs;
  const soql = buildSoql(spec, since, true, !firstLoad);
  let firstPage = true;
  for await (const page of client.queryPages(soql, `sync ${spec.object}`, beforeEachCall)) {
    // The first page's totalSize sizes a first load, so small objects cost no separate COUNT()
    // call. Above the threshold the page is dropped undelivered (stopping here sends nothing more)
    // and Bulk API 2.0 reads the whole object; totalSize only picks the route, never bounds a loop.
    if (firstPage && mayUseBulk && !page.done && page.totalSize > options.bulkThreshold) {
      yield* bulkLoad(client, spec, start, options, beforeEachCall, deliverer);
      return;
    }
    firstPage = false;
    const records = deliverer.take(page.records as SalesforceRecord[]);
    if (page.done) deliverer.settle(startedAt);
    if (firstLoad && !page.done) deliverer.cursor.fullLoad = true;
    else delete deliverer.cursor.fullLoad;
    yield { records, cursor: deliverer.snapshot() };
  }
}

async function* bulkLoad(
  client: SalesforceClient,
  spec: ObjectSyncSpec,
  start: ObjectCursor,
  options: SalesforceOptions,
  beforeEachCall: () => void,
  deliverer: Deliverer,
): AsyncGenerator<ObjectSyncPage> {
  for await (const page of bulkQueryPages(client, buildSoql(spec, null, false, false), {
    maxRecords: options.bulkMaxRecords,
    pollIntervalMs: options.bulkPollIntervalMs,
    pollTimeoutMs: options.bulkPollTimeoutMs,
    resume: start.bulk,
    beforeEachCall,
  })) {
    const records = deliverer.take(page.rows.map((row) => fromCsvRow(row, spec.object)));
    deliverer.cursor.bulk =
      page.nextLocator === null ? undefined : { jobId: page.jobId, locator: page.nextLocator };
    yield { records, cursor: deliverer.snapshot() };
  }
}
