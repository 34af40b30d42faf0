import { z } from 'zod';

/** Shapes of the Salesforce payloads the provider reads, as documented (see CRM-NOTES.md). */

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  instance_url: z.string().min(1),
  id: z.string().regex(/\/id\/[a-zA-Z0-9]{15,18}\/[a-zA-Z0-9]{15,18}$/, 'must end with /id/<orgId>/<userId>'),
  token_type: z.literal('Bearer'),
  issued_at: z.string().regex(/^\d+$/, 'must be epoch milliseconds as a string'),
  signature: z.string().min(1),
  scope: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const oauthErrorSchema = z.object({ error: z.string().min(1), error_description: z.string() });

export const restErrorSchema = z.array(
  z.object({
    message: z.string(),
    errorCode: z.string().min(1),
    fields: z.array(z.string()).optional(),
  }),
);

export const recordAttributesSchema = z.object({ type: z.string().min(1), url: z.string().optional() });

export const sobjectRecordSchema = z.looseObject({
  attributes: recordAttributesSchema,
  Id: z.string().regex(/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/, 'must be a 15 or 18 character Salesforce id'),
});
export type SObjectRecord = z.infer<typeof sobjectRecordSchema>;

export const queryResponseSchema = z
  .object({
    totalSize: z.number().int().nonnegative(),
    done: z.boolean(),
    nextRecordsUrl: z.string().startsWith('/services/data/').optional(),
    records: z.array(sobjectRecordSchema),
  })
  .refine((page) => page.done === (page.nextRecordsUrl === undefined), {
    path: ['nextRecordsUrl'],
    message: 'is present exactly when done is false',
  });
export type QueryResponse = z.infer<typeof queryResponseSchema>;

export const deletedResponseSchema = z.object({
  deletedRecords: z.array(z.object({ id: z.string().min(15), deletedDate: z.string() })),
  earliestDateAvailable: z.string(),
  latestDateCovered: z.string(),
});

export const collectionResultSchema = z.array(
  z.object({
    id: z.string().optional(),
    success: z.boolean(),
    errors: z.array(
      z.object({
        statusCode: z.string().min(1),
        message: z.string(),
        fields: z.array(z.string()),
      }),
    ),
  }),
);
export type CollectionResult = z.infer<typeof collectionResultSchema>;

/** `POST /sobjects/{object}` answers 201 with the new id (failures come as REST errors). */
export const saveResultSchema = z.object({
  id: z.string().regex(/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/, 'must be a 15 or 18 character Salesforce id'),
  success: z.boolean(),
  errors: z.array(z.unknown()),
});

/** `GET /sobjects/{object}/describe`: the fields the provider reads, the rest passed through. */
export const describeSObjectSchema = z.looseObject({
  name: z.string().min(1),
  keyPrefix: z.string().nullable(),
  label: z.string(),
  queryable: z.boolean(),
  updateable: z.boolean(),
  fields: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        label: z.string(),
        type: z.string().min(1),
        custom: z.boolean(),
        nillable: z.boolean(),
        updateable: z.boolean(),
      }),
    )
    .min(1),
});

export const bulkJobStates = ['UploadComplete', 'InProgress', 'Aborted', 'JobComplete', 'Failed'] as const;

export const bulkQueryJobSchema = z.looseObject({
  id: z.string().min(15),
  operation: z.enum(['query', 'queryAll']),
  object: z.string().min(1),
  createdById: z.string(),
  createdDate: z.string(),
  systemModstamp: z.string(),
  state: z.enum(bulkJobStates),
  concurrencyMode: z.literal('Parallel'),
  contentType: z.literal('CSV'),
  apiVersion: z.number(),
  lineEnding: z.enum(['LF', 'CRLF']),
  columnDelimiter: z.string(),
  numberRecordsProcessed: z.number().int().optional(),
  retries: z.number().int().optional(),
  totalProcessingTime: z.number().optional(),
  errorMessage: z.string().optional(),
});
export type BulkQueryJob = z.infer<typeof bulkQueryJobSchema>;

/** `Sforce-Limit-Info: api-usage=18/5000`. */
export const limitInfoHeaderSchema = z
  .string()
  .regex(/api-usage=\d+\/\d+/, 'must read api-usage=<used>/<limit>');

export function parseApiUsage(header: string | undefined): { used: number; limit: number } | null {
  const match = header ? /api-usage=(\d+)\/(\d+)/.exec(header) : null;
  return match ? { used: Number(match[1]), limit: Number(match[2]) } : null;
}
