import type { CrmDescription } from '../../../shared/crm-connector.ts';
import type { Manifest } from '../../../shared/manifest.ts';

/** The namespace of the LeadScore managed package (SFDX source in the panels' package). */
export const managedPackageNamespace = 'leadscore';

type SalesforceObjects = Manifest['salesforce']['objects'];

/**
 * The one place the namespace prefix is applied: the manifest's Salesforce fields with the API
 * names the org actually has. The managed package's fields are `leadscore__LeadScore_Score__c`;
 * an OAuth-only connection created them unprefixed (namespace null).
 */
export function salesforceFieldNames(manifest: Manifest, namespace: string | null): SalesforceObjects {
  if (namespace === null) return manifest.salesforce.objects;
  const prefix = `${namespace}__`;
  const prefixed = (fields: SalesforceObjects['Lead']) =>
    fields.map((field) =>
      field.apiName.startsWith(prefix) ? field : { ...field, apiName: `${prefix}${field.apiName}` },
    );
  return {
    Lead: prefixed(manifest.salesforce.objects.Lead),
    Contact: prefixed(manifest.salesforce.objects.Contact),
  };
}

/**
 * The manifest a tenant's Salesforce connector works with: the same manifest, its field API names
 * from salesforceFieldNames. Write-back, the nurture flag and field creation read the names from
 * here, so none of them knows about namespaces.
 */
export function manifestForNamespace(manifest: Manifest, namespace: string | null): Manifest {
  if (namespace === null) return manifest;
  return {
    ...manifest,
    salesforce: { ...manifest.salesforce, objects: salesforceFieldNames(manifest, namespace) },
  };
}

/**
 * The managed package's namespace when the org has it: its score field is on Lead (describe). Null
 * means an OAuth-only connection, whose fields LeadScore creates itself.
 */
export function detectNamespace(description: CrmDescription, manifest: Manifest): string | null {
  const lead = description.objects.find((object) => object.name === 'Lead');
  const score = manifest.salesforce.objects.Lead.find((field) => field.key === 'score');
  if (lead === undefined || score === undefined) return null;
  const packaged = `${managedPackageNamespace}__${score.apiName}`;
  return lead.fields.includes(packaged) ? managedPackageNamespace : null;
}
