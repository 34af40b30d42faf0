import type { Manifest } from '../../../shared/manifest.ts';
import { ensurePermissionSetRecord } from './permission-routes.ts';
import type { SalesforceStore } from './salesforce-store.ts';

/**
 * Makes the sandbox org look like one with the LeadScore managed package installed: the manifest's
 * fields under the package namespace on Lead and Contact (what describe shows), and the package's
 * permission sets LeadScore_User and LeadScore_Admin (NamespacePrefix set), and the custom setting
 * LeadScore_Settings__c (WebhookSecret__c, IntegrationUserId__c). Tests of the "package"
 * way in call it before the install.
 */
export function installManagedPackage(
  store: SalesforceStore,
  manifest: Manifest,
  namespace = 'leadscore',
): void {
  for (const object of ['Lead', 'Contact'] as const) {
    for (const field of manifest.salesforce.objects[object]) {
      store.customFields.add(`${object}.${namespace}__${field.apiName}`);
    }
  }
  // The protected hierarchy setting the package's Queueable reads its webhook secret from.
  const settings = `${namespace}__LeadScore_Settings__c`;
  store.customObjects.add(settings);
  for (const field of ['WebhookSecret__c', 'IntegrationUserId__c']) {
    store.customFields.add(`${settings}.${namespace}__${field}`);
  }
  for (const name of ['LeadScore_User', 'LeadScore_Admin']) ensurePermissionSetRecord(store, name, namespace);
}
