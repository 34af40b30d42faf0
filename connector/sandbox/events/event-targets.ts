import { z } from 'zod';

/**
 * Where the sandbox CRM sends its change webhooks. Both are set after the sandbox starts, because
 * LeadScore creates the Salesforce webhook secret at install time.
 */

const webhookUrl = z.url({
  protocol: /^https?$/,
  error: 'must be an absolute http(s) URL, e.g. http://127.0.0.1:3000/webhooks/hubspot',
});

export const hubspotSubscriptionSchema = z.object({
  subscriptionType: z.enum([
    'contact.creation',
    'contact.propertyChange',
    'contact.deletion',
    'contact.privacyDeletion',
    'object.creation',
  ]),
  /** For contact.propertyChange: the property watched. */
  propertyName: z.string().min(1).optional(),
  /** For object.creation: the engagement type (emails, meetings, calls, notes, tasks). */
  objectType: z.string().min(1).optional(),
});
export type HubspotSubscriptionSpec = z.infer<typeof hubspotSubscriptionSchema>;

export const hubspotTargetSchema = z.object({
  url: webhookUrl,
  /** The app's client secret: the v3 signature key. */
  clientSecret: z.string().min(1),
  appId: z.number().int().positive(),
  portalId: z.number().int().positive(),
  /** The app's subscriptions; by default the manifest's plus the behaviour properties features read. */
  subscriptions: z.array(hubspotSubscriptionSchema).optional(),
});
export type HubspotTarget = z.infer<typeof hubspotTargetSchema>;

export const salesforceTargetSchema = z.object({
  url: webhookUrl,
  orgId: z.string().regex(/^00D[A-Za-z0-9]{15}$/, 'must be an 18-character org id starting 00D'),
  /** The tenant's webhook secret as LeadScore generated it (the HMAC key, used as UTF-8 text). */
  secret: z.string().min(16, 'must be at least 16 characters'),
});
export type SalesforceTarget = z.infer<typeof salesforceTargetSchema>;

/** A change of targets: a target given replaces the old one, null removes it, absent keeps it. */
export const eventTargetsUpdateSchema = z
  .object({
    hubspot: hubspotTargetSchema.nullable().optional(),
    salesforce: salesforceTargetSchema.nullable().optional(),
  })
  .strict();
export type EventTargetsUpdate = z.infer<typeof eventTargetsUpdateSchema>;

export interface EventTargets {
  hubspot: HubspotTarget | null;
  salesforce: SalesforceTarget | null;
}

/** "hubspot.url: must be ..." for each problem, for 400 answers and thrown errors. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
}
