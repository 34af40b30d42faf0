import { describe, expect, it } from 'vitest';
import {
  engagementKindOf,
  type HubspotEvent,
  hubspotEventSchema,
  kindsOfDelivery,
} from './hubspot-events.ts';

let nextId = 1;
function event(fields: Partial<HubspotEvent>): HubspotEvent {
  return hubspotEventSchema.parse({
    eventId: nextId++,
    subscriptionId: 1,
    portalId: 9123,
    appId: 1,
    occurredAt: 1_700_000_000_000,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 501,
    changeSource: 'CRM_UI',
    ...fields,
  });
}

const created = (objectTypeId: string, objectId = 9001) =>
  event({ subscriptionType: 'object.creation', objectTypeId, objectId });
const salesActivity = (objectId = 501) =>
  event({ objectId, propertyName: 'hs_last_sales_activity_timestamp', propertyValue: '2026-01-01' });

describe('the activity kinds of a HubSpot delivery', () => {
  it('a meeting created with its contact’s last-sales-activity change: only meetings are read', () => {
    expect(kindsOfDelivery([created('0-47'), salesActivity()])).toEqual([undefined, ['meeting']]);
  });

  it('the change alone, or more changes than announced engagements: every engagement kind', () => {
    const all = ['meeting', 'call', 'task', 'email'];
    expect(kindsOfDelivery([salesActivity()])).toEqual([all]);
    expect(kindsOfDelivery([created('0-48'), salesActivity(501), salesActivity(502)])).toEqual([
      undefined,
      all,
      all,
    ]);
  });

  it('two creations of different types for two changes: both types, nothing else', () => {
    const kinds = kindsOfDelivery([
      created('0-47'),
      created('0-49', 9002),
      salesActivity(501),
      salesActivity(502),
    ]);
    expect(kinds.slice(2)).toEqual([
      ['meeting', 'email'],
      ['meeting', 'email'],
    ]);
  });

  it('leaves other events as they were: email clicks, page views, lead fields, a creation of another type', () => {
    const click = event({ propertyName: 'hs_email_last_click_date' });
    const views = event({ propertyName: 'hs_analytics_num_page_views' });
    const stage = event({ propertyName: 'lifecyclestage' });
    expect(kindsOfDelivery([created('0-47'), click, views, stage])).toEqual([
      undefined,
      ['email'],
      ['web'],
      [],
    ]);
    expect(kindsOfDelivery([created('2-123'), salesActivity()])).toEqual([
      undefined,
      ['meeting', 'call', 'task', 'email'],
    ]);
  });

  it('names the kind of each engagement type HubSpot announces, and none for other objects', () => {
    expect(
      ['0-49', '0-47', '0-48', '0-46', '0-27', '0-1'].map((id) => engagementKindOf(created(id))),
    ).toEqual(['email', 'meeting', 'call', 'task', 'task', undefined]);
    expect(engagementKindOf(salesActivity())).toBeUndefined();
  });

  it('accepts an object type id and refuses a malformed one, naming the field', () => {
    expect(created('0-47').objectTypeId).toBe('0-47');
    const bad = hubspotEventSchema.safeParse({ ...created('0-47'), objectTypeId: 'meetings' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['objectTypeId']);
  });
});
