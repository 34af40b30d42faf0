import {
  connectHubspotToSandbox,
  connectSalesforceToSandbox,
} from '../../connector/sandbox/connect-to-sandbox.ts';
import type { RunningSandbox } from '../../connector/sandbox/start-sandbox.ts';
import type { CrmConnector } from '../../shared/crm-connector.ts';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { Store } from '../../shared/store/store.ts';
import type { SyncHygieneRepository } from '../../shared/store/sync-hygiene.repository.ts';
import { type FamilyResult, SyncService } from '../../worker/sync/sync-service.ts';

export type BenchProvider = 'salesforce' | 'hubspot';

/** HubSpot's published budgets for OAuth apps: about 110 calls per 10 s, and 4 searches per second apart. */
export const hubspotCallsPerSecond = 11;
export const hubspotSearchesPerSecond = 4;

export interface SyncStage {
  seconds: number;
  families: FamilyResult[];
  calls: number;
  searches: number;
  byEndpoint: Record<string, number>;
  /** The least time the provider's per-second budgets allow for these calls; 0 without one (Salesforce). */
  floorSeconds: number;
}

/** API calls the sandbox counted for the provider, OAuth token calls left out. */
function countCalls(sandbox: RunningSandbox, provider: BenchProvider) {
  const byEndpoint: Record<string, number> = {};
  let calls = 0;
  let searches = 0;
  for (const [endpoint, count] of Object.entries(sandbox.calls.snapshot())) {
    if (!endpoint.startsWith(`${provider} `) || endpoint.includes('/oauth')) continue;
    byEndpoint[endpoint] = count;
    if (endpoint.endsWith('/search')) searches += count;
    else calls += count;
  }
  return { byEndpoint, calls, searches };
}

export async function connectToSandbox(
  sandbox: RunningSandbox,
  provider: BenchProvider,
  tenantId: TenantId,
): Promise<CrmConnector> {
  if (provider === 'hubspot') return connectHubspotToSandbox(sandbox, { tenantId });
  // The sandbox commits instantly: a 1 s overlap between incremental windows is enough.
  return (await connectSalesforceToSandbox(sandbox, { tenantId }, { overlapMs: 1_000 })).connector;
}

/** A full first load of every object family through the sync service into the store, timed. */
export async function runSyncStage(options: {
  sandbox: RunningSandbox;
  provider: BenchProvider;
  tenantId: TenantId;
  connector: CrmConnector;
  store: Store;
  hygiene: SyncHygieneRepository;
}): Promise<SyncStage> {
  const { sandbox, provider, tenantId, connector, store, hygiene } = options;
  const service = new SyncService({
    store,
    hygiene,
    connectorFor: async () => connector,
    logger: createLogger({ level: 'warn' }),
  });
  sandbox.calls.reset();
  const started = performance.now();
  const families = await service.syncTenant(tenantId, 'full');
  const seconds = (performance.now() - started) / 1000;
  const { byEndpoint, calls, searches } = countCalls(sandbox, provider);
  const floorSeconds =
    provider === 'hubspot' ? Math.max(calls / hubspotCallsPerSecond, searches / hubspotSearchesPerSecond) : 0;
  return { seconds, families, calls, searches, byEndpoint, floorSeconds };
}
