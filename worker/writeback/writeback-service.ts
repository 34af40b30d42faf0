import type { CrmConnector, ScoreWrite, ScoreWriteResult } from '../../shared/crm-connector.ts';
import { ConnectorError, type ConnectorErrorCode } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import type { Score } from '../../shared/schemas/score.ts';
import type {
  WritebackStateRepository,
  WrittenState,
} from '../../shared/store/writeback-state.repository.ts';
import { recordsPerCall } from './batch-sizes.ts';
import { scoreContentHash, writeIdempotencyKey } from './content-hash.ts';

export interface WritebackInput {
  tenantId: TenantId;
  connector: Pick<CrmConnector, 'provider' | 'writeScores'>;
  /** The new scores, one per lead. */
  scores: Score[];
  /** Leads in the holdout keep their CRM fields untouched. */
  inHoldout?: (leadId: string) => boolean;
}

export interface WritebackFailure {
  leadId: string;
  code: ConnectorErrorCode;
  reason: string;
}

export interface WritebackFigures {
  /** Records the CRM confirmed. */
  writes: number;
  skippedUnchanged: number;
  skippedHoldout: number;
  /** Leads the store does not know (or without a CRM id): nothing to write to. */
  skippedUnknown: number;
  failed: number;
  failures: WritebackFailure[];
  /** writeScores calls made (each one provider batch). */
  calls: number;
}

export function emptyWritebackFigures(): WritebackFigures {
  return {
    writes: 0,
    skippedUnchanged: 0,
    skippedHoldout: 0,
    skippedUnknown: 0,
    failed: 0,
    failures: [],
    calls: 0,
  };
}

export interface WritebackDeps {
  state: WritebackStateRepository;
  leads: { get(tenantId: string, leadId: string): Promise<Lead | undefined> };
  logger: Logger;
  /** Rounds in which retryable per-record failures are sent again, alone. */
  recordRetries?: number;
  /** Called when a call's answer is in, before its confirmations are recorded (crash tests). */
  afterCallConfirmed?: (call: number) => Promise<void> | void;
  /** Called after each call's confirmations are recorded (tests place crashes here). */
  afterCallRecorded?: (call: number, written: number) => Promise<void> | void;
}

interface Pending {
  leadId: string;
  write: ScoreWrite;
  state: WrittenState;
}

const retryable = (code: ConnectorErrorCode) => code === 'RATE_LIMITED' || code === 'TEMPORARY';

/**
 * Writes scores, tiers, factor texts, model version and scored-at to the manifest's fields through
 * `writeScores`, in batches sized to the provider. A lead whose score, tier and factors are what the
 * CRM last confirmed is skipped, so a retried or replayed job writes nothing again. State is
 * recorded per call, only for the records the CRM confirmed.
 */
export class WritebackService {
  constructor(private readonly deps: WritebackDeps) {}

  async writeBack(input: WritebackInput): Promise<WritebackFigures> {
    const { tenantId, connector } = input;
    const figures = emptyWritebackFigures();
    // The last score of a lead wins when a batch names it twice.
    const latest = new Map<string, Score>();
    for (const score of input.scores) {
      if (input.inHoldout?.(score.leadId)) figures.skippedHoldout += 1;
      else latest.set(score.leadId, score);
    }
    const written = await this.deps.state.lastWritten(tenantId, [...latest.keys()]);
    let pending: Pending[] = [];
    for (const score of latest.values()) {
      const contentHash = scoreContentHash(score);
      if (written.get(score.leadId)?.contentHash === contentHash) {
        figures.skippedUnchanged += 1;
        continue;
      }
      const lead = await this.deps.leads.get(tenantId, score.leadId);
      if (lead === undefined) {
        figures.skippedUnknown += 1;
        continue;
      }
      pending.push({
        leadId: score.leadId,
        write: { crmId: lead.crmId, objectType: lead.objectType, score },
        state: {
          contentHash,
          modelVersion: score.modelVersion,
          idempotencyKey: writeIdempotencyKey(tenantId, score.leadId, score.modelVersion, contentHash),
        },
      });
    }
    const size = recordsPerCall[connector.provider];
    const rounds = this.deps.recordRetries ?? 2;
    const stillRetryable: { code: ConnectorErrorCode; retryAfterMs?: number }[] = [];
    for (let round = 0; pending.length > 0; round += 1) {
      const retry: Pending[] = [];
      for (let start = 0; start < pending.length; start += size) {
        const part = pending.slice(start, start + size);
        const results = await connector.writeScores(part.map((item) => item.write));
        figures.calls += 1;
        const confirmed: { leadId: string; state: WrittenState }[] = [];
        part.forEach((item, position) => {
          const result: ScoreWriteResult | undefined = results[position];
          if (result?.ok) {
            confirmed.push({ leadId: item.leadId, state: item.state });
            return;
          }
          const code = result?.code ?? 'UNKNOWN';
          const reason = result?.message ?? 'the CRM answered no result for this record';
          if (retryable(code) && round < rounds) {
            retry.push(item);
            return;
          }
          if (retryable(code)) stillRetryable.push({ code, retryAfterMs: result?.retryAfterMs });
          figures.failed += 1;
          figures.failures.push({ leadId: item.leadId, code, reason });
        });
        await this.deps.afterCallConfirmed?.(figures.calls);
        await this.deps.state.recordWritten(tenantId, confirmed);
        figures.writes += confirmed.length;
        await this.deps.afterCallRecorded?.(figures.calls, figures.writes);
      }
      if (retry.length > 0) {
        this.deps.logger.info({ tenantId, retry: retry.length, round }, 'write-back records retried alone');
      }
      pending = retry;
    }
    for (const failure of figures.failures) {
      this.deps.logger.warn(
        { tenantId, leadId: failure.leadId, code: failure.code, reason: failure.reason },
        'write-back record failed',
      );
    }
    const left = stillRetryable[0];
    if (left !== undefined) {
      // The job runs again later; the confirmed records are recorded, so only these are sent again.
      throw new ConnectorError(left.code, `${figures.failed} write-back records still failing`, {
        ...(left.retryAfterMs === undefined ? {} : { retryAfterMs: left.retryAfterMs }),
        context: { tenantId, object: 'score', operation: 'write back scores' },
      });
    }
    return figures;
  }
}
