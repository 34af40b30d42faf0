import { loadManifest, type Manifest } from '../../../shared/manifest.ts';
import { engagementTypes } from '../../providers/hubspot/constants.ts';
import { type HubspotSubscriptionSpec, hubspotSubscriptionSchema } from './event-targets.ts';

/**
 * The contact properties whose changes move a score (page views, last email open or click, recent
 * conversion, last sales activity, lifecycle stage): the app subscribes to their changes.
 */
export const behaviourProperties = [
  'hs_analytics_num_page_views',
  'hs_email_last_open_date',
  'hs_email_last_click_date',
  'recent_conversion_date',
  'hs_last_sales_activity_timestamp',
  'lifecyclestage',
] as const;

/** HubSpot's object type ids, which object.creation events carry. */
export const objectTypeIds: Record<string, string> = {
  contacts: '0-1',
  emails: '0-49',
  meetings: '0-47',
  calls: '0-48',
  notes: '0-46',
  tasks: '0-27',
};

export interface HubspotSubscription extends HubspotSubscriptionSpec {
  id: number;
}

/**
 * The portal's object types are plural (the CRM API's path names); subscriptions may name them in
 * the singular, as the manifest and HubSpot's webhook settings do ("meeting").
 */
export function withStoreObjectType(spec: HubspotSubscriptionSpec): HubspotSubscriptionSpec {
  const type = spec.objectType;
  if (type === undefined || type in objectTypeIds) return spec;
  return `${type}s` in objectTypeIds ? { ...spec, objectType: `${type}s` } : spec;
}

function key(spec: HubspotSubscriptionSpec): string {
  return `${spec.subscriptionType}|${spec.propertyName ?? ''}|${spec.objectType ?? ''}`;
}

/** The manifest's subscriptions, the behaviour properties and engagement creation, each once. */
export function defaultHubspotSubscriptions(manifest: Manifest = loadManifest()): HubspotSubscriptionSpec[] {
  const specs: HubspotSubscriptionSpec[] = [
    ...manifest.hubspot.webhooks.flatMap((webhook): HubspotSubscriptionSpec[] => {
      const parsed = hubspotSubscriptionSchema.safeParse(webhook);
      // Kinds the sandbox does not emulate are left out rather than guessed at.
      return parsed.success ? [parsed.data] : [];
    }),
    ...behaviourProperties.map((propertyName) => ({
      subscriptionType: 'contact.propertyChange' as const,
      propertyName,
    })),
    ...engagementTypes.map((objectType) => ({ subscriptionType: 'object.creation' as const, objectType })),
  ];
  const seen = new Set<string>();
  return specs
    .map(withStoreObjectType)
    .filter((spec) => !seen.has(key(spec)) && Boolean(seen.add(key(spec))));
}

/** Subscription ids are stable for a given list: its position, offset like HubSpot's numbers. */
export function numberSubscriptions(specs: HubspotSubscriptionSpec[]): HubspotSubscription[] {
  return specs.map((spec, index) => ({ ...withStoreObjectType(spec), id: 100_001 + index }));
}
