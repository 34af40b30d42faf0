import type { Logger } from 'pino';
import type { NurtureWrite, ScoreWrite, ScoreWriteResult } from '../../../shared/crm-connector.ts';
import { ConnectorError, type ConnectorErrorCode, isConnectorError } from '../../../shared/errors.ts';
import type { Manifest } from '../../../shared/manifest.ts';
import { type Score, scoreSchema, writtenProbability } from '../../../shared/schemas/score.ts';
import { describeProblems, validateRecord } from '../../../shared/schemas/validate.ts';
import { batchUpdateSize, maxRecordRetries } from './constants.ts';
import type { HubspotApi } from './hubspot-api.ts';
import { chunk } from './hubspot-reads.ts';
import { parseHubspotResponse } from './parse-hubspot-error.ts';

type Failure = { code: ConnectorErrorCode; message: string };
type RecordOutcome = { ok: true } | ({ ok: false } & Failure);

interface BatchUpdateResponse {
  results: { id: string }[];
  numErrors?: number;
  errors?: { status?: string; category?: string; message?: string; context?: { ids?: string[] } }[];
}

function formatFactor(factor: Score['factors'][number] | undefined): string {
  if (!factor) return '';
  const points = Math.round(factor.points * 10) / 10;
  return `${factor.label} (${points >= 0 ? '+' : ''}${points})`.slice(0, 255);
}

/** The manifest's properties with this score's values; names come only from manifest.json. */
export function scoreProperties(manifest: Manifest, score: Score): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const property of manifest.hubspot.properties) {
    const key = property.key;
    // The nurture flag is routing's, written on its own (setNurtureFlags).
    if (key === 'nurture') continue;
    if (key === 'score') properties[property.name] = String(score.score);
    else if (key === 'tier') properties[property.name] = score.tier;
    else if (key === 'modelVersion') properties[property.name] = score.modelVersion;
    // HubSpot datetime properties take epoch milliseconds.
    else if (key === 'scoredAt') properties[property.name] = String(Date.parse(score.scoredAt));
    else if (key === 'probability') properties[property.name] = String(writtenProbability(score.probability));
    // An empty value clears the property: a stale line would contradict the new score.
    else if (key === 'recommendation') properties[property.name] = (score.recommendation ?? '').slice(0, 255);
    else properties[property.name] = formatFactor(score.factors[Number(key.slice('factor'.length)) - 1]);
  }
  return properties;
}

/** Per-record errors of a 207 carry a category; unknown categories are treated as worth one more try. */
function recordFailure(error: NonNullable<BatchUpdateResponse['errors']>[number]): Failure {
  const parsed = parseHubspotResponse({ status: 207, body: error, headers: {} });
  const code = parsed.code === 'UNKNOWN' ? 'TEMPORARY' : parsed.code;
  return { code, message: error.message ?? parsed.message };
}

const retryable = (code: ConnectorErrorCode) => code === 'TEMPORARY' || code === 'RATE_LIMITED';

async function sendBatch(
  api: HubspotApi,
  ids: string[],
  propertiesById: Map<string, Record<string, string>>,
): Promise<Map<string, RecordOutcome>> {
  const outcomes = new Map<string, RecordOutcome>();
  let response: BatchUpdateResponse;
  try {
    response = (await api.call('batch update contacts', (client, options) =>
      client.crm.contacts.batchApi.update(
        {
          inputs: ids.map((id) => ({ id, properties: propertiesById.get(id) ?? {} })),
        },
        options,
      ),
    )) as BatchUpdateResponse;
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    // A 400 rejects the whole batch for one bad record: halve until the bad ones stand alone.
    if (error.code === 'INVALID_INPUT' && ids.length > 1) {
      const half = Math.ceil(ids.length / 2);
      for (const part of [ids.slice(0, half), ids.slice(half)]) {
        for (const [id, outcome] of await sendBatch(api, part, propertiesById)) outcomes.set(id, outcome);
      }
      return outcomes;
    }
    if (error.code === 'INVALID_INPUT' || error.code === 'NOT_FOUND' || error.code === 'TEMPORARY') {
      for (const id of ids) outcomes.set(id, { ok: false, code: error.code, message: error.message });
      return outcomes;
    }
    // Rate limits and revoked access concern the whole tenant: the worker decides.
    throw error;
  }
  for (const result of response.results) outcomes.set(String(result.id), { ok: true });
  for (const error of response.errors ?? []) {
    const failure = recordFailure(error);
    for (const id of error.context?.ids ?? []) outcomes.set(String(id), { ok: false, ...failure });
  }
  for (const id of ids) {
    if (!outcomes.has(id)) {
      outcomes.set(id, {
        ok: false,
        code: 'TEMPORARY',
        message: 'HubSpot returned neither a result nor an error',
      });
    }
  }
  return outcomes;
}

