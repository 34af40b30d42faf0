import { z } from 'zod';
import { isoDateTime, providerSchema, tenantIdSchema } from './common.ts';
import { settingsSchema } from './settings.ts';

/** Tokens are stored only as AES-256-GCM ciphertext (base64 `iv.tag.data`), never in clear. */
export const encryptedTokensSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAt: isoDateTime.optional(),
});

export const syncCursorSchema = z.object({
  object: z.string().min(1),
  cursor: z.string(),
  updatedAt: isoDateTime,
});

export const tenantSchema = z
  .object({
    id: tenantIdSchema,
    provider: providerSchema,
    instanceUrl: z.url({ protocol: /^https?$/, error: 'must be the CRM instance URL' }).optional(),
    tokens: encryptedTokensSchema,
    settings: settingsSchema,
    cursors: z.array(syncCursorSchema).default([]),
    installedAt: isoDateTime,
    status: z.enum(['active', 'paused', 'auth_revoked', 'uninstalled']).default('active'),
  })
  .refine((tenant) => tenant.id.startsWith(tenant.provider === 'salesforce' ? 'sf:' : 'hs:'), {
    path: ['id'],
    message: 'tenant id prefix must match the provider (sf: for salesforce, hs: for hubspot)',
  });
export type Tenant = z.infer<typeof tenantSchema>;
