import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PROBABILITY_DECIMALS } from './schemas/score.ts';
import { describeProblems, validateRecord } from './schemas/validate.ts';

/** What LeadScore writes on a record; `key` is how code refers to it, whatever each CRM calls it. */
export const writtenFieldKeys = [
  'score',
  'tier',
  'factor1',
  'factor2',
  'factor3',
  'factor4',
  'factor5',
  'modelVersion',
  'scoredAt',
  'nurture',
  'probability',
  'recommendation',
] as const;
export type WrittenFieldKey = (typeof writtenFieldKeys)[number];

const salesforceFieldSchema = z.object({
  key: z.enum(writtenFieldKeys),
  apiName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,36}__c$/, 'must be a custom field API name ending in __c'),
  label: z.string().min(1).max(40, 'Salesforce labels are at most 40 characters'),
  type: z.enum(['Number', 'Text', 'Picklist', 'DateTime', 'Checkbox']),
  length: z.number().int().min(1).max(255).optional(),
  precision: z.number().int().min(1).max(18).optional(),
  scale: z.number().int().min(0).max(17).optional(),
  picklistValues: z.array(z.string().min(1)).optional(),
  description: z.string().min(1),
});

const hubspotPropertySchema = z.object({
  key: z.enum(writtenFieldKeys),
  name: z.string().regex(/^[a-z][a-z0-9_]{0,99}$/, 'must be a lower-case HubSpot property name'),
  label: z.string().min(1),
  type: z.enum(['string', 'number', 'date', 'datetime', 'enumeration', 'bool']),
  fieldType: z.enum(['text', 'textarea', 'number', 'date', 'select', 'booleancheckbox']),
  options: z
    .array(z.object({ label: z.string().min(1), value: z.string().min(1), displayOrder: z.number().int() }))
    .optional(),
  description: z.string().min(1),
});

function coversEveryKey(fields: { key: WrittenFieldKey }[]): boolean {
  const keys = new Set(fields.map((field) => field.key));
  return keys.size === fields.length && writtenFieldKeys.every((key) => keys.has(key));
}
const everyKeyOnce = { message: `must define each of ${writtenFieldKeys.join(', ')} exactly once` };

/** The probability is written rounded (writtenProbability): the field must hold exactly those decimals. */
function probabilityFieldFits(fields: z.infer<typeof salesforceFieldSchema>[]): boolean {
  const field = fields.find((item) => item.key === 'probability');
  return (
    field === undefined ||
    (field.type === 'Number' &&
      field.scale === PROBABILITY_DECIMALS &&
      field.precision !== undefined &&
      field.precision - field.scale >= 1)
  );
}
const probabilityFits = {
  message: `probability must be a Number with scale ${PROBABILITY_DECIMALS} and room for the 1 before the point`,
};
const salesforceObjectFields = z
  .array(salesforceFieldSchema)
  .refine(coversEveryKey, everyKeyOnce)
  .refine(probabilityFieldFits, probabilityFits);

/** The objects whose changes the managed package's Apex trigger POSTs to /webhooks/salesforce. */
export const salesforceChangeSources = ['Lead', 'Contact', 'Task', 'Event', 'CampaignMember'] as const;

/** HubSpot engagement objects whose creation the new webhooks API (object.creation) announces. */
export const hubspotEngagementObjects = ['call', 'meeting', 'email', 'note', 'task'] as const;

/**
 * HubSpot webhook subscriptions: the legacy contact events (creation, deletion, property change,
 * and the privacy deletion GDPR needs) and the generic `object.creation` for engagements, which
 * legacy subscriptions cannot express.
 */
const hubspotWebhookSchema = z.discriminatedUnion('subscriptionType', [
  z.strictObject({
    subscriptionType: z.enum(['contact.creation', 'contact.deletion', 'contact.privacyDeletion']),
  }),
  z.strictObject({
    subscriptionType: z.literal('contact.propertyChange'),
    propertyName: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, 'must be a HubSpot property name such as lifecyclestage'),
  }),
  z.strictObject({
    subscriptionType: z.literal('object.creation'),
    objectType: z.enum(hubspotEngagementObjects),
  }),
]);
export type HubspotWebhook = z.infer<typeof hubspotWebhookSchema>;

function subscribedOnce(hooks: HubspotWebhook[]): boolean {
  const ids = hooks.map((hook) => JSON.stringify(Object.entries(hook).sort()));
  return new Set(ids).size === ids.length;
}

export const manifestSchema = z.object({
  name: z.literal('LeadScore'),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version such as 1.0.0'),
  description: z.string().min(20),
  salesforce: z.object({
    apiVersion: z.string().regex(/^\d{2}\.0$/, 'must be a pinned API version such as 62.0'),
    oauthScopes: z.array(z.string().min(1)).min(1),
    objects: z.object({
      Lead: salesforceObjectFields,
      Contact: salesforceObjectFields,
    }),
    /**
     * Objects the package trigger watches. Change Data Capture (Pub/Sub API) is a later option
     * (README); an org without the package is rescored by the incremental sync.
     */
    changeSources: z
      .array(z.enum(salesforceChangeSources))
      .min(1)
      .refine((sources) => new Set(sources).size === sources.length, {
        message: 'must not repeat an object',
      }),
    panel: z.object({
      target: z.literal('lightning__RecordPage'),
      objects: z.array(z.enum(['Lead', 'Contact'])).min(1),
      label: z.string().min(1),
    }),
  }),
  hubspot: z.object({
    oauthScopes: z.array(z.string().min(1)).min(1),
    optionalScopes: z.array(z.string().min(1)).default([]),
    propertyGroup: z.object({
      name: z.string().regex(/^[a-z][a-z0-9_]*$/),
      label: z.string().min(1),
      displayOrder: z.number().int(),
    }),
    properties: z.array(hubspotPropertySchema).refine(coversEveryKey, everyKeyOnce),
    webhooks: z
      .array(hubspotWebhookSchema)
      .refine(subscribedOnce, { message: 'must not list the same subscription twice' })
      .refine((hooks) => hooks.some((hook) => hook.subscriptionType === 'contact.privacyDeletion'), {
        message: 'must subscribe to contact.privacyDeletion (GDPR erasure requests)',
      }),
    card: z.object({
      location: z.enum(['crm.record.tab', 'crm.record.sidebar']),
      objectTypes: z.array(z.literal('contacts')).min(1),
      title: z.string().min(1),
    }),
  }),
  settingsPage: z.object({ path: z.string().startsWith('/'), title: z.string().min(1) }),
});
export type Manifest = z.infer<typeof manifestSchema>;

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

export function parseManifest(value: unknown): Manifest {
  const result = validateRecord(manifestSchema, value);
  if (!result.ok) throw new ManifestError(`manifest.json is invalid: ${describeProblems(result.problems)}`);
  return result.value;
}

const manifestUrl = new URL('../manifest.json', import.meta.url);

/** Reads and validates the repository's manifest.json, the single source of truth for written fields. */
export function loadManifest(path: string | URL = manifestUrl): Manifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ManifestError(`cannot read manifest at ${String(path)}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`manifest.json is not valid JSON: ${(error as Error).message}`);
  }
  return parseManifest(json);
}
