import { describe, expect, it } from 'vitest';
import { assetTypeOf, isIntegrationsPage } from '../../../shared/features/activity-signals.ts';
import type { Activity } from '../../../shared/schemas/activity.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { encodeActivityMember } from '../../../shared/store/activities.repository.ts';
import { compactDetail } from './hubspot-mappers.ts';
import { mapWebEvent, type WebEvent } from './web-events.ts';

const tenantId = 'hs:2431623' as TenantId;
const longId = 'leviathan-0f6e1c52-5a5e-3c2f-9a1d-1b2c3d4e5f01-1769940000000';

function pageView(url: string, id = longId): WebEvent {
  return {
    id,
    eventType: 'e_visited_page',
    objectType: 'contact',
    objectId: '1012345678',
    occurredAt: '2026-02-01T10:00:00.000Z',
    properties: { hs_url: url, hs_title: 'A page' },
  };
}

function mapped(event: WebEvent): Activity {
  const result = mapWebEvent(tenantId, event);
  if (result === null || !('value' in result)) throw new Error('expected an activity');
  return result.value;
}

describe('web event activities', () => {
  it('stores a page view with a long URL and a long event id in one packed member of at most 64 bytes', () => {
    const url = `https://www.acme-analytics-platform.com/integrations/salesforce/setup-guide-for-administrators/step-by-step?utm_source=newsletter&utm_campaign=${'x'.repeat(120)}#top`;
    const activity = mapped(pageView(url));
    expect(activity.type).toBe('page_view');
    expect(activity.detail).toBe('/integrations/salesforce/setup-guide-for');
    expect(isIntegrationsPage(activity.detail)).toBe(true);
    expect(Buffer.byteLength(encodeActivityMember(activity))).toBeLessThanOrEqual(64);
  });

  it('gives the same event the same id on every listing, and different events different ids', () => {
    const first = mapped(pageView('https://acme.com/pricing'));
    expect(mapped(pageView('https://acme.com/pricing')).id).toBe(first.id);
    expect(first.id).toBe('hs:2431623:contact:1012345678:events:P7FoMTxdqaep');
    const ids = new Set(
      Array.from(
        { length: 5000 },
        (_, index) => mapped(pageView('https://acme.com/', `${longId}-${index}`)).id,
      ),
    );
    expect(ids.size).toBe(5000);
  });

  it('keeps a long detail whole when cutting it would change the asset type a feature reads', () => {
    const title = 'Download: the 2026 state of B2B revenue teams, an analyst report';
    expect(compactDetail(title)).toBe(title);
    expect(assetTypeOf(compactDetail(title))).toBe('analyst_report');
    const subject = 'Following up on our conversation about your quarterly planning cycle';
    expect(compactDetail(subject)).toBe('Following up on our conversation about y');
  });
});
