import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadManifest, ManifestError, parseManifest, writtenFieldKeys } from './manifest.ts';

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
