import { z } from 'zod';
import { domainSchema, emailSchema, isoDateTime, tenantIdSchema } from './common.ts';

export const crmObjectTypeSchema = z.enum(['Lead', 'Contact', 'contact']);
export type CrmObjectType = z.infer<typeof crmObjectTypeSchema>;

export const leadSchema = z
  .object({
    id: z.string().min(1),
    tenantId: tenantIdSchema,
    crmId: z.string().min(1),
    objectType: crmObjectTypeSchema,
    email: emailSchema.nullable(),
    firstName: z.string().nullable().default(null),
    lastName: z.string().nullable().default(null),
    company: z.string().nullable(),
    domain: domainSchema.nullable(),
    title: z.string().nullable(),
    industry: z.string().nullable(),
    employees: z.number().int('must be a whole number of employees').nonnegative().nullable(),
    annualRevenue: z.number().nonnegative('must be zero or more').nullable(),
    country: z.string().nullable(),
    leadSource: z.string().nullable(),
    status: z.string().nullable(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    consentToTracking: z.boolean(),
    accountKey: z.string().min(1).nullable(),
    /** The CRM user who owns the record (Salesforce OwnerId, HubSpot hubspot_owner_id): routing goes to them. */
    ownerId: z.string().min(1).nullable().default(null),
  })
  .refine((lead) => lead.updatedAt >= lead.createdAt, {
    path: ['updatedAt'],
    message: 'must not be earlier than createdAt',
  });
export type Lead = z.infer<typeof leadSchema>;
