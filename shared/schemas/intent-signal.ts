import { z } from 'zod';
import { domainSchema, isoDateTime } from './common.ts';

/** A third-party intent surge for a company domain on a topic (imported from a CSV). */
export const intentSignalSchema = z.object({
  domain: domainSchema,
  topic: z.string().min(1, 'must name the intent topic'),
  surgeScore: z.number().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100'),
  observedAt: isoDateTime,
});
export type IntentSignal = z.infer<typeof intentSignalSchema>;
