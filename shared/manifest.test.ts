import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  hubspotEngagementObjects,
  loadManifest,
  ManifestError,
  parseManifest,
  writtenFieldKeys,
} from './manifest.ts';
import { PROBABILITY_DECIMALS } from './schemas/score.ts';

const raw = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;
const clone = () => structuredClone(raw) as ReturnType<typeof loadManifest>;

describe('manifest.json', () => {
  it('is valid and defines every written field for Salesforce Lead, Contact and HubSpot contacts', () => {
    const manifest = loadManifest();
    expect(manifest.salesforce.objects.Lead.map((field) => field.key).sort()).toEqual(
      [...writtenFieldKeys].sort(),
    );
    expect(manifest.salesforce.objects.Contact).toHaveLength(writtenFieldKeys.length);
    expect(manifest.hubspot.properties).toHaveLength(writtenFieldKeys.length);
    expect(manifest.salesforce.apiVersion).toBe('62.0');
  });

  it('asks for the least privilege: no full access or admin scopes', () => {
    const manifest = loadManifest();
    expect(manifest.salesforce.oauthScopes).not.toContain('full');
    expect(
      manifest.hubspot.oauthScopes.some((scope) => scope.includes('write') && !scope.includes('contacts')),
    ).toBe(false);
    expect(manifest.hubspot.webhooks.map((hook) => hook.subscriptionType)).toContain(
      'contact.privacyDeletion',
    );
  });

  it('rejects a field name that is not a Salesforce custom field', () => {
    const broken = clone();
    broken.salesforce.objects.Lead[0].apiName = 'Score';
    expect(() => parseManifest(broken)).toThrowError(
      /salesforce\.objects\.Lead\.0\.apiName: must be a custom field API name ending in __c/,
    );
  });

  it('rejects a manifest that lacks a written field', () => {
    const broken = clone();
    broken.hubspot.properties = broken.hubspot.properties.filter((property) => property.key !== 'tier');
    expect(() => parseManifest(broken)).toThrowError(/hubspot\.properties: must define each of score, tier/);
  });

  it('rejects an unpinned API version and an unknown webhook', () => {
    const broken = clone() as unknown as {
      salesforce: { apiVersion: string };
      hubspot: { webhooks: unknown[] };
    };
    broken.salesforce.apiVersion = 'latest';
    expect(() => parseManifest(broken)).toThrowError(/salesforce\.apiVersion: must be a pinned API version/);
    const hooks = clone() as unknown as { hubspot: { webhooks: unknown[] } };
    hooks.hubspot.webhooks.push({ subscriptionType: 'deal.creation' });
    expect(() => parseManifest(hooks)).toThrowError(ManifestError);
  });

  it('reports a file that is not JSON', () => {
    const path = new URL('./manifest.test.ts', import.meta.url);
    expect(() => loadManifest(path)).toThrowError(/manifest.json is not valid JSON/);
  });
});

describe('manifest.json for real-time rescoring and the panels', () => {
  const manifest = loadManifest();

  it('subscribes to contact lifecycle events and the behaviour properties the features read', () => {
    const types = manifest.hubspot.webhooks.map((hook) => hook.subscriptionType);
    for (const type of ['contact.creation', 'contact.deletion', 'contact.privacyDeletion'] as const) {
      expect(types).toContain(type);
    }
    const properties = manifest.hubspot.webhooks.flatMap((hook) =>
      hook.subscriptionType === 'contact.propertyChange' ? [hook.propertyName] : [],
    );
    expect(properties).toEqual(
      expect.arrayContaining([
        'hs_analytics_num_page_views',
        'hs_email_last_open_date',
        'hs_email_last_click_date',
        'recent_conversion_date',
        'hs_last_sales_activity_timestamp',
        'lifecyclestage',
      ]),
    );
  });

  it('subscribes to the creation of every engagement object HubSpot announces', () => {
    const created = manifest.hubspot.webhooks.flatMap((hook) =>
      hook.subscriptionType === 'object.creation' ? [hook.objectType] : [],
    );
    expect(created.sort()).toEqual([...hubspotEngagementObjects].sort());
  });

  it('asks HubSpot for the scope that reads user roles, and Salesforce changes from the package trigger', () => {
    expect(manifest.hubspot.oauthScopes).toContain('settings.users.read');
    expect(manifest.salesforce.changeSources).toEqual(['Lead', 'Contact', 'Task', 'Event', 'CampaignMember']);
    expect(raw.salesforce).not.toHaveProperty('changeEvents');
  });

  it('defines probability and recommendation on Lead, Contact and HubSpot contacts', () => {
    for (const object of ['Lead', 'Contact'] as const) {
      const fields = manifest.salesforce.objects[object];
      expect(fields.find((field) => field.key === 'probability')).toMatchObject({
        apiName: 'LeadScore_Probability__c',
        type: 'Number',
        precision: 4,
        scale: PROBABILITY_DECIMALS,
      });
      expect(fields.find((field) => field.key === 'recommendation')).toMatchObject({
        apiName: 'LeadScore_Recommendation__c',
        type: 'Text',
        length: 255,
      });
      expect(fields.find((field) => field.key === 'nurture')?.type).toBe('Checkbox');
    }
    const properties = manifest.hubspot.properties;
    expect(properties.find((property) => property.key === 'probability')).toMatchObject({
      name: 'leadscore_probability',
      type: 'number',
    });
    expect(properties.find((property) => property.key === 'recommendation')).toMatchObject({
      name: 'leadscore_recommendation',
      type: 'string',
    });
  });

  it('rejects a probability field that cannot hold the written decimals', () => {
    const broken = clone();
    const field = broken.salesforce.objects.Contact.find((item) => item.key === 'probability');
    if (field === undefined) throw new Error('no probability field');
    field.scale = 2;
    expect(() => parseManifest(broken)).toThrowError(
      /salesforce\.objects\.Contact: probability must be a Number with scale 3/,
    );
  });

  it('rejects a repeated subscription, an unknown engagement object and a property change without a property', () => {
    const repeated = clone();
    repeated.hubspot.webhooks.push({ subscriptionType: 'object.creation', objectType: 'call' });
    expect(() => parseManifest(repeated)).toThrowError(
      /hubspot\.webhooks: must not list the same subscription twice/,
    );
    const unknown = clone() as unknown as { hubspot: { webhooks: unknown[] } };
    unknown.hubspot.webhooks.push({ subscriptionType: 'object.creation', objectType: 'deal' });
    expect(() => parseManifest(unknown)).toThrowError(/hubspot\.webhooks\.\d+\.objectType/);
    const bare = clone() as unknown as { hubspot: { webhooks: unknown[] } };
    bare.hubspot.webhooks.push({ subscriptionType: 'contact.propertyChange' });
    expect(() => parseManifest(bare)).toThrowError(/hubspot\.webhooks\.\d+\.propertyName/);
  });

  it('refuses a manifest without the privacy deletion subscription', () => {
    const broken = clone();
    broken.hubspot.webhooks = broken.hubspot.webhooks.filter(
      (hook) => hook.subscriptionType !== 'contact.privacyDeletion',
    );
    expect(() => parseManifest(broken)).toThrowError(/must subscribe to contact\.privacyDeletion/);
  });
});
