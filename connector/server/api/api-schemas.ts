import type { TenantId } from '../../../shared/schemas/common.ts';
import { recordIdProblem } from '../../../shared/store/keys.ts';
import { leadIdFor } from '../../providers/hubspot/hubspot-mappers.ts';
import { z } from './openapi-zod.ts';

/** A store record id as the path or query carries it: what the store could key by. */
export const recordIdParam = (what: string) =>
  z
    .string()
    .min(1, `must be a ${what}`)
    .max(512, `must be a ${what} of at most 512 characters`)
    .refine((value) => recordIdProblem(value) === null, {
      message: `must be a ${what}: 1-512 characters without spaces, braces, glob or control characters`,
    });

export const isoTime = z.string().openapi({ format: 'date-time', example: '2026-03-01T12:00:00.000Z' });

export const segmentIdSchema = z
  .string()
  .regex(/^[a-z0-9-]{1,40}$/, 'must be a segment id: 1-40 lower-case letters, digits or dashes');

/**
 * The store's lead id of a CRM record id, the way the sync names leads: a HubSpot contact becomes
 * `<tenant>:contact:<id>`; a Salesforce Lead or Contact keeps its record id.
 */
export function leadIdOfCrmId(tenantId: TenantId, crmId: string): string {
  return tenantId.startsWith('hs:') ? leadIdFor(tenantId, crmId) : crmId;
}

export const okSchema = z.strictObject({ ok: z.literal(true) });
