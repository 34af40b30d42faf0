import type { Activity } from '../../../shared/schemas/activity.ts';
import type { Outcome } from '../../../shared/schemas/outcome.ts';

/** In-memory Salesforce org of the sandbox CRM: records keyed by object, then Id. Times are ISO strings. */

export type SfRecord = Record<string, unknown> & { Id: string };

/** The canonical records the generator (fixtures/generator) produces, loosely typed for dirty ones. */
export interface CanonicalSeed {
  accounts?: {
    crmId: string;
    key: string;
    name: string;
    domain: string;
    industry: string | null;
    employees: number;
    annualRevenue: number | null;
  }[];
  leads: (Record<string, unknown> & {
    crmId: string;
    objectType: string;
    updatedAt: string;
    createdAt: string;
  })[];
  activities?: Activity[];
  outcomes?: Outcome[];
}

/** The org's people: seeded records and edits made outside the API are theirs, not the integration user's. */
export const humanUserId = '005000000000002AAA';

/** Audit fields of a record last changed by a person at `at`. */
function byHuman(at: string) {
  return { CreatedById: humanUserId, LastModifiedById: humanUserId, LastModifiedDate: at };
}

const prefixes: Record<string, string> = {
  '001': 'Account',
  '003': 'Contact',
  '006': 'Opportunity',
  '00Q': 'Lead',
  '00T': 'Task',
  '00U': 'Event',
  '00v': 'CampaignMember',
  '701': 'Campaign',
  '0PS': 'PermissionSet',
  '0Pa': 'PermissionSetAssignment',
};

/** One write to a record, as an Apex trigger would see it: for the sandbox's change webhooks. */
export interface SfRecordChange {
  object: string;
  change: 'insert' | 'update' | 'delete';
  /** The record after the write (before it, for a delete). */
  record: SfRecord;
  /** The fields the write set: every field of an inserted or deleted record. */
  fields: string[];
  modifiedById: string;
}

export class SalesforceStore {
  /** Called after every insert, update and delete made through put, update and delete. */
  readonly changeListeners = new Set<(change: SfRecordChange) => void>();
  readonly objects = new Map<string, Map<string, SfRecord>>();
  readonly deleted = new Map<string, { id: string; deletedDate: string }[]>();
  /** Effective score writes per record id (Collections updates that succeeded). */
  readonly scoreWrites = new Map<string, number>();
  readonly customFields = new Set<string>();
  /** Custom objects and settings the org has (a managed package's); SOQL on others is INVALID_TYPE. */
  readonly customObjects = new Set<string>();
  permissionSets = new Map<string, string[]>();
  /** Permission set → the fields it lets users edit (the others in permissionSets are read-only). */
  readonly editablePermissions = new Map<string, string[]>();
  /** Campaigns by type and name, and campaign|person pairs: a person joins a campaign once. */
  readonly campaignIds = new Map<string, string>();
  readonly campaignMembers = new Set<string>();
  private sequence = 0;
  now: () => number = Date.now;

  table(object: string): Map<string, SfRecord> {
    let table = this.objects.get(object);
    if (!table) {
      table = new Map();
      this.objects.set(object, table);
    }
    return table;
  }

  objectOf(id: string): string | undefined {
    return prefixes[id.slice(0, 3)];
  }

  get(id: string): SfRecord | undefined {
    const object = this.objectOf(id);
    return object ? this.objects.get(object)?.get(id) : undefined;
  }

  put(object: string, record: SfRecord): void {
    const change = this.table(object).has(record.Id) ? 'update' : 'insert';
    this.table(object).set(record.Id, record);
    const modifiedById = typeof record.LastModifiedById === 'string' ? record.LastModifiedById : humanUserId;
    this.emitChange({ object, change, record, fields: Object.keys(record), modifiedById });
  }

