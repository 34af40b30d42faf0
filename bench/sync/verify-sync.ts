import type { HubspotStore } from '../../connector/sandbox/hubspot/hubspot-store.ts';
import type { SalesforceStore } from '../../connector/sandbox/salesforce/salesforce-store.ts';
import type { Dataset } from '../../fixtures/generator/generate-dataset.ts';
import type { SeededLeads, SyncRunResult } from './run-sync.ts';

/** Nothing lost, nothing duplicated: the benchmark stops with an error naming what did not add up. */

function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) repeated.add(id);
    seen.add(id);
  }
  return [...repeated];
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`bench:sync verification failed: ${message}`);
}

/**
 * Every seeded lead comes out exactly once, synced or reported as dirty; every clean one is synced.
 * A provider may read a defect the CRM itself tolerates (HubSpot's employee ranges such as
 * "780-1560"): those are listed by `readable` and counted apart.
 */
function verifyRun(
  run: SyncRunResult,
  seeded: SeededLeads,
  readable: (crmId: string) => boolean,
): { leadIds: string[]; repaired: number } {
  const leadIds = run.leads.records.map((lead) => lead.crmId);
  const repeated = duplicates([...leadIds, ...run.leads.rejectedIds]);
  check(repeated.length === 0, `${repeated.length} leads delivered twice, e.g. ${repeated[0]}`);
  const unknown = [...leadIds, ...run.leads.rejectedIds].filter((id) => !seeded.all.has(id));
  check(unknown.length === 0, `${unknown.length} leads were never seeded, e.g. ${unknown[0]}`);
  const accounted = leadIds.length + run.leads.rejected;
  check(accounted === seeded.all.size, `${accounted} leads synced or rejected of ${seeded.all.size} seeded`);
  const cleanRejected = run.leads.rejectedIds.filter((id) => seeded.clean.has(id));
  check(cleanRejected.length === 0, `${cleanRejected.length} clean leads rejected, e.g. ${cleanRejected[0]}`);
  const repaired = leadIds.filter((id) => !seeded.clean.has(id));
  const unexpected = repaired.filter((id) => !readable(id));
  check(unexpected.length === 0, `${unexpected.length} dirty leads synced as clean, e.g. ${unexpected[0]}`);
  check(
    leadIds.length === seeded.clean.size + repaired.length,
    `synced ${leadIds.length} leads, expected ${seeded.clean.size} clean + ${repaired.length} readable`,
  );
  const repeatedActivities = duplicates(run.activities.records.map((activity) => activity.id));
  check(repeatedActivities.length === 0, `${repeatedActivities.length} activities delivered twice`);
  const repeatedOutcomes = duplicates(run.outcomes.records.map((o) => `${o.leadId}:${o.kind}`));
  check(repeatedOutcomes.length === 0, `${repeatedOutcomes.length} outcomes delivered twice`);
  check(run.writeFailures === 0, `${run.writeFailures} score writes failed`);
  return { leadIds, repaired: repaired.length };
}

function verifyWrites(leadIds: string[], writes: Map<string, number>): void {
  check(writes.size === leadIds.length, `${writes.size} records hold a score, expected ${leadIds.length}`);
  const missing = leadIds.filter((id) => writes.get(id) !== 1);
  check(missing.length === 0, `${missing.length} leads were not written exactly once, e.g. ${missing[0]}`);
}

export function verifySalesforceStore(
  run: SyncRunResult,
  seeded: SeededLeads,
  store: SalesforceStore,
  print: (line: string) => void,
): void {
  const { leadIds } = verifyRun(run, seeded, () => false);
  verifyWrites(leadIds, store.scoreWrites);
  const activityRows = store.count('Task') + store.count('Event') + store.count('CampaignMember');
  const delivered = run.activities.records.length + run.activities.rejected;
  check(
    delivered === activityRows,
    `${delivered} activities synced or rejected of ${activityRows} in the org`,
  );
  print(
    `salesforce: verified: ${leadIds.length} synced = ${seeded.clean.size} clean seeded leads, each once; ${run.leads.rejected} dirty reported; ${delivered} activity rows accounted for; every score written once in the store`,
  );
}

/** HubSpot keeps employee counts as ranges ("25-50", "1000+"); the provider reads the lower bound. */
const employeeRange = /^\d+\s*(?:-\s*\d+|\+)$/;

export function verifyHubspotStore(
  run: SyncRunResult,
  seeded: SeededLeads,
  dataset: Dataset,
  store: HubspotStore,
  print: (line: string) => void,
): void {
  const ranges = new Set(
    dataset.leads
      .filter((lead) => typeof lead.employees === 'string' && employeeRange.test(lead.employees))
      .map((lead) => lead.crmId),
  );
  const { leadIds, repaired } = verifyRun(run, seeded, (id) => ranges.has(id));
  verifyWrites(leadIds, store.writes);
  // Every engagement associated with a contact comes out as an activity or a reported rejection.
  const synced = new Set(
    run.activities.records.map((activity) => activity.id.split(':').slice(-2).join(':')),
  );
  const rejected = new Set(run.activities.rejectedIds);
  let engagements = 0;
  const missing: string[] = [];
  for (const [type, byContact] of store.associations) {
    if (type === 'deals') continue;
    for (const ids of byContact.values()) {
      for (const id of ids) {
        engagements += 1;
        if (!synced.has(`${type}:${id}`) && !rejected.has(id)) missing.push(`${type}:${id}`);
      }
    }
  }
  check(
    missing.length === 0,
    `${missing.length} engagements neither synced nor reported, e.g. ${missing[0]}`,
  );
  print(
    `hubspot: verified: ${leadIds.length} synced = ${seeded.clean.size} clean seeded contacts + ${repaired} whose employee range reads as its lower bound, each once; ${run.leads.rejected} dirty reported; ${engagements} engagements accounted for; every score written once in the store`,
  );
}
