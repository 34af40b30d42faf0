import { z } from 'zod';

/** ISO-8601 timestamp with a zone, e.g. 2026-03-01T12:00:00.000Z. */
export const isoDateTime = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 date-time such as 2026-03-01T12:00:00Z',
});

export const providerSchema = z.enum(['salesforce', 'hubspot']);
export type Provider = z.infer<typeof providerSchema>;

/** `sf:<18-char org id>` or `hs:<portal id>`. */
export const tenantIdSchema = z
  .string()
  .regex(/^(sf:[a-zA-Z0-9]{15,18}|hs:[0-9]{1,12})$/, 'must be "sf:<orgId>" or "hs:<portalId>"');
export type TenantId = z.infer<typeof tenantIdSchema>;

export const emailSchema = z.email({ error: 'must be an email address such as ana@example.com' });

/** A bare registrable domain, lower case, without scheme or path. */
export const domainSchema = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'must be a lower-case domain such as acme.com',
  );
