import { z } from 'zod';
import { isoDateTime, tenantIdSchema } from './common.ts';

export const outcomeKindSchema = z.enum(['converted', 'won', 'lost', 'disqualified']);
export type OutcomeKind = z.infer<typeof outcomeKindSchema>;

export const outcomeSchema = z
  .object({
    tenantId: tenantIdSchema,
    leadId: z.string().min(1),
    kind: outcomeKindSchema,
    occurredAt: isoDateTime,
    amount: z.number().nonnegative('must be zero or more').nullable(),
  })
  .refine((outcome) => outcome.amount === null || outcome.kind === 'won' || outcome.kind === 'lost', {
    path: ['amount'],
    message: 'is only set on won or lost outcomes',
  });
export type Outcome = z.infer<typeof outcomeSchema>;
