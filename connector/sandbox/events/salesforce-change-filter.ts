import { salesforceChangeSources } from '../../../shared/manifest.ts';
import type { SfRecord, SfRecordChange } from '../salesforce/salesforce-store.ts';
import type { SalesforceWebhookChange, WatchedSobject } from './salesforce-webhook.ts';

/**
 * What the managed package's trigger sends for one record change, or null when it sends nothing:
 * objects it does not watch, changes by the LeadScore integration user, and updates that touch
 * only LeadScore's own fields (so our write-back never echoes back as an event).
 */

const watched = new Set<string>(salesforceChangeSources);

/** LeadScore's fields, with or without the managed package's namespace prefix. */
const ownField = /^(leadscore__)?LeadScore_\w*__c$/;

/** Fields Salesforce sets on every write: they say nothing about what changed. */
const auditFields = new Set([
  'Id',
  'attributes',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
  'LastActivityDate',
]);

function personId(value: unknown): string | null {
  return typeof value === 'string' && /^(00Q|003)/.test(value) ? value : null;
}

function leadOf(object: string, record: SfRecord): string | null {
  if (object === 'Lead' || object === 'Contact') return record.Id;
  if (object === 'CampaignMember') return personId(record.LeadId) ?? personId(record.ContactId);
  return personId(record.WhoId);
}

export function isLeadScoreField(name: string): boolean {
  return ownField.test(name);
}

export function salesforceWebhookChange(
  change: SfRecordChange,
  integrationUserId: string,
): SalesforceWebhookChange | null {
  if (!watched.has(change.object)) return null;
  if (change.modifiedById === integrationUserId) return null;
  if (change.change === 'update') {
    const meaningful = change.fields.filter((field) => !auditFields.has(field) && !isLeadScoreField(field));
    if (meaningful.length === 0) return null;
  }
  const leadId = leadOf(change.object, change.record);
  // A Task or Event about no person (an Account's call) moves no score.
  if (leadId === null) return null;
  return {
    sobject: change.object as WatchedSobject,
    recordId: change.record.Id,
    leadId,
    change: change.change,
  };
}
