import { randomBytes } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import express, { type Router } from 'express';
import { executeSoql, toCsvCells } from './query-executor.ts';
import type { SalesforceStore } from './salesforce-store.ts';
import { SoqlError } from './soql.ts';

interface BulkJob {
  info: Record<string, unknown>;
  header: string[];
  rows: string[][];
  polls: number;
}

/**
 * Bulk API 2.0 query jobs: create, poll (InProgress once, then JobComplete), and CSV results paged by
 * `maxRecords` with an opaque `Sforce-Locator` that is the string "null" on the last page.
 */
export function mountBulkRoutes(router: Router, store: SalesforceStore): void {
  const jobs = new Map<string, BulkJob>();
  router.post('/services/data/:version/jobs/query', express.json(), (request, response) => {
    const body = request.body as { operation?: string; query?: string };
    let result: ReturnType<typeof executeSoql>;
    try {
      result = executeSoql(store, String(body.query ?? ''), String(request.params.version).slice(1));
    } catch (error) {
      if (error instanceof SoqlError) {
        return void response.status(400).json([{ errorCode: 'INVALIDJOB', message: error.message }]);
      }
      throw error;
    }
    const id = `750${randomBytes(8).toString('hex').slice(0, 15)}`;
    const now = store.stamp().replace('Z', '+0000');
    const info = {
      id,
      operation: body.operation ?? 'query',
      object: result.object,
      createdById: '005000000000001AAA',
      createdDate: now,
      systemModstamp: now,
      state: 'UploadComplete',
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(String(request.params.version).slice(1)),
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
    };
    jobs.set(id, {
      info,
      header: result.fields,
      rows: result.rows.map((row) => toCsvCells(row, result.fields)),
      polls: 0,
    });
    response.json(info);
  });
  router.get('/services/data/:version/jobs/query/:id', (request, response) => {
    const job = jobs.get(String(request.params.id));
    if (!job) return void response.status(404).json([{ errorCode: 'NOT_FOUND', message: 'Job not found' }]);
    job.polls += 1;
    const state = job.polls === 1 ? 'InProgress' : 'JobComplete';
    job.info = {
      ...job.info,
      state,
      numberRecordsProcessed: state === 'JobComplete' ? job.rows.length : 0,
      retries: 0,
      totalProcessingTime: 10,
    };
    response.json(job.info);
  });
  router.get('/services/data/:version/jobs/query/:id/results', (request, response) => {
    const job = jobs.get(String(request.params.id));
    if (!job) return void response.status(404).json([{ errorCode: 'NOT_FOUND', message: 'Job not found' }]);
    const maxRecords = Math.max(1, Number(request.query.maxRecords ?? 10_000));
    const offset = request.query.locator
      ? Number(Buffer.from(String(request.query.locator), 'base64url').toString())
      : 0;
    const page = job.rows.slice(offset, offset + maxRecords);
    const next = offset + page.length;
    response.setHeader(
      'Sforce-Locator',
      next >= job.rows.length ? 'null' : Buffer.from(String(next)).toString('base64url'),
    );
    response.setHeader('Sforce-NumberOfRecords', String(page.length));
    response.type('text/csv').send(stringify([job.header, ...page], { quoted: true }));
  });
}
