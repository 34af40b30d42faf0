import type { TruthRecord } from '../../fixtures/generator/records.ts';
import { snapshotTruth } from '../../fixtures/generator/snapshot-truth.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { createRedisLeadHistory } from '../../shared/store/redis-lead-history.ts';
import type { Store } from '../../shared/store/store.ts';
import { type LeakCheck, leakCheck } from '../../worker/features/leak-check-auc.ts';
import { buildTrainingExamples, type TrainingExamples } from '../../worker/features/training-examples.ts';

export interface FeatureStage {
  seconds: number;
  examples: TrainingExamples;
  check: LeakCheck;
  /** Test examples whose lead the generator's truth does not know (should be 0). */
  unknownLeads: number;
}

/**
 * The generator names a lead by its CRM id; the store names HubSpot contacts `<tenant>:contact:<id>`.
 * The truth of an example is its lead's, at the example's snapshot.
 */
function truthByStoreId(truth: readonly TruthRecord[], horizonDays: number) {
  const probabilityAt = snapshotTruth(truth, horizonDays);
  return (leadId: string, snapshotMs: number): number => {
    const crmId = leadId.includes(':contact:') ? leadId.slice(leadId.lastIndexOf(':') + 1) : leadId;
    return probabilityAt(crmId, snapshotMs);
  };
}

/** Snapshot examples of the tenant, computed from Redis, and the leak check on their time split. */
export async function runFeatureStage(options: {
  store: Store;
  tenantId: TenantId;
  dataEndMs: number;
  truth: readonly TruthRecord[];
}): Promise<FeatureStage> {
  const history = createRedisLeadHistory(options.store);
  const started = performance.now();
  const examples = await buildTrainingExamples(history, options.tenantId, { dataEndMs: options.dataEndMs });
  const seconds = (performance.now() - started) / 1000;
  const truthOf = truthByStoreId(options.truth, examples.options.horizonDays);
  let unknownLeads = 0;
  const known = (leadId: string, snapshotMs: number) => {
    const probability = truthOf(leadId, snapshotMs);
    if (Number.isNaN(probability)) unknownLeads += 1;
    return probability;
  };
  const check = leakCheck(examples, known);
  return { seconds, examples, check, unknownLeads };
}