/**
 * Writes scores through batch updates of up to 100. A 207 is read record by record: records whose
 * failure may clear are sent again alone (not their whole batch), the others are reported.
 */
export async function writeHubspotScores(
  api: HubspotApi,
  manifest: Manifest,
  batch: ScoreWrite[],
  logger: Logger,
): Promise<ScoreWriteResult[]> {
  const final = new Map<string, RecordOutcome>();
  const propertiesById = new Map<string, Record<string, string>>();
  for (const write of batch) {
    const checked = validateRecord(scoreSchema, write.score);
    if (!checked.ok) {
      final.set(write.crmId, {
        ok: false,
        code: 'INVALID_INPUT',
        message: describeProblems(checked.problems),
      });
      propertiesById.delete(write.crmId);
      continue;
    }
    // The same contact twice in one batch is refused by HubSpot: the last score wins.
    propertiesById.set(write.crmId, scoreProperties(manifest, checked.value));
    final.delete(write.crmId);
  }
  await writeContactProperties(api, propertiesById, final, logger);
  return batch.map((write) => {
    const outcome = final.get(write.crmId) ?? { ok: false, code: 'UNKNOWN', message: 'not attempted' };
    return outcome.ok
      ? { crmId: write.crmId, ok: true }
      : { crmId: write.crmId, ok: false, code: outcome.code, message: outcome.message };
  });
}

/** The manifest's nurture property set to each flag; names come only from manifest.json. */
export async function writeHubspotNurtureFlags(
  api: HubspotApi,
  manifest: Manifest,
  batch: NurtureWrite[],
  logger: Logger,
): Promise<ScoreWriteResult[]> {
  const property = manifest.hubspot.properties.find((item) => item.key === 'nurture');
  if (!property) throw new ConnectorError('INVALID_INPUT', 'manifest.json has no nurture property');
  const final = new Map<string, RecordOutcome>();
  const propertiesById = new Map<string, Record<string, string>>();
  for (const write of batch) propertiesById.set(write.crmId, { [property.name]: String(write.nurture) });
  await writeContactProperties(api, propertiesById, final, logger);
  return batch.map((write) => {
    const outcome = final.get(write.crmId) ?? { ok: false, code: 'UNKNOWN', message: 'not attempted' };
    return outcome.ok
      ? { crmId: write.crmId, ok: true }
      : { crmId: write.crmId, ok: false, code: outcome.code, message: outcome.message };
  });
}

/** Batch updates of up to 100; records whose failure may clear are sent again alone. */
async function writeContactProperties(
  api: HubspotApi,
  propertiesById: Map<string, Record<string, string>>,
  final: Map<string, RecordOutcome>,
  logger: Logger,
): Promise<void> {
  let pending = [...propertiesById.keys()];
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    const retry: string[] = [];
    for (const ids of chunk(pending, batchUpdateSize)) {
      for (const [id, outcome] of await sendBatch(api, ids, propertiesById)) {
        if (!outcome.ok && retryable(outcome.code) && attempt < maxRecordRetries) retry.push(id);
        else final.set(id, outcome);
      }
    }
    if (retry.length > 0) logger.info({ retry: retry.length, attempt }, 'HubSpot score writes retried alone');
    pending = retry;
  }
}
