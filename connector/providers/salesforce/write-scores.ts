import type { NurtureWrite, ScoreWrite, ScoreWriteResult } from '../../../shared/crm-connector.ts';
import { ConnectorError, isConnectorError } from '../../../shared/errors.ts';
import type { Manifest, WrittenFieldKey } from '../../../shared/manifest.ts';
import { type Score, writtenProbability } from '../../../shared/schemas/score.ts';
import { collectionResultSchema } from './api-schemas.ts';
import { maxCollectionSize } from './constants.ts';
import { classifySalesforceCode } from './parse-salesforce-error.ts';
import type { SalesforceClient } from './salesforce-client.ts';

type FieldSpec = Manifest['salesforce']['objects']['Lead'][number];

function formatPoints(points: number): string {
  const rounded = Math.round(points * 10) / 10;
  return `${rounded > 0 ? '+' : ''}${rounded}`;
}

function fieldValue(field: FieldSpec, score: Score): string | number | null {
  const key: WrittenFieldKey = field.key;
  const limit = (value: string) => value.slice(0, field.length ?? 255);
  if (key === 'score') return score.score;
  if (key === 'tier') {
    const match = field.picklistValues?.find((value) => value.toLowerCase() === score.tier);
    return match ?? score.tier;
  }
  if (key === 'modelVersion') return limit(score.modelVersion);
  if (key === 'scoredAt') return score.scoredAt;
  if (key === 'probability') return writtenProbability(score.probability);
  // A score without a recommendation clears the field: a stale line would contradict the new score.
  if (key === 'recommendation')
    return score.recommendation === undefined ? null : limit(score.recommendation);
  const factor = score.factors[Number(key.slice('factor'.length)) - 1];
  return factor ? limit(`${factor.label} (${formatPoints(factor.points)})`) : null;
}

/**
 * The Collections record for one score: field names come only from manifest.json. The nurture flag
 * is routing's, written on its own (setNurtureFlags), so a score write leaves it as it is.
 */
export function scoreRecord(write: ScoreWrite, manifest: Manifest): Record<string, unknown> {
  const objectType = write.objectType as 'Lead' | 'Contact';
  const record: Record<string, unknown> = { attributes: { type: objectType }, id: write.crmId };
  for (const field of manifest.salesforce.objects[objectType]) {
    if (field.key !== 'nurture') record[field.apiName] = fieldValue(field, write.score);
  }
  return record;
}

/** The Collections record setting one lead's nurture flag; the field name comes from manifest.json. */
export function nurtureRecord(write: NurtureWrite, manifest: Manifest): Record<string, unknown> {
  const objectType = write.objectType as 'Lead' | 'Contact';
  const field = manifest.salesforce.objects[objectType].find((item) => item.key === 'nurture');
  if (!field)
    throw new ConnectorError('INVALID_INPUT', `manifest.json has no nurture field on ${objectType}`);
  return { attributes: { type: objectType }, id: write.crmId, [field.apiName]: write.nurture };
}

/** Sets nurture flags through the same Collections update as the scores, with its retries. */
export function writeNurtureFlags(
  client: SalesforceClient,
  manifest: Manifest,
  batch: NurtureWrite[],
  options: WriteScoresOptions,
): Promise<ScoreWriteResult[]> {
  return writeCollectionRecords(
    client,
    batch.map((write) => ({
      crmId: write.crmId,
      objectType: write.objectType,
      record: () => nurtureRecord(write, manifest),
    })),
    options,
    'nurture flags',
  );
}

interface CollectionWrite {
  crmId: string;
  objectType: string;
  record: () => Record<string, unknown>;
}

export interface WriteScoresOptions {
  retries: number;
  retryDelayMs?: number;
}

type Outcome = ScoreWriteResult | undefined;

/**
 * Writes scores through sObject Collections (≤ 200 per call, allOrNone false). A 200 answer can hold
 * per-record failures: those that are retryable are sent again without the records that succeeded;
 * the rest are reported. One result per input, in input order.
 */
