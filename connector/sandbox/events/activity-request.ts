import { z } from 'zod';
import { type ActivityType, activityTypeSchema } from '../../../shared/schemas/activity.ts';

/** The body of "simulate activity": what a person did, when (default now) and a free detail. */

/** Names the demo may use for canonical kinds. */
const aliases: Record<string, ActivityType> = { form_submission: 'form_submit' };

const kinds = activityTypeSchema.options;
const typeSchema = z
  .string({ error: `is required: one of ${kinds.join(', ')}` })
  .transform((value) => aliases[value] ?? value)
  .pipe(z.enum(kinds, { error: `must be one of ${kinds.join(', ')} (or form_submission)` }));

export const simulatedActivitySchema = z
  .object({
    type: typeSchema,
    at: z.iso
      .datetime({ offset: true, error: 'must be an ISO-8601 date-time, e.g. 2026-12-01T10:00:00Z' })
      .optional(),
    detail: z.string().min(1).max(500).optional(),
  })
  .strict();

export interface SimulatedActivity {
  type: ActivityType;
  /** ISO-8601, UTC. */
  at: string;
  detail: string | null;
}

/** Kinds a marketing response records (a Campaign membership; a HubSpot form submission). */
export const responseKinds = new Set<ActivityType>([
  'form_submit',
  'content_download',
  'webinar',
  'demo_request',
  'campaign_response',
]);

export const simulatedSalesforceLeadSchema = z
  .object({
    LastName: z.string().min(1).max(80),
    FirstName: z.string().max(40).optional(),
    Company: z.string().min(1).max(255).default('Unknown'),
    Email: z.email().optional(),
    Title: z.string().max(128).optional(),
    LeadSource: z.string().max(40).optional(),
    Industry: z.string().max(40).optional(),
    Country: z.string().max(80).optional(),
    NumberOfEmployees: z.number().int().nonnegative().optional(),
    Status: z.string().max(40).default('Open - Not Contacted'),
  })
  .strict();

export const simulatedHubspotContactSchema = z
  .object({
    email: z.email().optional(),
    firstname: z.string().max(100).optional(),
    lastname: z.string().max(100).optional(),
    company: z.string().max(255).optional(),
    jobtitle: z.string().max(255).optional(),
    industry: z.string().max(100).optional(),
    country: z.string().max(100).optional(),
    numemployees: z.string().regex(/^\d+$/, 'must be a whole number as text, e.g. "120"').optional(),
    lifecyclestage: z.string().max(50).default('lead'),
  })
  .strict()
  .refine((body) => body.email || body.lastname, {
    error: 'give at least email or lastname',
    path: ['email'],
  });
