import type { HubspotObjectChange } from '../hubspot/hubspot-store.ts';
import { type HubspotSubscription, objectTypeIds } from './hubspot-subscriptions.ts';
import type { HubspotEventDraft } from './hubspot-webhook.ts';

/**
 * The webhook events HubSpot sends for one object change, given the app's subscriptions: none for
 * the app's own writes (changeSource INTEGRATION) nor for LeadScore's properties, one per changed
 * subscribed property, and creation, deletion and privacy-deletion events of contacts.
 */

export type HubspotEventInput = Omit<HubspotEventDraft, 'eventId'>;

function isLeadScoreProperty(name: string): boolean {
  return name.startsWith('leadscore_');
}

export function hubspotEventInputs(
  change: HubspotObjectChange,
  subscriptions: HubspotSubscription[],
  occurredAt: number,
): HubspotEventInput[] {
  if (change.source === 'INTEGRATION') return [];
  const objectId = Number(change.object.id);
  if (!Number.isSafeInteger(objectId)) return [];
  const base = { occurredAt, objectId, changeSource: change.source };
  if (change.type !== 'contacts') {
    if (change.change !== 'creation') return [];
    const subscription = subscriptions.find(
      (candidate) => candidate.subscriptionType === 'object.creation' && candidate.objectType === change.type,
    );
    const objectTypeId = objectTypeIds[change.type];
    if (!subscription || !objectTypeId) return [];
    return [{ ...base, subscriptionId: subscription.id, subscriptionType: 'object.creation', objectTypeId }];
  }
  if (change.change === 'propertyChange') {
    return change.properties
      .filter((name) => !isLeadScoreProperty(name))
      .flatMap((propertyName) => {
        const subscription = subscriptions.find(
          (candidate) =>
            candidate.subscriptionType === 'contact.propertyChange' &&
            candidate.propertyName === propertyName,
        );
        if (!subscription) return [];
        const value = change.object.properties[propertyName];
        return [
          {
            ...base,
            subscriptionId: subscription.id,
            subscriptionType: 'contact.propertyChange' as const,
            propertyName,
            propertyValue: value ?? '',
          },
        ];
      });
  }
  const subscriptionType = `contact.${change.change}` as const;
  const subscription = subscriptions.find((candidate) => candidate.subscriptionType === subscriptionType);
  return subscription ? [{ ...base, subscriptionId: subscription.id, subscriptionType }] : [];
}