export function writeScores(
  client: SalesforceClient,
  manifest: Manifest,
  batch: ScoreWrite[],
  options: WriteScoresOptions,
): Promise<ScoreWriteResult[]> {
  return writeCollectionRecords(
    client,
    batch.map((write) => ({
      crmId: write.crmId,
      objectType: write.objectType,
      record: () => scoreRecord(write, manifest),
    })),
    options,
    'scores',
  );
}

async function writeCollectionRecords(
  client: SalesforceClient,
  batch: CollectionWrite[],
  options: WriteScoresOptions,
  what: string,
): Promise<ScoreWriteResult[]> {
  const results: Outcome[] = new Array(batch.length);
  let pending: number[] = [];
  batch.forEach((write, index) => {
    if (write.objectType === 'Lead' || write.objectType === 'Contact') pending.push(index);
    else
      results[index] = {
        crmId: write.crmId,
        ok: false,
        code: 'INVALID_INPUT',
        message: `Salesforce has no ${write.objectType} object`,
      };
  });
  for (let round = 0; pending.length > 0; round++) {
    const retryNext: number[] = [];
    for (let start = 0; start < pending.length; start += maxCollectionSize) {
      const chunk = pending.slice(start, start + maxCollectionSize);
      let answer: unknown;
      try {
        answer = await sendChunk(
          client,
          chunk.map((index) => batch[index]!),
          options,
          what,
        );
      } catch (error) {
        const failure = isConnectorError(error) ? error : client.mapError(error, `write ${what}`);
        // Stop calling: the remaining records report the reason (and wait) instead of being lost.
        for (const index of pending.slice(start)) {
          results[index] = {
            crmId: batch[index]!.crmId,
            ok: false,
            code: failure.code,
            message: failure.message,
            retryAfterMs: failure.retryAfterMs,
          };
        }
        return results as ScoreWriteResult[];
      }
      const parsed = collectionResultSchema.safeParse(answer);
      if (!parsed.success || parsed.data.length !== chunk.length) {
        throw new ConnectorError(
          'UNKNOWN',
          `Collections update answered ${parsed.success ? parsed.data.length : 'malformed'} results for ${chunk.length} records`,
        );
      }
      parsed.data.forEach((result, position) => {
        const index = chunk[position]!;
        const crmId = batch[index]!.crmId;
        if (result.success) {
          results[index] = { crmId, ok: true };
          return;
        }
        const first = result.errors[0];
        const code = first ? classifySalesforceCode(first.statusCode, first.message) : 'UNKNOWN';
        if (code === 'TEMPORARY' && round < options.retries) {
          retryNext.push(index);
          return;
        }
        const message = result.errors.map((error) => `${error.statusCode}: ${error.message}`).join('; ');
        results[index] = { crmId, ok: false, code, message: message || 'failed without an error' };
      });
    }
    pending = retryNext;
    if (pending.length > 0)
      await new Promise((resolve) => setTimeout(resolve, (options.retryDelayMs ?? 200) * 2 ** round));
  }
  return results as ScoreWriteResult[];
}

/** One Collections call; a whole-call TEMPORARY failure (5xx, network) is retried a few times. */
async function sendChunk(
  client: SalesforceClient,
  writes: CollectionWrite[],
  options: WriteScoresOptions,
  what: string,
): Promise<unknown> {
  const body = JSON.stringify({ allOrNone: false, records: writes.map((write) => write.record()) });
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.request(
        {
          method: 'PATCH',
          url: client.dataPath('/composite/sobjects'),
          body,
          headers: { 'content-type': 'application/json' },
        },
        `update ${writes.length} records with ${what}`,
      );
    } catch (error) {
      const failure = client.mapError(error, `write ${what}`);
      if (failure.code !== 'TEMPORARY' || attempt >= options.retries) throw failure;
      await new Promise((resolve) => setTimeout(resolve, (options.retryDelayMs ?? 200) * 2 ** attempt));
    }
  }
}