  /** Subscribes to record changes; returns the unsubscribe. */
  onChange(listener: (change: SfRecordChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private emitChange(change: SfRecordChange): void {
    for (const listener of this.changeListeners) listener(change);
  }

  keyPrefixOf(object: string): string | null {
    return Object.entries(prefixes).find(([, name]) => name === object)?.[0] ?? null;
  }

  /** A new 18-character id with the object's key prefix. */
  newId(object: string): string {
    const prefix = this.keyPrefixOf(object) ?? '000';
    this.sequence += 1;
    return `${prefix}9Z${String(this.sequence).padStart(10, '0')}AAA`;
  }

  stamp(): string {
    return new Date(this.now()).toISOString();
  }

  /**
   * Changes a record as Salesforce does: LastModifiedDate, SystemModstamp and LastModifiedById move
   * to this write. API writes pass the authenticated user; anything else is a person in the org.
   */
  update(id: string, fields: Record<string, unknown>, modifiedById = humanUserId): SfRecord | undefined {
    const record = this.get(id);
    if (!record) return undefined;
    const stamp = this.stamp();
    Object.assign(record, fields, {
      LastModifiedDate: stamp,
      SystemModstamp: stamp,
      LastModifiedById: modifiedById,
    });
    const object = this.objectOf(id) ?? 'Unknown';
    this.emitChange({ object, change: 'update', record, fields: Object.keys(fields), modifiedById });
    return record;
  }

  delete(id: string, deletedById = humanUserId): void {
    const object = this.objectOf(id);
    const record = object ? this.objects.get(object)?.get(id) : undefined;
    if (!object || !this.objects.get(object)?.delete(id)) return;
    const list = this.deleted.get(object) ?? [];
    list.push({ id, deletedDate: this.stamp() });
    this.deleted.set(object, list);
    if (record) {
      const fields = Object.keys(record);
      this.emitChange({ object, change: 'delete', record, fields, modifiedById: deletedById });
    }
  }

  count(object: string): number {
    return this.objects.get(object)?.size ?? 0;
  }
}

function dateOnly(iso: string): string {
  return iso.slice(0, 10);
}

/** Maps canonical records to Salesforce objects the way a real org would hold them. */
export function seedSalesforce(store: SalesforceStore, seed: CanonicalSeed): void {
  const accountByKey = new Map<string, string>();
  for (const account of seed.accounts ?? []) {
    accountByKey.set(account.key, account.crmId);
    store.put('Account', {
      Id: account.crmId,
      Name: account.name,
      Website: account.domain,
      Industry: account.industry,
      NumberOfEmployees: account.employees,
      AnnualRevenue: account.annualRevenue,
      SystemModstamp: '2025-01-01T00:00:00.000Z',
      ...byHuman('2025-01-01T00:00:00.000Z'),
    });
  }
  for (const lead of seed.leads) {
    const common = {
      Id: lead.crmId,
      FirstName: lead.firstName ?? null,
      LastName: lead.lastName ?? null,
      Email: lead.email ?? null,
      Title: lead.title ?? null,
      LeadSource: lead.leadSource ?? null,
      HasOptedOutOfEmail: lead.consentToTracking === false,
      // Salesforce requires an owner: records nobody was given belong to the person who made them.
      OwnerId: typeof lead.ownerId === 'string' ? lead.ownerId : humanUserId,
      CreatedDate: lead.createdAt,
      SystemModstamp: lead.updatedAt,
      ...byHuman(lead.updatedAt),
    };
    if (lead.objectType === 'Contact') {
      const accountId = typeof lead.accountKey === 'string' ? accountByKey.get(lead.accountKey) : undefined;
      store.put('Contact', { ...common, AccountId: accountId ?? null, MailingCountry: lead.country ?? null });
      continue;
    }
    store.put('Lead', {
      ...common,
      Company: lead.company ?? null,
      Website: lead.domain ?? null,
      Industry: lead.industry ?? null,
      NumberOfEmployees: lead.employees ?? null,
      AnnualRevenue: lead.annualRevenue ?? null,
      Country: lead.country ?? null,
      Status: lead.status ?? null,
      IsConverted: false,
      ConvertedDate: null,
      ConvertedAccountId: null,
      ConvertedOpportunityId: null,
    });
  }
  for (const outcome of seed.outcomes ?? []) seedOutcome(store, outcome);
  for (const activity of seed.activities ?? []) seedActivity(store, activity);
}

function seedOutcome(store: SalesforceStore, outcome: Outcome): void {
  const lead = store.table('Lead').get(outcome.leadId);
  if (!lead) return;
  if (outcome.kind === 'converted') {
    Object.assign(lead, { IsConverted: true, ConvertedDate: dateOnly(outcome.occurredAt) });
  } else if (outcome.kind === 'won' || outcome.kind === 'lost') {
    const id = store.newId('Opportunity');
    store.put('Opportunity', {
      Id: id,
      IsClosed: true,
      IsWon: outcome.kind === 'won',
      CloseDate: dateOnly(outcome.occurredAt),
      Amount: outcome.amount,
      SystemModstamp: outcome.occurredAt,
      ...byHuman(outcome.occurredAt),
    });
    Object.assign(lead, { IsConverted: true, ConvertedOpportunityId: id });
  } else {
    lead.Status = 'Disqualified';
  }
}

/** Campaign Type (org picklist), member Status and name for the kinds of response the generator makes. */
function campaignFor(activity: Activity): { type: string; status: string; name: string } | null {
  const detail = activity.detail ?? activity.type;
  switch (activity.type) {
    case 'webinar':
      return { type: 'Webinar', status: 'Attended', name: detail };
    case 'content_download':
      return { type: 'Content Download', status: 'Downloaded', name: `Download: ${detail}` };
    case 'demo_request':
      return { type: 'Demo Request', status: 'Responded', name: 'Demo request' };
    case 'form_submit':
      if (detail === 'free trial signup')
        return { type: 'Free Trial', status: 'Responded', name: 'Free trial' };
      if (detail === 'event registration')
        return { type: 'Event', status: 'Registered', name: 'Event registration' };
      return { type: 'Web Form', status: 'Responded', name: `Form: ${detail}` };
    case 'campaign_response':
      return { type: 'Email', status: 'Responded', name: detail };
    default:
      return null;
  }
}

/**
 * A person is a member of a campaign once, so every send or session is a campaign of its own (one
 * per name and day), as marketing teams run them; repeat responses on one day collapse, as in Salesforce.
 */
function campaignId(store: SalesforceStore, campaign: { type: string; name: string }, at: string): string {
  const name = `${campaign.name} (${dateOnly(at)})`;
  const key = `${campaign.type}|${name}`;
  let id = store.campaignIds.get(key);
  if (!id) {
    id = store.newId('Campaign');
    store.campaignIds.set(key, id);
    store.put('Campaign', {
      Id: id,
      Name: name,
      Type: campaign.type,
      IsActive: true,
      StartDate: dateOnly(at),
      SystemModstamp: at,
      ...byHuman(at),
    });
  }
  return id;
}

/** Task subjects as marketing automation logs them (email opens and clicks, page visits). */
function taskFor(activity: Activity): { subtype: string; subject: string } {
  const detail = activity.detail ?? '';
  switch (activity.type) {
    case 'email_open':
      return { subtype: 'Email', subject: `Email opened: ${detail}` };
    case 'email_click':
      return { subtype: 'Email', subject: `Email link clicked: ${detail}` };
    case 'page_view':
    case 'pricing_page_view':
      return { subtype: 'Task', subject: `Visited page: ${detail || '/'}` };
    case 'call':
      return { subtype: 'Call', subject: 'Call' };
    default:
      return { subtype: 'Task', subject: detail || activity.type };
  }
}

/**
 * Meetings are Events; responses to marketing (webinars, downloads, demo requests, trials, forms)
 * are CampaignMembers of a typed Campaign; everything else is a Task, as connectors log them.
 */
function seedActivity(store: SalesforceStore, activity: Activity): void {
  const suffix = activity.id.slice(3);
  const base = {
    WhoId: activity.leadId,
    CreatedDate: activity.occurredAt,
    SystemModstamp: activity.occurredAt,
    ...byHuman(activity.occurredAt),
  };
  if (activity.type === 'meeting') {
    store.put('Event', {
      ...base,
      Id: `00U${suffix}`,
      Subject: activity.detail,
      StartDateTime: activity.occurredAt,
    });
    return;
  }
  const campaign = campaignFor(activity);
  if (campaign) {
    const contact = activity.leadId.startsWith('003');
    const CampaignId = campaignId(store, campaign, activity.occurredAt);
    const memberKey = `${CampaignId}|${activity.leadId}`;
    if (store.campaignMembers.has(memberKey)) return;
    store.campaignMembers.add(memberKey);
    store.put('CampaignMember', {
      Id: `00v${suffix}`,
      CampaignId,
      LeadId: contact ? null : activity.leadId,
      ContactId: contact ? activity.leadId : null,
      Status: campaign.status,
      HasResponded: true,
      FirstRespondedDate: dateOnly(activity.occurredAt),
      CreatedDate: activity.occurredAt,
      SystemModstamp: activity.occurredAt,
      ...byHuman(activity.occurredAt),
    });
    return;
  }
  const task = taskFor(activity);
  store.put('Task', {
    ...base,
    Id: `00T${suffix}`,
    Subject: task.subject,
    Status: 'Completed',
    TaskSubtype: task.subtype,
    CallDisposition: activity.type === 'call' ? activity.detail : null,
    ActivityDate: null,
  });
}
