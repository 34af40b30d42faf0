import type { RecordAnswer as ServerRecordAnswer } from '../../../connector/server/api/record.routes.ts';
import type { FetchAnswer, Fetcher, FetchOptions } from '../src/app/cards/lib/api.ts';

/** A record answer typed by the server's own schema: a change of the API shape fails the type check here. */
export function recordAnswer(overrides: Partial<ServerRecordAnswer> = {}): ServerRecordAnswer {
  return {
    leadId: 'hs:4242:contact:901',
    crmId: '901',
    score: 73,
    tier: 'hot',
    probability: 0.124,
    segment: { id: 'smb', name: 'SMB (< 200 employees)', hotThreshold: 70, warmThreshold: 45 },
    baseline: 31,
    factors: [
      {
        featureId: 'pricing_views_30d',
        label: '3 pricing-page views in the last 30 days',
        points: 18,
        text: '+18 · 3 pricing-page views in the last 30 days',
      },
      {
        featureId: 'meetings_90d',
        label: '1 meeting in the last 90 days',
        points: 14,
        text: '+14 · 1 meeting in the last 90 days',
      },
      { featureId: 'title_seniority', label: 'Title: VP Sales', points: 9, text: '+9 · Title: VP Sales' },
      {
        featureId: 'days_since_activity',
        label: '41 days since the last activity',
        points: -6,
        text: '-6 · 41 days since the last activity',
      },
      {
        featureId: 'email_clicks_30d',
        label: '2 email clicks in the last 30 days',
        points: 5,
        text: '+5 · 2 email clicks in the last 30 days',
      },
    ],
    other: { points: 2, text: '+2 · Other factors' },
    recommendation: 'Call this week: pricing-page visits and a recent meeting.',
    history: [
      { at: '2026-11-20T09:00:00.000Z', score: 55, modelVersion: 'v7' },
      { at: '2026-11-27T09:00:00.000Z', score: 64, modelVersion: 'v7' },
      { at: '2026-11-30T09:00:00.000Z', score: 73, modelVersion: 'v8' },
    ],
    model: { version: 'v8', source: 'model', trainedAt: '2026-11-28T03:00:00.000Z', ageDays: 3 },
    dataSufficiency: {
      mode: 'model',
      labelledLeads: 4200,
      convertingLeads: 180,
      minLabelledLeads: 1000,
      minConvertingLeads: 50,
      text: 'Model trained on 4,200 leads with 180 conversions',
      countedAt: '2026-11-28T03:00:00.000Z',
    },
    holdout: false,
    scoredAt: '2026-12-01T08:00:00.000Z',
    ...overrides,
  };
}

export interface FetchCall {
  url: string;
  options: FetchOptions;
}

export type Route = (
  call: FetchCall,
) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;

/** A stand-in for hubspot.fetch: answers through `route` and records every call. */
export function fakeFetch(route: Route): { fetcher: Fetcher; calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  const fetcher: Fetcher = async (url, options) => {
    const call = { url, options };
    calls.push(call);
    const answer = await route(call);
    const response: FetchAnswer = {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      json: async () => {
        if (answer.body === undefined) throw new SyntaxError('Unexpected end of JSON input');
        return answer.body;
      },
    };
    return response;
  };
  return { fetcher, calls };
}

/**
 * `waitFor` of the HubSpot renderer, failing with the check's own assertion error (which says what
 * differed) instead of a bare timeout.
 */
export async function eventually(
  waitFor: (check: () => void, options?: { timeoutInMs?: number }) => Promise<void>,
  check: () => void,
): Promise<void> {
  try {
    await waitFor(check, { timeoutInMs: 2000 });
  } catch (error) {
    check();
    throw error;
  }
}
