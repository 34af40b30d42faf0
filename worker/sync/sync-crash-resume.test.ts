import { spawn } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SalesforceAuth } from '../../connector/providers/salesforce/salesforce-auth.ts';
import { SalesforceConnector } from '../../connector/providers/salesforce/salesforce-connector.ts';
import { type RunningSandbox, startSandbox } from '../../connector/sandbox/start-sandbox.ts';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import type { SyncPage } from '../../shared/crm-connector.ts';
import { createLogger } from '../../shared/logger.ts';
import { loadManifest } from '../../shared/manifest.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { createStore } from '../../shared/store/store.ts';
import { SyncHygieneRepository } from '../../shared/store/sync-hygiene.repository.ts';
import { testRedisUrl } from '../../test/support/redis.ts';

// The sandbox org's id: the tenant its records belong to.
const tenantId: TenantId = 'sf:00D000000000001AAA';
const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
const store = createStore(redis);
const hygiene = new SyncHygieneRepository(redis);
let sandbox: RunningSandbox;

interface Reference<T> {
  records: T[];
  rejected: number;
  lastCursor: string | null;
  /** Per page: its records' ids and its cursor. */
  pages: { ids: string[]; cursor: string }[];
}

/** An uninterrupted sync in this process: what the crashed-and-resumed one must end up with. */
async function reference<T>(
  pages: AsyncIterable<SyncPage<T>>,
  idOf: (record: T) => string,
): Promise<Reference<T>> {
  const result: Reference<T> = { records: [], rejected: 0, lastCursor: null, pages: [] };
  for await (const page of pages) {
    result.pages.push({ ids: page.records.map(idOf), cursor: page.nextCursor });
    result.records.push(...page.records);
    result.rejected += page.rejected.length;
    result.lastCursor = page.nextCursor;
  }
  return result;
}

async function connect(): Promise<SalesforceConnector> {
  const manifest = loadManifest();
  const config = {
    clientId: 'sandbox-client',
    clientSecret: 'sandbox-secret',
    redirectUri: 'http://127.0.0.1/oauth/salesforce/callback',
  };
  const state = 'sandbox-state-0123456789';
  const org = await new SalesforceAuth({
    ...config,
    apiVersion: manifest.salesforce.apiVersion,
    loginUrl: sandbox.baseUrl,
    allowedInstanceHosts: [sandbox.host],
  }).exchangeCode({ code: 'sandbox-authorization-code', state, expectedState: state });
  return new SalesforceConnector({
    tenantId,
    tokens: org.tokens,
    onTokensRefreshed: () => {},
    ...config,
    logger: createLogger({ level: 'silent' }),
    baseUrls: { login: sandbox.baseUrl },
    allowedInstanceHosts: [sandbox.host],
    manifest,
  });
}

/**
 * A cursor with the times the sync itself took (deletion windows, watermarks of empty objects are
 * "now") replaced, so two syncs of the same data compare equal on what they read.
 */
function readPosition(cursor: string | null | undefined, syncStartedAt: number): unknown {
  if (cursor === null || cursor === undefined) return cursor;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('{')) return cursor;
  return JSON.parse(text, (_key, value: unknown) =>
    typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) && Date.parse(value) >= syncStartedAt
      ? 'during the sync'
      : value,
  );
}

/** Runs the sync job in a worker process; with `crashAt`, SIGKILLs it once that page is stored. */
async function runWorker(
  crashAt?: string,
): Promise<{ lines: string[]; code: number | null; signal: string | null }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'support/sync-crash-worker.ts')],
    {
      env: {
        ...process.env,
        REDIS_URL: testRedisUrl,
        SANDBOX_URL: sandbox.baseUrl,
        SANDBOX_HOST: sandbox.host,
        TENANT_ID: tenantId,
        CRASH_AT: crashAt ?? '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += String(chunk);
    if (output.includes('crash-point')) child.kill('SIGKILL');
  });
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  return { lines: output.split('\n').filter(Boolean), code, signal };
}

beforeAll(async () => {
  const dataset = generateDataset({ leads: 3_000, seed: 7, tenantId, dirtyShare: 0.02 });
  sandbox = await startSandbox({ seed: { salesforce: dataset }, salesforce: { queryPageSize: 200 } });
  await store.purgeTenant(tenantId);
});

afterAll(async () => {
  await store.purgeTenant(tenantId);
  await redis.quit();
  await sandbox.close();
});

