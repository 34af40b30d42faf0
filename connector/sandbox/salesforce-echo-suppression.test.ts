import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import type { CrmConnector, SyncPage } from '../../shared/crm-connector.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import { connectSalesforceToSandbox } from './connect-to-sandbox.ts';
import { humanUserId } from './salesforce/salesforce-store.ts';
import { scoreWritesFor } from './sandbox-test-support.ts';
import { type RunningSandbox, startSandbox } from './start-sandbox.ts';

const tenantId = 'sf:00D000000000001AAA';
const running: RunningSandbox[] = [];
afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.close();
});

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
    activities: activities.records,
    outcomes: outcomes.records,
    cursors: { leads: leads.cursor, activities: activities.cursor, outcomes: outcomes.cursor },
  };
}

async function scoreEveryLead(connector: CrmConnector, leads: Lead[]): Promise<void> {
  const results = await connector.writeScores(scoreWritesFor(leads));
  expect(results.filter((result) => !result.ok)).toEqual([]);
}

async function fullSyncThenWriteBack() {
  const dataset = generateDataset({ leads: 150, seed: 5, tenantId, dirtyShare: 0 });
  const sandbox = await startSandbox({ seed: { salesforce: dataset } });
  running.push(sandbox);
  const { connector, userId } = await connectSalesforceToSandbox(sandbox, { tenantId }, { overlapMs: 1_000 });
  const full = await syncAll(connector, null);
  expect(full.outcomes.some((outcome) => outcome.kind === 'converted')).toBe(true);
  await scoreEveryLead(connector, full.leads);
  return { sandbox, connector, userId, full };
}

describe('Salesforce echo suppression against the sandbox CRM', () => {
  it('marks score writes as the integration user and seeded records as a person', async () => {
    const { sandbox, userId, full } = await fullSyncThenWriteBack();
    const store = sandbox.salesforce.store;
    const written = store.get(full.leads[0]!.crmId)!;
    expect(userId).toBe(sandbox.salesforce.state.userId);
    expect(written.LastModifiedById).toBe(userId);
    expect(written.LastModifiedDate).toBe(written.SystemModstamp);
    const task = store.table('Task').values().next().value!;
    expect(task.LastModifiedById).toBe(humanUserId);
    expect(task.LastModifiedById).not.toBe(userId);
  });

  it('costs one query per object type and returns nothing on the first incremental after a write-back', async () => {
    const { sandbox, connector, full } = await fullSyncThenWriteBack();
    sandbox.calls.reset();
    const quiet = await syncAll(connector, full.cursors);
    expect(quiet.leads).toEqual([]);
    expect(quiet.activities).toEqual([]);
    expect(quiet.outcomes).toEqual([]);
    // Lead, Contact, Task, Event, CampaignMember, converted Leads, converted opportunities: one each.
    expect(sandbox.calls.snapshot()).toEqual({ 'salesforce GET /query': 7 });
  });

  it('still picks up a person editing a lead after our write-back', async () => {
    const { sandbox, connector, full } = await fullSyncThenWriteBack();
    const edited = full.leads.find((lead) => lead.objectType === 'Lead')!;
    sandbox.salesforce.store.update(edited.crmId, { Title: 'Chief Revenue Officer' });
    const next = await syncAll(connector, full.cursors);
    expect(next.leads.map((lead) => [lead.crmId, lead.title])).toEqual([
      [edited.crmId, 'Chief Revenue Officer'],
    ]);
    // Once delivered, the edit is not delivered again.
    const after = await syncAll(connector, next.cursors);
    expect(after.leads).toEqual([]);
  });
});
