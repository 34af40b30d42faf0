/**
 * Sync cost benchmark: for each provider, seeds the sandbox CRM with 10,000 leads and about 100,000
 * activities, connects the real provider through its real client (only base URLs differ), runs a
 * full sync (leads, activities, outcomes) and a score write-back for every lead, then an incremental
 * sync with nothing changed. API calls are counted by the sandbox; OAuth token calls are left out.
 * Prints readable lines and, last, one JSON line keyed by provider.
 *
 *   npm run bench:sync                     10,000 leads per provider
 *   npm run bench:sync -- --leads 2000     a quicker run while developing (or BENCH_LEADS=2000)
 */
import { parseArgs } from 'node:util';
import {
  connectHubspotToSandbox,
  connectSalesforceToSandbox,
} from '../connector/sandbox/connect-to-sandbox.ts';
import { startSandbox } from '../connector/sandbox/start-sandbox.ts';
import { generateDataset } from '../fixtures/generator/generate-dataset.ts';
import { apiCalls, runSync, type SyncRunResult, seededLeads } from './sync/run-sync.ts';
import { hubspotMinimumCalls, salesforceMinimumCalls } from './sync/sync-cost.ts';
import { verifyHubspotStore, verifySalesforceStore } from './sync/verify-sync.ts';

const { values } = parseArgs({ options: { leads: { type: 'string' }, seed: { type: 'string' } } });
const leadCount = Number(values.leads ?? process.env.BENCH_LEADS ?? 10_000);
const seed = Number(values.seed ?? 2026);

const print = (line = '') => process.stdout.write(`${line}\n`);
const thousands = (value: number) => value.toLocaleString('en-US');

interface ProviderFigures {
  calls: number;
  minimumCalls: number;
  incrementalCalls: number;
  objectTypes: number;
  recordsPerSecond: number;
}

function report(name: string, run: SyncRunResult, minimum: number, objectTypes: number): ProviderFigures {
  const moved = run.leads.records.length + run.activities.records.length + run.outcomes.records.length;
  const recordsPerSecond = Math.round((moved + run.written) / run.fullSeconds);
  const overMinimum = ((run.fullCalls / minimum - 1) * 100).toFixed(1);
  print(`${name}: full sync + write-back`);
  print(
    `  synced ${thousands(run.leads.records.length)} leads (${run.leads.rejected} rejected as dirty), ${thousands(run.activities.records.length)} activities, ${thousands(run.outcomes.records.length)} outcomes; wrote ${thousands(run.written)} scores (${run.writeFailures} failed)`,
  );
  print(
    `  ${run.fullCalls} API calls (minimum ${minimum}, ${overMinimum}% over) in ${run.fullSeconds.toFixed(1)} s: ${thousands(recordsPerSecond)} records/s (records synced + scores written)`,
  );
  for (const [endpoint, count] of Object.entries(run.fullByEndpoint)) print(`    ${count} × ${endpoint}`);
  print(
    `${name}: incremental with nothing changed: ${run.incrementalCalls} API calls for ${objectTypes} object types, ${run.incrementalRecords} records returned`,
  );
  for (const [endpoint, count] of Object.entries(run.incrementalByEndpoint))
    print(`    ${count} × ${endpoint}`);
  return {
    calls: run.fullCalls,
    minimumCalls: minimum,
    incrementalCalls: run.incrementalCalls,
    objectTypes,
    recordsPerSecond,
  };
}

