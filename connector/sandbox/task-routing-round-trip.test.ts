import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import type { CrmConnector, TaskInput } from '../../shared/crm-connector.ts';
import { createLogger } from '../../shared/logger.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import { resetHubspotPauses } from '../providers/hubspot/hubspot-api.ts';
import { connectHubspotToSandbox, connectSalesforceToSandbox } from './connect-to-sandbox.ts';
import { type RunningSandbox, startSandbox } from './start-sandbox.ts';

const running: RunningSandbox[] = [];
beforeEach(() => resetHubspotPauses());
afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.close();
});

async function allLeads(connector: CrmConnector): Promise<Lead[]> {
  const leads: Lead[] = [];
  for await (const page of connector.syncLeads({ cursor: null })) leads.push(...page.records);
  return leads;
}

const taskFor = (lead: Lead, n: number): TaskInput => ({
  crmId: lead.crmId,
  objectType: lead.objectType,
  subject: `LeadScore hot lead (score 90) ref ${String(n).padStart(12, '0')}`,
  body: 'Score 90/100, now hot in segment smb.',
  dueDate: '2026-03-02',
  ...(lead.ownerId === null ? {} : { ownerCrmId: lead.ownerId }),
});

describe('batch tasks and the nurture flag against the sandbox CRM', () => {
  it('Salesforce: 250 tasks in two Collections calls, found again by subject, nurture flag on the record', async () => {
    const tenantId = 'sf:00D000000000001AAA';
    const sandbox = await startSandbox({
      seed: { salesforce: generateDataset({ leads: 300, seed: 5, tenantId }) },
    });
    running.push(sandbox);
    const { connector } = await connectSalesforceToSandbox(sandbox, {
      tenantId,
      logger: createLogger({ level: 'silent' }),
    });
    await connector.ensureFields();
    const leads = (await allLeads(connector)).slice(0, 250);
    expect(leads).toHaveLength(250);
    const tasksBefore = sandbox.salesforce.store.count('Task');
    sandbox.calls.reset();
    const tasks = leads.map(taskFor);
    const results = await connector.createTasks(tasks);
    expect(sandbox.calls.snapshot()['salesforce POST /composite/sobjects']).toBe(2);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(sandbox.salesforce.store.count('Task')).toBe(tasksBefore + 250);
    const first = results[0];
    const stored = first?.ok ? sandbox.salesforce.store.get(first.taskId) : undefined;
    expect(stored).toMatchObject({
      WhoId: leads[0]?.crmId,
      Subject: tasks[0]?.subject,
      Status: 'Not Started',
    });

    const found = await connector.findTasks([
      tasks[0]!,
      tasks[2]!,
      { ...tasks[1]!, subject: 'other' },
      // A subject on a record that does not hold it is not found.
      { ...tasks[3]!, subject: tasks[4]!.subject },
    ]);
    expect(found).toEqual(
      new Map([
        [tasks[0]!.subject, first?.ok ? first.taskId : ''],
        [tasks[2]!.subject, results[2]?.ok ? results[2].taskId : ''],
      ]),
    );

    const flags = await connector.setNurtureFlags([
      { crmId: leads[0]!.crmId, objectType: leads[0]!.objectType, nurture: true },
      { crmId: leads[1]!.crmId, objectType: leads[1]!.objectType, nurture: false },
    ]);
    expect(flags.every((result) => result.ok)).toBe(true);
    expect(sandbox.salesforce.store.get(leads[0]!.crmId)?.LeadScore_Nurture__c).toBe(true);
    expect(sandbox.salesforce.store.get(leads[1]!.crmId)?.LeadScore_Nurture__c).toBe(false);
  }, 60_000);

  it('HubSpot: 150 tasks in two batch creates, associated with their contacts, nurture property set', async () => {
    const tenantId = 'hs:2431623';
    const sandbox = await startSandbox({
      seed: { hubspot: generateDataset({ leads: 200, seed: 5, tenantId }) },
    });
    running.push(sandbox);
    const connector = await connectHubspotToSandbox(sandbox, { tenantId });
    await connector.ensureFields();
    const leads = (await allLeads(connector)).slice(0, 150);
    expect(leads).toHaveLength(150);
    sandbox.calls.reset();
    const tasks = leads.map(taskFor);
    const results = await connector.createTasks(tasks);
    expect(sandbox.calls.snapshot()['hubspot POST /crm/v3/objects/tasks/batch/create']).toBe(2);
    expect(results.map((result) => result.crmId)).toEqual(leads.map((lead) => lead.crmId));
    expect(results.every((result) => result.ok)).toBe(true);
    const store = sandbox.hubspot.store;
    const first = results[0];
    const taskId = first?.ok ? first.taskId : '';
    expect(store.associated(leads[0]!.crmId, 'tasks')).toContain(taskId);
    expect(store.typeMap('tasks').get(taskId)?.properties.hs_task_subject).toBe(tasks[0]!.subject);

    const found = await connector.findTasks([tasks[1]!, { ...tasks[0]!, subject: tasks[2]!.subject }]);
    expect(found).toEqual(new Map([[tasks[1]!.subject, results[1]?.ok ? results[1].taskId : '']]));

    const flags = await connector.setNurtureFlags([
      { crmId: leads[0]!.crmId, objectType: 'contact', nurture: true },
    ]);
    expect(flags).toEqual([{ crmId: leads[0]!.crmId, ok: true }]);
    expect(store.typeMap('contacts').get(leads[0]!.crmId)?.properties.leadscore_nurture).toBe('true');
  }, 60_000);
});