describe('sync job: a crash after k of n pages', () => {
  it('resumes from the last stored page: every lead and activity stored once, cursors at the end', async () => {
    const syncStartedAt = Date.now() - 1_000;
    const connector = await connect();
    const leads = await reference(connector.syncLeads({ cursor: null }), (lead) => lead.id);
    const activities = await reference(connector.syncActivities({ cursor: null }), (activity) => activity.id);
    const outcomes = await reference(
      connector.syncOutcomes({ cursor: null }),
      (outcome) => `${outcome.leadId}:${outcome.kind}`,
    );
    const leadIds = new Set(leads.records.map((lead) => lead.id));
    expect(leadIds.size).toBeGreaterThan(2_500);
    expect(leads.rejected).toBeGreaterThan(0);

    // Killed in leads page 6's window (stored, cursor not yet saved): 5 pages behind it are safe.
    const first = await runWorker('leads:6');
    expect(first.signal).toBe('SIGKILL');
    expect(first.lines).toContain('saved leads 5');
    expect(first.lines).not.toContain('saved leads 6');
    expect(await store.cursors.get(tenantId, 'activities')).toBeUndefined();
    // Page 6 is stored, but the cursor is still page 5's: the stored page is never skipped.
    expect(leads.pages.length).toBeGreaterThan(6);
    expect(readPosition((await store.cursors.get(tenantId, 'leads'))?.cursor, syncStartedAt)).toEqual(
      readPosition(leads.pages[4]?.cursor, syncStartedAt),
    );
    expect(await store.leads.count(tenantId)).toBe(
      new Set(leads.pages.slice(0, 6).flatMap((page) => page.ids)).size,
    );
    const afterCrash = await hygiene.summary(tenantId);
    expect(afterCrash.firstLoad.leads).toEqual({ pages: 6, records: expect.any(Number), done: false });

    // Restarted, then killed again in the middle of the activities.
    const second = await runWorker('activities:4');
    expect(second.signal).toBe('SIGKILL');
    expect(second.lines).toContain('saved activities 3');
    expect((await hygiene.summary(tenantId)).firstLoad.leads?.done).toBe(true);

    const third = await runWorker();
    expect(third.code).toBe(0);
    expect(third.lines.at(-1)).toBe('done completed');

    // Every lead once: the stored ids are exactly the synced ones, and none was written twice.
    const stored: string[] = [];
    for await (const batch of store.leads.scan(tenantId)) stored.push(...batch.map((lead) => lead.id));
    expect(stored.length).toBe(leadIds.size);
    expect(new Set(stored)).toEqual(leadIds);
    const summary = await hygiene.summary(tenantId);
    expect(summary.families.leads?.written).toBe(leadIds.size);

    // Every activity once, under its lead.
    const expectedByLead = new Map<string, Set<string>>();
    for (const activity of activities.records) {
      const ids = expectedByLead.get(activity.leadId) ?? new Set<string>();
      ids.add(activity.id);
      expectedByLead.set(activity.leadId, ids);
    }
    let storedActivities = 0;
    for (const [leadId, ids] of expectedByLead) {
      const got = (await store.activities.all(tenantId, leadId)).map((activity) => activity.id);
      expect(new Set(got)).toEqual(ids);
      expect(got.length).toBe(ids.size);
      storedActivities += got.length;
    }
    const distinctActivities = new Set(activities.records.map((activity) => activity.id)).size;
    expect(storedActivities).toBe(distinctActivities);
    expect(distinctActivities).toBeGreaterThan(1_000);
    expect(summary.families.activities?.written).toBe(distinctActivities);

    // Cursors where an uninterrupted sync ends.
    for (const [family, expected] of [
      ['leads', leads.lastCursor],
      ['activities', activities.lastCursor],
      ['outcomes', outcomes.lastCursor],
    ] as const) {
      const saved = await store.cursors.get(tenantId, family);
      expect(saved).toBeDefined();
      expect(readPosition(saved?.cursor, syncStartedAt)).toEqual(readPosition(expected, syncStartedAt));
    }
    expect(await store.cursors.all(tenantId)).toHaveLength(3);

    // Hygiene kept for the tenant: rejected records with field and reason, first load done, last success.
    expect(summary.rejectedCount).toBe(leads.rejected + activities.rejected + outcomes.rejected);
    const rejected = await hygiene.rejected(tenantId);
    expect(rejected[0]?.problems[0]?.field).toEqual(expect.any(String));
    expect(summary.firstLoad.activities?.done).toBe(true);
    expect(summary.lastSuccessAt).not.toBeNull();
    expect(summary.apiUsage).not.toBeNull();
  }, 300_000);
});
