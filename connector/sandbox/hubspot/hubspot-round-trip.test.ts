import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../../fixtures/generator/generate-dataset.ts';
import type { ScoreWrite, SyncPage } from '../../../shared/crm-connector.ts';
import { isConnectorError } from '../../../shared/errors.ts';
import { writtenFieldKeys } from '../../../shared/manifest.ts';
import { resetHubspotPauses } from '../../providers/hubspot/hubspot-api.ts';
import { HubspotConnector } from '../../providers/hubspot/hubspot-connector.ts';
import { RollingTokenBucket } from '../../providers/hubspot/search-rate-limiter.ts';
import { testContext, testScore } from '../../providers/hubspot/test-support.ts';
import { sandboxHubspotTokens } from '../connect-to-sandbox.ts';
import type { SandboxOptions } from '../create-sandbox-app.ts';
import { type RunningSandbox, startSandbox } from '../start-sandbox.ts';

const tenantId = 'hs:2431623';
const running: RunningSandbox[] = [];
beforeEach(() => resetHubspotPauses());
afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.close();
});

async function install(options: SandboxOptions) {
  const sandbox = await startSandbox(options);
  running.push(sandbox);
  const tokens = await sandboxHubspotTokens(sandbox);
  // Stored tokens that are already past due: the first call must refresh them ahead of use.
  const context = testContext({
    tenantId,
    tokens: { ...tokens, expiresAt: Date.now() - 1_000 },
    baseUrls: { api: sandbox.baseUrl },
  });
  // Fresh budgets per test, still at HubSpot's pace: 4 searches per second, 105 other calls per 10 s.
  const connector = new HubspotConnector(context, {
    searchBucket: new RollingTokenBucket(4, 1_000),
    callBucket: new RollingTokenBucket(100, 10_000),
  });
  return { sandbox, connector, context };
}

/** Drains a sync as the worker does: on a retryable error, resume from the last stored cursor. */
async function drain<T>(sync: (cursor: string | null) => AsyncIterable<SyncPage<T>>) {
  let cursor: string | null = null;
  const pages: SyncPage<T>[] = [];
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      for await (const page of sync(cursor)) {
        pages.push(page);
        cursor = page.nextCursor;
      }
      return { pages, resumes: attempt };
    } catch (error) {
      if (!isConnectorError(error) || !error.retryable || error.context.vendorCode === 'DAILY') throw error;
    }
  }
  throw new Error('sync did not finish in 50 attempts');
}

describe('HubSpot provider against the sandbox CRM', () => {
  it('syncs every contact once and writes every score once under injected faults', async () => {
    const dataset = generateDataset({ leads: 300, seed: 7, tenantId, dirtyShare: 0.03 });
    const { sandbox, connector, context } = await install({
      seed: { hubspot: dataset },
      faults: { rateLimitEvery: 11, serverErrorRate: 0.04, recordLockRate: 0.05, seed: 5 },
      hubspot: { rateLimitRetryAfterSeconds: 1 },
    });
    const fields = await connector.ensureFields();
    expect(context.refreshed).toHaveLength(1);
    // The property group and every written property.
    expect(fields.created).toHaveLength(writtenFieldKeys.length + 1);
    expect((await connector.ensureFields()).alreadyPresent).toHaveLength(writtenFieldKeys.length + 1);

    const leads = await drain((cursor) => connector.syncLeads({ cursor }));
    const synced = leads.pages.flatMap((page) => page.records.map((lead) => lead.crmId));
    const rejected = leads.pages.flatMap((page) => page.rejected.map((record) => record.crmId));
    expect(new Set(synced).size).toBe(synced.length);
    expect(synced.length + rejected.length).toBe(300);
    expect(new Set([...synced, ...rejected]).size).toBe(300);

    const activities = await drain((cursor) => connector.syncActivities({ cursor }));
    const activityIds = activities.pages.flatMap((page) => page.records.map((activity) => activity.id));
    expect(new Set(activityIds).size).toBe(activityIds.length);
    const engagementKinds = ['email_open', 'email_click', 'meeting', 'call'];
    const seededEngagements = dataset.activities.filter((activity) =>
      engagementKinds.includes(activity.type),
    );
    const syncedEngagements = activities.pages.flatMap((page) =>
      page.records.filter((activity) => engagementKinds.includes(activity.type)),
    );
    expect(syncedEngagements).toHaveLength(seededEngagements.length);

    const outcomes = await drain((cursor) => connector.syncOutcomes({ cursor }));
    const won = outcomes.pages.flatMap((page) => page.records.filter((outcome) => outcome.kind === 'won'));
    expect(won).toHaveLength(dataset.outcomes.filter((outcome) => outcome.kind === 'won').length);

    let pending: ScoreWrite[] = synced.map((crmId) => ({
      crmId,
      objectType: 'contact',
      score: testScore(`${tenantId}:contact:${crmId}`, Number(crmId) % 101),
    }));
    for (let round = 0; pending.length > 0 && round < 5; round += 1) {
      const failed = new Set<string>();
      for (let i = 0; i < pending.length; i += 100) {
        const batch = pending.slice(i, i + 100);
        try {
          for (const result of await connector.writeScores(batch)) if (!result.ok) failed.add(result.crmId);
        } catch (error) {
          if (!isConnectorError(error) || !error.retryable) throw error;
          for (const write of batch) failed.add(write.crmId);
        }
      }
      pending = pending.filter((write) => failed.has(write.crmId));
    }
    expect(pending).toEqual([]);
    const writes = sandbox.hubspot.store.writes;
    expect(writes.size).toBe(synced.length);
    expect([...writes.values()].every((count) => count === 1)).toBe(true);

    // The faults did happen, and the search pace stayed under HubSpot's per-second limit.
    expect(sandbox.faults.injected.rateLimit).toBeGreaterThan(0);
    expect(sandbox.faults.injected.recordLock).toBeGreaterThan(0);
    expect(sandbox.hubspot.state.rejected.secondly).toBe(0);
    expect(sandbox.hubspot.state.rejected.expired).toBe(0);
  });

  it('stops on the DAILY limit and sends nothing more until the reset', async () => {
    const dataset = generateDataset({ leads: 20, seed: 3, tenantId });
    const { sandbox, connector } = await install({ seed: { hubspot: dataset }, hubspot: { dailyLimit: 1 } });
    await connector.fetchLeads([dataset.leads[0].crmId]);
    const error = await connector.fetchLeads([dataset.leads[1].crmId]).catch((e) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', context: { vendorCode: 'DAILY' } });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    const before = sandbox.calls.total('hubspot');
    await expect(connector.fetchLeads([dataset.leads[2].crmId])).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    expect(sandbox.calls.total('hubspot')).toBe(before);
  });

  it('answers paging past 10,000 search results with a 400, as HubSpot does', async () => {
    const { sandbox, context } = await install({});
    const response = await fetch(`${sandbox.baseUrl}/crm/v3/objects/contacts/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${context.tokens.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filterGroups: [], sorts: [], limit: 200, after: '9900' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { category: string }).category).toBe('VALIDATION_ERROR');
  });
});
