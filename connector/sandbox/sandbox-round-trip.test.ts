import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import type { CrmConnector, ScoreWrite, SyncPage } from '../../shared/crm-connector.ts';
import { isConnectorError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import { loadManifest, writtenFieldKeys } from '../../shared/manifest.ts';
import { SalesforceAuth } from '../providers/salesforce/salesforce-auth.ts';
import { SalesforceConnector } from '../providers/salesforce/salesforce-connector.ts';
import { IdentityLinker } from '../sync/link-identities.ts';
import { createSandboxApp, type SandboxOptions } from './create-sandbox-app.ts';
import type { FaultOptions } from './faults.ts';
import { scoreWritesFor } from './sandbox-test-support.ts';

const manifest = loadManifest();
const tenantId = 'sf:00D000000000001AAA';
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function startSandbox(options: SandboxOptions) {
  const sandbox = createSandboxApp(options);
  const server = sandbox.app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { ...sandbox, base: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` };
}

async function install(base: string, host: string, extra: { now?: () => number } = {}) {
  const config = {
    clientId: 'sandbox-client',
    clientSecret: 'sandbox-secret',
    redirectUri: 'http://127.0.0.1/oauth/salesforce/callback',
    apiVersion: manifest.salesforce.apiVersion,
    loginUrl: base,
    allowedInstanceHosts: [host],
  };
  const state = 'sandbox-state-0123456789';
  const org = await new SalesforceAuth(config).exchangeCode({
    code: 'sandbox-authorization-code',
    state,
    expectedState: state,
  });
  const connector = new SalesforceConnector(
    {
      tenantId,
      tokens: org.tokens,
      onTokensRefreshed: () => {},
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      redirectUri: config.redirectUri,
      logger: createLogger({ level: 'silent' }),
      baseUrls: { login: base },
      allowedInstanceHosts: [host],
      manifest,
    },
    { writeRetries: 3, ...extra },
  );
  return { connector, org };
}

/** Drains a sync like the worker does: on a retryable error, resume from the last stored cursor. */
async function drain<T>(sync: (cursor: string | null) => AsyncIterable<SyncPage<T>>, start: string | null) {
  let cursor = start;
  const pages: SyncPage<T>[] = [];
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      for await (const page of sync(cursor)) {
        pages.push(page);
        cursor = page.nextCursor;
      }
      return { pages, cursor, attempts: attempt + 1 };
    } catch (error) {
      if (!isConnectorError(error) || !error.retryable) throw error;
    }
  }
  throw new Error('sync did not finish in 200 attempts');
}

async function writeAll(connector: CrmConnector, writes: ScoreWrite[]): Promise<void> {
  let pending = writes;
  for (let attempt = 0; pending.length > 0 && attempt < 50; attempt++) {
    const results = await connector.writeScores(pending);
    const failed = new Set(results.filter((result) => !result.ok).map((result) => result.crmId));
    for (const result of results)
      if (!result.ok) expect(['TEMPORARY', 'RATE_LIMITED']).toContain(result.code);
    pending = pending.filter((write) => failed.has(write.crmId));
  }
  expect(pending).toHaveLength(0);
}

const faults: FaultOptions = {
  rateLimitEvery: 13,
  expireTokensEvery: 19,
  serverErrorRate: 0.05,
  recordLockRate: 0.03,
  seed: 42,
};

describe('the Salesforce provider against the sandbox CRM', () => {
  it('syncs every lead once and writes every score once under injected faults', async () => {
    const dataset = generateDataset({ leads: 400, seed: 11, tenantId, dirtyShare: 0.03 });
    const sandbox = await startSandbox({
      seed: { salesforce: dataset },
      faults,
      salesforce: { queryPageSize: 37 },
    });
    const { connector } = await install(sandbox.base, sandbox.host);

    const first = await connector.ensureFields();
    // Every written field on Lead and on Contact.
    expect(first.created).toHaveLength(2 * writtenFieldKeys.length);
    const again = await connector.ensureFields();
    expect(again).toEqual({ created: [], alreadyPresent: first.created });
    // Admins read and edit every written field, on both objects.
    expect(sandbox.salesforce.store.permissionSets.get('LeadScore_Admin')).toHaveLength(
      2 * writtenFieldKeys.length,
    );

    const leads = await drain((cursor) => connector.syncLeads({ cursor }), null);
    const delivered = leads.pages.flatMap((page) => page.records.map((lead) => lead.crmId));
    const rejected = leads.pages.flatMap((page) => page.rejected.map((record) => record.crmId));
    const total = sandbox.salesforce.store.count('Lead') + sandbox.salesforce.store.count('Contact');
    expect(leads.attempts).toBeGreaterThan(1);
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(delivered.length + rejected.length).toBe(total);
    expect(rejected.length).toBeGreaterThan(0);
    expect(new Set([...delivered, ...rejected]).size).toBe(total);

    const activities = await drain((cursor) => connector.syncActivities({ cursor }), null);
    const activityIds = activities.pages.flatMap((page) => [
      ...page.records.map((a) => a.id),
      ...page.rejected.map((r) => r.crmId),
    ]);
    const store = sandbox.salesforce.store;
    expect(new Set(activityIds).size).toBe(activityIds.length);
    expect(activityIds.length).toBe(
      store.count('Task') + store.count('Event') + store.count('CampaignMember'),
    );

    const outcomes = await drain((cursor) => connector.syncOutcomes({ cursor }), null);
    const converted = outcomes.pages.flatMap((page) => page.records.filter((o) => o.kind === 'converted'));
    const convertedInStore = [...store.table('Lead').values()].filter(
      (lead) => lead.IsConverted === true,
    ).length;
    expect(new Set(converted.map((o) => o.leadId)).size).toBe(convertedInStore);

    const scored = leads.pages.flatMap((page) => page.records);
    await writeAll(connector, scoreWritesFor(scored, '2026-03-01T00:00:00.000Z'));
    expect(store.scoreWrites.size).toBe(scored.length);
    expect([...store.scoreWrites.values()].every((count) => count === 1)).toBe(true);
    expect(store.get(scored[5]!.crmId)?.LeadScore_Score__c).toBe(5);
    expect(sandbox.faults.injected.rateLimit + sandbox.faults.injected.serverError).toBeGreaterThan(0);
    expect(sandbox.faults.injected.expiredToken).toBeGreaterThan(0);
    expect(sandbox.faults.injected.recordLock).toBeGreaterThan(0);
  });

  it('costs one query per object for an incremental sync with nothing changed, then propagates a deletion', async () => {
    const dataset = generateDataset({ leads: 120, seed: 3, tenantId });
    const sandbox = await startSandbox({ seed: { salesforce: dataset } });
    let clock = Date.now();
    const { connector } = await install(sandbox.base, sandbox.host, { now: () => clock });
    const full = await drain((cursor) => connector.syncLeads({ cursor }), null);
    const people = new IdentityLinker();
    for (const page of full.pages) people.add(page.records);
    expect(people.peopleCount).toBeLessThanOrEqual(full.pages.flatMap((page) => page.records).length);

    sandbox.calls.reset();
    const quiet = await drain((cursor) => connector.syncLeads({ cursor }), full.cursor);
    expect(quiet.pages.flatMap((page) => page.records)).toHaveLength(0);
    expect(sandbox.calls.total('salesforce GET /query'), JSON.stringify(sandbox.calls.snapshot())).toBe(2);

    const victim = full.pages[0]!.records[0]!.crmId;
    sandbox.salesforce.store.delete(victim);
    clock += 120_000;
    sandbox.calls.reset();
    const afterDelete = await drain((cursor) => connector.syncLeads({ cursor }), quiet.cursor);
    expect(afterDelete.pages.flatMap((page) => page.deletedCrmIds)).toEqual([victim]);
    // Lead and Contact: one query and one /deleted/ call each.
    expect(sandbox.calls.total('salesforce')).toBe(4);
  });
});
