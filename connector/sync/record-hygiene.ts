import type { z } from 'zod';
import type { RejectedRecord } from '../../shared/crm-connector.ts';
import { validateRecord } from '../../shared/schemas/validate.ts';

export interface ScreenedBatch<T> {
  records: T[];
  rejected: RejectedRecord[];
}

/**
 * Validates mapped CRM records against a canonical schema: good ones pass, bad ones are reported
 * with their CRM id and the fields that were wrong. One bad record never fails its page.
 */
export function screenRecords<S extends z.ZodType>(
  schema: S,
  object: string,
  candidates: { crmId: string; record: unknown }[],
): ScreenedBatch<z.output<S>> {
  const batch: ScreenedBatch<z.output<S>> = { records: [], rejected: [] };
  for (const { crmId, record } of candidates) {
    const result = validateRecord(schema, record);
    if (result.ok) batch.records.push(result.value);
    else batch.rejected.push({ object, crmId, problems: result.problems });
  }
  return batch;
}
