export {
  type HubspotWebhookOptions,
  hubspotWebhooksRouter,
  type WebhookDeps,
  type WebhookFigures,
} from './hubspot-webhooks.ts';
export { salesforceChangeSignature } from './salesforce-changes.ts';
export { type SalesforceWebhookOptions, salesforceWebhooksRouter } from './salesforce-webhooks.ts';