async function benchSalesforce(): Promise<ProviderFigures> {
  const tenantId = 'sf:00D000000000001AAA';
  const dataset = generateDataset({ leads: leadCount, seed, tenantId });
  const sandbox = await startSandbox({ seed: { salesforce: dataset } });
  try {
    let clockOffsetMs = 0;
    const { connector } = await connectSalesforceToSandbox(
      sandbox,
      { tenantId },
      // The sandbox commits instantly, so a 1 s overlap is enough (production keeps 5 minutes).
      { overlapMs: 1_000, now: () => Date.now() + clockOffsetMs },
    );
    const store = sandbox.salesforce.store;
    const rows = (object: string, keep: (record: Record<string, unknown>) => boolean) =>
      [...store.table(object).values()].filter(keep).length;
    const passes = {
      Lead: store.count('Lead'),
      Contact: store.count('Contact'),
      Task: rows('Task', (task) => task.WhoId !== null),
      Event: rows('Event', (event) => event.WhoId !== null),
      CampaignMember: rows('CampaignMember', (member) => member.HasResponded === true),
      LeadConversion: rows('Lead', (lead) => lead.IsConverted === true),
    };
    print(
      `salesforce: seeded ${thousands(dataset.leads.length)} leads (${thousands(passes.Lead)} Lead, ${thousands(passes.Contact)} Contact), ${thousands(dataset.activities.length)} activities (${thousands(passes.Task)} Task, ${thousands(passes.Event)} Event, ${thousands(passes.CampaignMember)} CampaignMember), ${passes.LeadConversion} converted`,
    );
    const setup = await connector.ensureFields();
    print(
      `salesforce: ensured ${setup.created.length} fields in ${apiCalls(sandbox.calls, 'salesforce')} calls (setup, not counted below)`,
    );
    const run = await runSync({
      provider: 'salesforce',
      connector,
      calls: sandbox.calls,
      // The next scheduled incremental, two minutes later: its /deleted/ windows are then due too.
      beforeIncremental: () => {
        clockOffsetMs = 120_000;
      },
    });
    verifySalesforceStore(run, seededLeads(dataset), store, print);
    const minimum = salesforceMinimumCalls({ passes, written: run.written });
    // Lead, Contact, Task, Event, CampaignMember, Opportunity.
    return report('salesforce', run, minimum, 6);
  } finally {
    await sandbox.close();
  }
}

async function benchHubspot(): Promise<ProviderFigures> {
  const tenantId = 'hs:2431623';
  const dataset = generateDataset({ leads: leadCount, seed, tenantId });
  const sandbox = await startSandbox({ seed: { hubspot: dataset } });
  try {
    const connector = await connectHubspotToSandbox(sandbox, { tenantId });
    const store = sandbox.hubspot.store;
    const contacts = [...store.typeMap('contacts').values()];
    const engagements: Record<string, number> = {};
    for (const type of ['emails', 'meetings', 'calls', 'notes', 'tasks']) {
      engagements[type] = contacts.reduce(
        (sum, contact) => sum + store.associated(contact.id, type).length,
        0,
      );
    }
    const deals = contacts.reduce((sum, contact) => sum + store.associated(contact.id, 'deals').length, 0);
    const archived = contacts.filter((contact) => contact.archived).length;
    const webEvents: Record<string, number> = {};
    for (const event of store.webEvents) webEvents[event.eventType] = (webEvents[event.eventType] ?? 0) + 1;
    print(
      `hubspot: seeded ${thousands(contacts.length)} contacts, ${thousands(dataset.activities.length)} activities (${Object.entries(
        engagements,
      )
        .map(([type, count]) => `${thousands(count)} ${type}`)
        .join(', ')}; ${Object.entries(webEvents)
        .map(([type, count]) => `${thousands(count)} ${type}`)
        .join(', ')} web analytics events), ${deals} deals`,
    );
    const setup = await connector.ensureFields();
    print(
      `hubspot: ensured ${setup.created.length} properties in ${apiCalls(sandbox.calls, 'hubspot')} calls (setup, not counted below)`,
    );
    const run = await runSync({ provider: 'hubspot', connector, calls: sandbox.calls });
    verifyHubspotStore(run, seededLeads(dataset), dataset, store, print);
    const minimum = hubspotMinimumCalls({
      contacts: contacts.length - archived,
      engagements,
      deals,
      archived,
      webEvents,
      written: run.written,
    });
    // contacts, emails, meetings, calls, notes, tasks, deals, page-view and form-submission events.
    return report('hubspot', run, minimum, 9);
  } finally {
    await sandbox.close();
  }
}

print(
  `bench:sync: ${thousands(leadCount)} leads per provider, seed ${seed}; OAuth token calls are not counted`,
);
const salesforce = await benchSalesforce();
const hubspot = await benchHubspot();
print(JSON.stringify({ salesforce, hubspot }));
