import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../../shared/manifest.ts';
import { detectNamespace, manifestForNamespace, salesforceFieldNames } from './salesforce-namespace.ts';

const manifest = loadManifest();

describe('the Salesforce field map, with or without the managed package', () => {
  it('keeps the manifest names without a namespace and prefixes every field once with one', () => {
    expect(salesforceFieldNames(manifest, null)).toBe(manifest.salesforce.objects);
    const packaged = salesforceFieldNames(manifest, 'leadscore');
    expect(packaged.Lead.map((field) => field.apiName)).toEqual(
      manifest.salesforce.objects.Lead.map((field) => `leadscore__${field.apiName}`),
    );
    expect(packaged.Contact.find((field) => field.key === 'score')?.apiName).toBe(
      'leadscore__LeadScore_Score__c',
    );
    const twice = salesforceFieldNames(manifestForNamespace(manifest, 'leadscore'), 'leadscore');
    expect(twice.Lead[0]?.apiName).toBe('leadscore__LeadScore_Score__c');
    expect(manifest.salesforce.objects.Lead[0]?.apiName).toBe('LeadScore_Score__c');
  });

  it('detects the package from the namespaced score field on Lead only', () => {
    const description = (leadFields: string[]) => ({
      provider: 'salesforce' as const,
      objects: [
        { name: 'Lead', fields: leadFields },
        { name: 'Contact', fields: ['Id', 'leadscore__LeadScore_Score__c'] },
      ],
      apiUsage: null,
    });
    expect(detectNamespace(description(['Id', 'leadscore__LeadScore_Score__c']), manifest)).toBe('leadscore');
    expect(detectNamespace(description(['Id', 'LeadScore_Score__c']), manifest)).toBeNull();
    expect(detectNamespace(description(['Id', 'other__LeadScore_Score__c']), manifest)).toBeNull();
  });
});
