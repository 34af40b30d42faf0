import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import type { CrmConnector, SyncPage } from '../../shared/crm-connector.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import { resetHubspotPauses } from '../providers/hubspot/hubspot-api.ts';
import { connectHubspotToSandbox } from './connect-to-sandbox.ts';
import { scoreWritesFor } from './sandbox-test-support.ts';
import { type RunningSandbox, startSandbox } from './start-sandbox.ts';

const tenantId = 'hs:2431623';
const running: RunningSandbox[] = [];
beforeEach(() => resetHubspotPauses());
afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function drain<T>(pages: AsyncIterable<SyncPage<T>>): Promise<{ records: T[]; cursor: string }> {
  const records: T[] = [];
  let cursor = '';
  for await (const page of pages) {
    records.push(...page.records);
    cursor = page.nextCursor;
  }
  return { records, cursor };
}

interface Cursors {
  leads: string;
  activities: string;
  outcomes: string;
}

async function syncAll(connector: CrmConnector, cursors: Cursors | null) {
  const leads = await drain(connector.syncLeads({ cursor: cursors?.leads ?? null }));
  const activities = await drain(connector.syncActivities({ cursor: cursors?.activities ?? null }));
  const outcomes = await drain(connector.syncOutcomes({ cursor: cursors?.outcomes ?? null }));
  return {
    leads: leads.records,
    activityCount: activities.records.length,
    outcomeCount: outcomes.records.length,
    cursors: { leads: leads.cursor, activities: activities.cursor, outcomes: outcomes.cursor },
  };
}

async function scoreEveryLead(connector: CrmConnector, leads: Lead[]): Promise<void> {
  const results = await connector.writeScores(scoreWritesFor(leads));
  expect(results.filter((result) => !result.ok)).toEqual([]);
}

async function fullSyncThenWriteBack() {
  const dataset = generateDataset({ leads: 150, seed: 5, tenantId, dirtyShare: 0 });
  const sandbox = await startSandbox({ seed: { hubspot: dataset } });
  running.push(sandbox);
  const connector = await connectHubspotToSandbox(sandbox, { tenantId });
  await connector.ensureFields();
  const full = await syncAll(connector, null);
  expect(full.leads).toHaveLength(150);
  expect(full.activityCount).toBeGreaterThan(0);
  await scoreEveryLead(connector, full.leads);
  await pause(5);
  return { sandbox, connector, full };
}

const searchCalls = 'hubspot POST /crm/v3/objects/contacts/search';

describe('HubSpot echo suppression against the sandbox CRM', () => {
  it('bumps lastmodifieddate and sets scoredAt on our batch updates', async () => {
    const { sandbox, full } = await fullSyncThenWriteBack();
    const contact = sandbox.hubspot.store.typeMap('contacts').get(full.leads[0]!.crmId)!;
    expect(Date.parse(contact.properties.lastmodifieddate!)).toBeGreaterThan(Date.now() - 60_000);
    expect(Number(contact.properties.leadscore_scored_at)).toBeLessThanOrEqual(
      Date.parse(contact.properties.lastmodifieddate!),
    );
  });

  it('costs one search per stream and returns nothing on the first incremental after a write-back', async () => {
    const { sandbox, connector, full } = await fullSyncThenWriteBack();
    sandbox.calls.reset();
    const quiet = await syncAll(connector, full.cursors);
    expect(quiet.leads).toEqual([]);
    expect(quiet.activityCount).toBe(0);
    expect(quiet.outcomeCount).toBe(0);
    // Leads, activities and outcomes: one search each, the deletions listing, and one web-events
    // listing per event type (page views, form submissions).
    expect(sandbox.calls.snapshot()).toEqual({
      [searchCalls]: 3,
      'hubspot GET /crm/v3/objects/contacts': 1,
      'hubspot GET /events/v3/events/': 2,
    });
  });

  it('picks up a new contact, then a person editing a scored contact once the window has passed its score', async () => {
    const { sandbox, connector, full } = await fullSyncThenWriteBack();
    const store = sandbox.hubspot.store;
    const created = new Date().toISOString();
    store.put('contacts', {
      id: '990000001',
      properties: {
        hs_object_id: '990000001',
        email: 'nadia.rahman@umbrella.example',
        firstname: 'Nadia',
        lastname: 'Rahman',
        company: 'Umbrella',
        createdate: created,
        lastmodifieddate: created,
      },
      createdAt: created,
      updatedAt: created,
      archived: false,
    });
    const first = await syncAll(connector, full.cursors);
    expect(first.leads.map((lead) => lead.crmId)).toEqual(['990000001']);

    await pause(5);
    const edited = full.leads[3]!.crmId;
    store.update('contacts', edited, { jobtitle: 'Chief Revenue Officer' }, new Date());
    const second = await syncAll(connector, first.cursors);
    expect(second.leads.map((lead) => [lead.crmId, lead.title])).toEqual([[edited, 'Chief Revenue Officer']]);
  });

  it('leaves an edit made right after our write to the propertyChange webhook, as documented', async () => {
    const { sandbox, connector, full } = await fullSyncThenWriteBack();
    const edited = full.leads[3]!.crmId;
    sandbox.hubspot.store.update('contacts', edited, { jobtitle: 'Chief Revenue Officer' }, new Date());
    // Scored after the window start and nothing newer read since: search cannot tell this edit from
    // our own write. The full reconcile (cursor null) still reads it.
    expect((await syncAll(connector, full.cursors)).leads).toEqual([]);
    const reconcile = await drain(connector.syncLeads({ cursor: null }));
    // The latest version delivered wins (a replayed page may deliver the earlier one first).
    const versions = reconcile.records.filter((lead) => lead.crmId === edited);
    expect(versions.at(-1)?.title).toBe('Chief Revenue Officer');
  });
});
