import type { RunningSandbox } from '../../connector/sandbox/start-sandbox.ts';
import { seededRandom } from '../../shared/random.ts';
import type { BenchProvider, WriteObserver } from './write-observer.ts';

export interface ProviderFigures {
  events: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Activities whose lead got no new score in the CRM within the drain time. */
  lost: number;
  /**
   * Activities whose lead was rescored (its stored score's scoredAt moved past the activity) to the
   * same score and factors, so nothing was written: legitimately no write, not lost. Counted only
   * when the bench gives `scoredAtOf`; otherwise such activities count as lost.
   */
  unchanged: number;
  /** Activities whose lead was written more than once for it. */
  duplicates: number;
  /** CRM API calls LeadScore made during the load, per second of it. */
  apiCallsPerSecond: number;
  apiCallsPerEvent: number;
}

/**
 * How long the load waits before its first activity: HubSpot's budget is a rolling 10 s window, and
 * the first scoring pass's write-back (a hundred batch updates for 10,000 contacts) has just spent
 * it. Starting at once would measure that pass's tail, not real-time rescoring.
 */
const SETTLE_MS = 10_500;

/** How long after the last activity a missing write still counts as late rather than lost. */
const DRAIN_MS = 15_000;

/** Open leads whose score LeadScore has written: the ones a rep would see move. */
function scoredRecordIds(sandbox: RunningSandbox, provider: BenchProvider): string[] {
  if (provider === 'salesforce') {
    return [...sandbox.salesforce.store.table('Lead').values()]
      .filter((lead) => typeof lead.LeadScore_Score__c === 'number' && lead.IsConverted !== true)
      .map((lead) => lead.Id);
  }
  return [...sandbox.hubspot.store.typeMap('contacts').values()]
    .filter((contact) => !contact.archived && (contact.properties.leadscore_score ?? '') !== '')
    .map((contact) => contact.id);
}

function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)] ?? Number.NaN);
}

function apiCalls(sandbox: RunningSandbox, provider: BenchProvider): number {
  // OAuth token calls do not count against either CRM's API limits.
  const all = sandbox.calls.total(`${provider} `);
  const oauth = [...sandbox.calls.byEndpoint.entries()]
    .filter(([endpoint]) => endpoint.startsWith(`${provider} `) && /oauth/i.test(endpoint))
    .reduce((sum, [, count]) => sum + count, 0);
  return all - oauth;
}

/**
 * `rate` activities per second for `seconds` on distinct scored leads of one CRM, each recorded
 * through the sandbox's "simulate activity" route (which POSTs the CRM's webhook), then the time
 * from each activity to the first score write of its lead.
 */
export async function runEventLoad(input: {
  sandbox: RunningSandbox;
  provider: BenchProvider;
  observer: WriteObserver;
  rate: number;
  seconds: number;
  seed: number;
  /** The epoch ms of the lead's stored score (Redis), to tell an unchanged rescore from a lost event. */
  scoredAtOf?: (provider: BenchProvider, crmId: string) => Promise<number | undefined>;
}): Promise<ProviderFigures> {
  const { sandbox, provider, observer } = input;
  const random = seededRandom(input.seed);
  const candidates = scoredRecordIds(sandbox, provider);
  const count = Math.round(input.rate * input.seconds);
  if (candidates.length < count) {
    throw new Error(
      `${provider}: ${candidates.length} scored leads, fewer than the ${count} events: raise --leads`,
    );
  }
  for (let index = candidates.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [candidates[index], candidates[other]] = [candidates[other] as string, candidates[index] as string];
  }
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const route = provider === 'salesforce' ? 'salesforce/leads' : 'hubspot/contacts';
  const types = ['meeting', 'demo_request', 'pricing_page_view', 'email_click'] as const;
  const callsBefore = apiCalls(sandbox, provider);
  const startedAt = performance.now();
  const sent: { crmId: string; at: number; wallAt: number }[] = [];
  const posts: Promise<void>[] = [];
  for (let index = 0; index < count; index += 1) {
    const due = startedAt + (index * 1000) / input.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const crmId = candidates[index] as string;
    const at = performance.now();
    sent.push({ crmId, at, wallAt: Date.now() });
    posts.push(
      fetch(`${sandbox.baseUrl}/sandbox/${route}/${crmId}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: types[index % types.length] }),
      }).then(async (response) => {
        if (!response.ok)
          throw new Error(
            `${provider}: simulate activity answered ${response.status}: ${await response.text()}`,
          );
      }),
    );
  }
  await Promise.all(posts);
  const lastAt = performance.now();
  // Wait for the stragglers: every lead written, or the drain time over.
  while (performance.now() - lastAt < DRAIN_MS) {
    if (sent.every((event) => observer.writesSince(provider, event.crmId, event.at).length > 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Late duplicates would arrive within a coalescing window or two of the first write.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const calls = apiCalls(sandbox, provider) - callsBefore;
  // Calls per second over the load and its tail: from the first activity to the last write.
  const lastWrite = Math.max(
    lastAt,
    ...sent.flatMap((event) => observer.writesSince(provider, event.crmId, event.at)),
  );
  const loadSeconds = (lastWrite - startedAt) / 1000;

  const latencies: number[] = [];
  let lost = 0;
  let unchanged = 0;
  let duplicates = 0;
  for (const event of sent) {
    const writes = observer.writesSince(provider, event.crmId, event.at);
    const first = writes[0];
    if (first === undefined) {
      const scoredAt = await input.scoredAtOf?.(provider, event.crmId);
      if (scoredAt !== undefined && scoredAt >= event.wallAt) unchanged += 1;
      else lost += 1;
      continue;
    }
    latencies.push(first - event.at);
    if (writes.length > 1) duplicates += 1;
  }
  latencies.sort((a, b) => a - b);
  return {
    events: sent.length,
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    p99Ms: percentile(latencies, 0.99),
    lost,
    unchanged,
    duplicates,
    apiCallsPerSecond: Number((calls / loadSeconds).toFixed(2)),
    apiCallsPerEvent: Number((calls / Math.max(1, sent.length)).toFixed(3)),
  };
}
