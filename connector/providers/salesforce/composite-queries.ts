import { z } from 'zod';
import { ConnectorError } from '../../../shared/errors.ts';
import { validateRecord } from '../../../shared/schemas/validate.ts';
import { type QueryResponse, queryResponseSchema } from './api-schemas.ts';
import { parseSalesforceError } from './parse-salesforce-error.ts';
import type { SalesforceClient } from './salesforce-client.ts';

/**
 * The Composite API takes at most 25 subrequests, of which at most 5 may be queries; the whole
 * request counts as one API call. A window's reads (Task, Event, campaign members by lead and by
 * contact) are 4 queries per 200 ids, so they fit one call.
 */
export const maxCompositeQueries = 5;

export interface CompositeQuery {
  /** Unique within one call: the subrequest's referenceId (letters, digits, "_"). */
  referenceId: string;
  soql: string;
}

const compositeAnswerSchema = z.object({
  compositeResponse: z.array(
    z.object({
      body: z.unknown(),
      httpStatusCode: z.number().int(),
      referenceId: z.string(),
    }),
  ),
});

function unexpected(operation: string, problem: string): ConnectorError {
  return new ConnectorError('UNKNOWN', `Unexpected composite response during ${operation}: ${problem}`, {
    context: { provider: 'salesforce', operation },
  });
}

function queryPage(operation: string, raw: unknown): QueryResponse {
  const page = validateRecord(queryResponseSchema, raw);
  if (!page.ok) throw unexpected(operation, page.problems.map((p) => `${p.field}: ${p.reason}`).join('; '));
  return page.value;
}

/**
 * Every query's rows, up to 5 queries in ONE Composite API call (`allOrNone: false`), through
 * the client's guarded, paced transport. A subrequest's error fails the whole read (mapped like any
 * REST error), so a window is retried rather than scored on missing activity; a page that is not
 * done is followed over its `nextRecordsUrl` (one more call each), never truncated.
 */
export async function runCompositeQueries(
  client: SalesforceClient,
  queries: CompositeQuery[],
  operation: string,
): Promise<Map<string, Record<string, unknown>[]>> {
  const rows = new Map<string, Record<string, unknown>[]>();
  for (let start = 0; start < queries.length; start += maxCompositeQueries) {
    const part = queries.slice(start, start + maxCompositeQueries);
    const body = {
      allOrNone: false,
      compositeRequest: part.map((query) => ({
        method: 'GET',
        url: client.dataPath(`/query?q=${encodeURIComponent(query.soql)}`),
        referenceId: query.referenceId,
      })),
    };
    const raw = await client.request(
      {
        method: 'POST',
        url: client.dataPath('/composite'),
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      },
      operation,
    );
    const answer = compositeAnswerSchema.safeParse(raw);
    if (!answer.success) throw unexpected(operation, 'no compositeResponse list');
    const byReference = new Map(answer.data.compositeResponse.map((item) => [item.referenceId, item]));
    for (const query of part) {
      const item = byReference.get(query.referenceId);
      if (item === undefined) throw unexpected(operation, `no answer for ${query.referenceId}`);
      if (item.httpStatusCode >= 400)
        throw parseSalesforceError(item.body, {
          httpStatus: item.httpStatusCode,
          context: { operation: `${operation} (${query.referenceId})` },
        });
      let page = queryPage(operation, item.body);
      const out: Record<string, unknown>[] = [...page.records];
      while (!page.done && page.nextRecordsUrl !== undefined) {
        page = queryPage(
          operation,
          await client.request({ method: 'GET', url: page.nextRecordsUrl }, operation),
        );
        out.push(...page.records);
      }
      rows.set(query.referenceId, out);
    }
  }
  return rows;
}
