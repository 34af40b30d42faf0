import { type Outcome, type OutcomeKind, outcomeSchema } from '../schemas/outcome.ts';
import { validateRecord } from '../schemas/validate.ts';
import { tenantKeys } from './keys.ts';
import type { UpsertReport } from './leads.repository.ts';
import { execOrThrow, type RedisClient } from './redis-scripts.ts';

/** `<epoch ms>` or `<epoch ms>:<amount>`: an outcome is one small hash field per (lead, kind). */
function encodeOutcome(outcome: Outcome): string {
  const at = Date.parse(outcome.occurredAt);
  return outcome.amount === null ? String(at) : `${at}:${outcome.amount}`;
}

function decodeOutcome(tenantId: string, leadId: string, kind: string, value: string): Outcome {
  const [at, amount] = value.split(':');
  return {
    tenantId,
    leadId,
    kind: kind as OutcomeKind,
    occurredAt: new Date(Number(at)).toISOString(),
    amount: amount === undefined ? null : Number(amount),
  };
}

/** Outcomes carry no id of their own: a lead has at most one of each kind, and an upsert replaces it. */
export class OutcomesRepository {
  constructor(private readonly redis: RedisClient) {}

  async upsertMany(tenantId: string, records: readonly unknown[]): Promise<UpsertReport> {
    const keys = tenantKeys(tenantId);
    const report: UpsertReport = { written: 0, unchanged: 0, rejected: [] };
    const outcomes: Outcome[] = [];
    for (const record of records) {
      const result = validateRecord(outcomeSchema, record);
      if (!result.ok) report.rejected.push({ id: null, problems: result.problems });
      else if (result.value.tenantId !== tenantId) {
        report.rejected.push({
          id: null,
          problems: [{ field: 'tenantId', reason: `belongs to ${result.value.tenantId}, not ${tenantId}` }],
        });
      } else outcomes.push(result.value);
    }
    for (let start = 0; start < outcomes.length; start += 500) {
      const pipeline = this.redis.pipeline();
      for (const outcome of outcomes.slice(start, start + 500)) {
        pipeline.hset(keys.outcomes(outcome.leadId), outcome.kind, encodeOutcome(outcome));
      }
      // HSET answers 1 for a new field and 0 for an overwrite, which cannot tell "same" from "changed".
      const results = await execOrThrow(pipeline, `upsert outcomes of ${tenantId}`);
      report.written += results.length;
    }
    return report;
  }

  /** The lead's outcomes, oldest first. */
  async ofLead(tenantId: string, leadId: string): Promise<Outcome[]> {
    const fields = await this.redis.hgetall(tenantKeys(tenantId).outcomes(leadId));
    return Object.entries(fields)
      .map(([kind, value]) => decodeOutcome(tenantId, leadId, kind, value))
      .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.kind.localeCompare(b.kind));
  }
}
