import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import { executeSoql } from './query-executor.ts';
import type { SalesforceSandboxState } from './salesforce-router.ts';
import type { SalesforceStore } from './salesforce-store.ts';
import { SoqlError } from './soql.ts';

/** Salesforce's Composite API takes at most 25 subrequests per call, at most 5 of them queries. */
const maxSubrequests = 25;
const maxQueries = 5;

interface SubAnswer {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

function subError(referenceId: string, status: number, errorCode: string, message: string): SubAnswer {
  return { body: [{ message, errorCode }], httpHeaders: {}, httpStatusCode: status, referenceId };
}

/**
 * One GET query subrequest, paged like the query route (its `nextRecordsUrl` is served by the
 * query-locator route), so a composite caller meets unfinished pages just as Salesforce shows them.
 */
function runQuery(
  store: SalesforceStore,
  state: SalesforceSandboxState,
  apiVersion: string,
  referenceId: string,
  url: string,
): SubAnswer {
  const parsed = new URL(url, 'http://sandbox.invalid');
  if (!/^\/services\/data\/v[\d.]+\/query\/?$/.test(parsed.pathname))
    return subError(
      referenceId,
      400,
      'NOT_FOUND',
      `The sandbox composite route runs only GET query subrequests, not ${parsed.pathname}`,
    );
  let rows: Record<string, unknown>[];
  try {
    rows = executeSoql(store, parsed.searchParams.get('q') ?? '', apiVersion).rows;
  } catch (error) {
    if (error instanceof SoqlError) return subError(referenceId, 400, error.errorCode, error.message);
    throw error;
  }
  const records = rows.slice(0, state.queryPageSize);
  const done = records.length >= rows.length;
  const body: Record<string, unknown> = { totalSize: rows.length, done, records };
  if (!done) {
    const locator = `01g${randomBytes(6).toString('hex')}`;
    state.cursors.set(locator, { rows, offset: records.length, pageSize: state.queryPageSize });
    body.nextRecordsUrl = `/services/data/v${apiVersion}/query/${locator}-${records.length}`;
  }
  return { body, httpHeaders: {}, httpStatusCode: 200, referenceId };
}

/**
 * `POST /services/data/vXX.X/composite`: each GET query subrequest runs through the SOQL executor;
 * the API gate already counted the whole request as one call and applied its faults.
 */
export function mountCompositeRoutes(
  router: Router,
  store: SalesforceStore,
  state: SalesforceSandboxState,
): void {
  router.post('/services/data/:version/composite', express.json({ limit: '1mb' }), (request, response) => {
    const apiVersion = String(request.params.version).slice(1);
    const subrequests: unknown = request.body?.compositeRequest;
    if (!Array.isArray(subrequests) || subrequests.length === 0 || subrequests.length > maxSubrequests) {
      response.status(400).json([
        {
          message: `compositeRequest must list 1 to ${maxSubrequests} subrequests`,
          errorCode: 'INVALID_API_INPUT',
        },
      ]);
      return;
    }
    // Every subrequest the sandbox runs is a query, and Salesforce allows 5 queries per call.
    if (subrequests.length > maxQueries) {
      response.status(400).json([
        {
          message: `compositeRequest may hold at most ${maxQueries} query subrequests; send the rest in another call`,
          errorCode: 'INVALID_API_INPUT',
        },
      ]);
      return;
    }
    const compositeResponse = subrequests.map(
      (sub: { method?: unknown; url?: unknown; referenceId?: unknown }) => {
        const referenceId = String(sub.referenceId ?? '');
        if (sub.method !== 'GET' || typeof sub.url !== 'string')
          return subError(
            referenceId,
            400,
            'INVALID_API_INPUT',
            'The sandbox runs only GET subrequests with a url',
          );
        return runQuery(store, state, apiVersion, referenceId, sub.url);
      },
    );
    response.json({ compositeResponse });
  });
}
