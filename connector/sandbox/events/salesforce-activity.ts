import { humanUserId, type SalesforceStore, type SfRecord } from '../salesforce/salesforce-store.ts';
import { responseKinds, type SimulatedActivity } from './activity-request.ts';

/**
 * A person's activity recorded in the sandbox org the way connectors log it: meetings as Events,
 * marketing responses as CampaignMembers of a typed Campaign, everything else as a Task. Written by
 * a person (not the integration user), so the trigger reports it and the incremental sync reads it.
 */

export interface RecordedSalesforceActivity {
  object: 'Task' | 'Event' | 'CampaignMember';
  id: string;
}

function dateOnly(iso: string): string {
  return iso.slice(0, 10);
}

/** Audit fields of a record a person created now, about something that happened at `at`. */
function created(store: SalesforceStore, at: string) {
  const stamp = store.stamp();
  return {
    CreatedDate: at,
    CreatedById: humanUserId,
    LastModifiedDate: stamp,
    LastModifiedById: humanUserId,
    SystemModstamp: stamp,
  };
}

const campaignTypes: Record<string, { type: string; status: string; name: string }> = {
  webinar: { type: 'Webinar', status: 'Attended', name: 'Webinar' },
  content_download: { type: 'Content Download', status: 'Downloaded', name: 'Download' },
  demo_request: { type: 'Demo Request', status: 'Responded', name: 'Demo request' },
  form_submit: { type: 'Web Form', status: 'Responded', name: 'Form' },
  campaign_response: { type: 'Email', status: 'Responded', name: 'Campaign' },
};

function taskFields(activity: SimulatedActivity): Record<string, unknown> {
  const detail = activity.detail;
  switch (activity.type) {
    case 'email_open':
      return { TaskSubtype: 'Email', Subject: `Email opened: ${detail ?? 'Newsletter'}` };
    case 'email_click':
      return { TaskSubtype: 'Email', Subject: `Email link clicked: ${detail ?? 'Newsletter'}` };
    case 'page_view':
      return { TaskSubtype: 'Task', Subject: `Visited page: ${detail ?? '/'}` };
    case 'pricing_page_view':
      return { TaskSubtype: 'Task', Subject: `Visited page: ${detail ?? '/pricing'}` };
    case 'call':
      return { TaskSubtype: 'Call', Subject: 'Call', CallDisposition: detail ?? 'Connected' };
    default:
      return { TaskSubtype: 'Task', Subject: detail ?? 'Follow up' };
  }
}

/** Records the activity for the Lead or Contact `person`; the record written. */
export function recordSalesforceActivity(
  store: SalesforceStore,
  person: SfRecord,
  activity: SimulatedActivity,
): RecordedSalesforceActivity {
  const contact = store.objectOf(person.Id) === 'Contact';
  if (activity.type === 'meeting') {
    const id = store.newId('Event');
    const end = new Date(Date.parse(activity.at) + 30 * 60_000).toISOString();
    store.put('Event', {
      Id: id,
      WhoId: person.Id,
      Subject: activity.detail ?? 'Meeting',
      StartDateTime: activity.at,
      EndDateTime: end,
      ActivityDateTime: activity.at,
      OwnerId: person.OwnerId ?? humanUserId,
      ...created(store, activity.at),
    });
    return { object: 'Event', id };
  }
  const campaign = responseKinds.has(activity.type) ? campaignTypes[activity.type] : undefined;
  if (campaign) {
    // A person joins a campaign once: each simulated response is a campaign of its own.
    const campaignId = store.newId('Campaign');
    const name = `${activity.detail ?? campaign.name} (${dateOnly(activity.at)})`;
    store.put('Campaign', {
      Id: campaignId,
      Name: name,
      Type: campaign.type,
      IsActive: true,
      StartDate: dateOnly(activity.at),
      ...created(store, activity.at),
    });
    const id = store.newId('CampaignMember');
    store.campaignMembers.add(`${campaignId}|${person.Id}`);
    store.put('CampaignMember', {
      Id: id,
      CampaignId: campaignId,
      LeadId: contact ? null : person.Id,
      ContactId: contact ? person.Id : null,
      Status: campaign.status,
      HasResponded: true,
      FirstRespondedDate: dateOnly(activity.at),
      ...created(store, activity.at),
    });
    return { object: 'CampaignMember', id };
  }
  const id = store.newId('Task');
  store.put('Task', {
    Id: id,
    WhoId: person.Id,
    Status: 'Completed',
    ActivityDate: null,
    CallDisposition: null,
    OwnerId: person.OwnerId ?? humanUserId,
    ...taskFields(activity),
    ...created(store, activity.at),
  });
  return { object: 'Task', id };
}
