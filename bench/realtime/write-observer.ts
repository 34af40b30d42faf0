import type { RunningSandbox } from '../../connector/sandbox/start-sandbox.ts';

export type BenchProvider = 'salesforce' | 'hubspot';

/**
 * Every score write LeadScore makes to the sandbox CRM, with the time it landed: a write of a
 * Salesforce Lead/Contact that sets the LeadScore score field, or a HubSpot contact update that
 * changes a `leadscore_` property. Routing's nurture flag is written on its own right after a score
 * write (a lead turning warm): that is not a second score write, so it is not counted.
 */

/** The score fields of a write: LeadScore's, without routing's nurture flag (Salesforce: the score field). */
export function scoreFieldsOf(names: readonly string[], provider: BenchProvider): string[] {
  return provider === 'hubspot'
    ? names.filter((name) => name.startsWith('leadscore_') && name !== 'leadscore_nurture')
    : names.filter((name) => /LeadScore_Score__c$/.test(name));
}

export class WriteObserver {
  private readonly writes = new Map<string, number[]>();
  private readonly stops: (() => void)[] = [];

  constructor(sandbox: RunningSandbox) {
    this.stops.push(
      sandbox.salesforce.store.onChange((change) => {
        if (change.change !== 'update' || (change.object !== 'Lead' && change.object !== 'Contact')) return;
        if (!change.fields.some((field) => /LeadScore_Score__c$/.test(field))) return;
        this.record('salesforce', change.record.Id, performance.now());
      }),
      sandbox.hubspot.store.onChange((change) => {
        if (change.change !== 'propertyChange' || change.type !== 'contacts') return;
        if (scoreFieldsOf(change.properties, 'hubspot').length === 0) return;
        this.record('hubspot', change.object.id, performance.now());
      }),
    );
  }

  private record(provider: BenchProvider, crmId: string, at: number): void {
    const key = `${provider}:${crmId}`;
    const times = this.writes.get(key) ?? [];
    times.push(at);
    this.writes.set(key, times);
  }

  /** Times (performance.now) of the writes of this record at or after `since`. */
  writesSince(provider: BenchProvider, crmId: string, since: number): number[] {
    return (this.writes.get(`${provider}:${crmId}`) ?? []).filter((at) => at >= since);
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
