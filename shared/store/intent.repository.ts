import { type IntentSignal, intentSignalSchema } from '../schemas/intent-signal.ts';
import { validateRecord } from '../schemas/validate.ts';
import { tenantKeys } from './keys.ts';
import type { UpsertReport } from './leads.repository.ts';
import { execOrThrow, MEMBER_SEPARATOR, type RedisClient, splitMember } from './redis-scripts.ts';

/**
 * Intent signals of a tenant, one sorted set per company domain scored by observation time. A
 * signal is identified by (domain, topic, time): re-importing the same CSV changes nothing, and a
 * corrected surge score replaces the old one. Member: `<epoch ms>:<topic>\x1f<surge score>`.
 */
export class IntentRepository {
  constructor(private readonly redis: RedisClient) {}

  async upsertMany(tenantId: string, records: readonly unknown[]): Promise<UpsertReport> {
    const keys = tenantKeys(tenantId);
    const report: UpsertReport = { written: 0, unchanged: 0, rejected: [] };
    const byDomain = new Map<string, (string | number)[]>();
    let valid = 0;
    for (const record of records) {
      const result = validateRecord(intentSignalSchema, record);
      if (!result.ok) {
        report.rejected.push({ id: null, problems: result.problems });
        continue;
      }
      if (result.value.topic.includes(MEMBER_SEPARATOR)) {
        report.rejected.push({
          id: null,
          problems: [{ field: 'topic', reason: 'must not contain control characters' }],
        });
        continue;
      }
      valid += 1;
      const signal = result.value;
      const at = Date.parse(signal.observedAt);
      const pairs = byDomain.get(signal.domain) ?? [];
      pairs.push(at, `${at}:${signal.topic}${MEMBER_SEPARATOR}${signal.surgeScore}`);
      byDomain.set(signal.domain, pairs);
    }
    const domains = [...byDomain.entries()];
    for (let start = 0; start < domains.length; start += 200) {
      const pipeline = this.redis.pipeline();
      for (const [domain, pairs] of domains.slice(start, start + 200)) {
        pipeline.lsUpsertMembers(keys.intent(domain), ...pairs);
      }
      for (const count of (await execOrThrow(pipeline, `upsert intent of ${tenantId}`)) as number[]) {
        report.written += count;
      }
    }
    report.unchanged = valid - report.written;
    return report;
  }

  /** Signals for the domain with observedAt < at (epoch ms), oldest first. */
  async before(tenantId: string, domain: string, at: number): Promise<IntentSignal[]> {
    const flat = await this.redis.zrangebyscore(
      tenantKeys(tenantId).intent(domain),
      '-inf',
      `(${at}`,
      'WITHSCORES',
    );
    const signals: IntentSignal[] = [];
    for (let index = 0; index < flat.length; index += 2) {
      const [identity, surge] = splitMember(flat[index]);
      const topic = identity.slice(identity.indexOf(':') + 1);
      signals.push({
        domain,
        topic,
        surgeScore: Number(surge),
        observedAt: new Date(Number(flat[index + 1])).toISOString(),
      });
    }
    return signals;
  }
}
