import type { RunningSandbox } from '../../connector/sandbox/start-sandbox.ts';

export type BenchProvider = 'salesforce' | 'hubspot';

/**
 * Every score write LeadScore makes to the sandbox CRM, with the time it landed: a write of a
 * Salesforce Lead/Contact that sets a LeadScore field, or a HubSpot contact update that sets a
 * `leadscore_` property.
 */
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
        if (!change.properties.some((property) => property.startsWith('leadscore_'))) return;
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
