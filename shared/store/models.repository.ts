import { z } from 'zod';
import { isoDateTime, tenantIdSchema } from '../schemas/common.ts';
import { tenantKeys } from './keys.ts';
import { execOrThrow, type RedisClient } from './redis-scripts.ts';
import { StoreError } from './store-error.ts';

/** Earlier champions a segment remembers for rollback. */
export const CHAMPION_HISTORY_KEPT = 50;

const timeRangeSchema = z.strictObject({ fromMs: z.number().nullable(), toMs: z.number().nullable() });

/**
 * Everything about one model version but its model text. The calibrator, parameters, metrics and
 * scale are JSON the worker reads with its own schemas; the store keeps them as given.
 */
export const modelVersionMetaSchema = z.strictObject({
  /** Readable and deterministic per tenant: `<segment slug>-v<n>`, n counting from 1. */
  id: z.string().regex(/^[a-z0-9-]{1,40}-v[0-9]{1,9}$/),
  tenantId: tenantIdSchema,
  segment: z.string().min(1).max(200),
  createdAt: isoDateTime,
  settingsVersion: z.union([z.number(), z.string()]),
  featureNames: z.array(z.string()),
  params: z.record(z.string(), z.json()),
  calibrator: z.json(),
  window: z.strictObject({ train: timeRangeSchema, valid: timeRangeSchema, test: timeRangeSchema }),
  metrics: z.json(),
  /** The score scale of the version (opaque here). */
  scale: z.json(),
});
export type ModelVersionMeta = z.infer<typeof modelVersionMetaSchema>;
export type NewModelVersion = Omit<ModelVersionMeta, 'id' | 'tenantId'>;

/**
 * One test-window example of a version as the threshold preview and the evaluation read it: the lead,
 * the segment the lead was in at training time, the 0-100 score the version gives the example, its
 * label, its snapshot time, its weight (1 unless negatives were sampled down) and the calibrated
 * probability the version gave it. Windows saved before probabilities were kept have none; a window
 * read back has a probability on every example or on none.
 */
export interface TestWindowExample {
  leadId: string;
  segment: string;
  score: number;
  label: 0 | 1;
  snapshotAtMs: number;
  weight: number;
  /** Calibrated probability in [0, 1], kept at float32 precision (about 7 significant digits). */
  probability?: number;
}

/**
 * Stored columnar in the version's hash (field `test-window`): lead ids and segments once each, then
 * one small integer per example and column; snapshot times in epoch seconds (snapshot grids are whole
 * days); weights only when one is not 1; probabilities as one base64 string of little-endian float32
 * values (4 bytes each, 5⅓ characters), absent in windows saved before they were kept. About 12 bytes
 * per example plus its lead id without probabilities, about 17.5 plus its lead id with them.
 */
const storedTestWindowSchema = z.strictObject({
  leads: z.array(z.string()),
  segments: z.array(z.string()),
  lead: z.array(z.number().int().nonnegative()),
  segment: z.array(z.number().int().nonnegative()),
  score: z.array(z.number().int().min(0).max(100)),
  label: z.array(z.union([z.literal(0), z.literal(1)])),
  at: z.array(z.number().int()),
  weight: z.array(z.number().positive()).optional(),
  probability: z.string().optional(),
});
type StoredTestWindow = z.infer<typeof storedTestWindowSchema>;

const TEST_WINDOW_FIELD = 'test-window';

function encodeTestWindow(examples: readonly TestWindowExample[]): StoredTestWindow {
  const leads = new Map<string, number>();
  const segments = new Map<string, number>();
  const indexOf = (map: Map<string, number>, value: string) => {
    let index = map.get(value);
    if (index === undefined) {
      index = map.size;
      map.set(value, index);
    }
    return index;
  };
  const stored: StoredTestWindow = {
    leads: [],
    segments: [],
    lead: [],
    segment: [],
    score: [],
    label: [],
    at: [],
  };
  for (const example of examples) {
    stored.lead.push(indexOf(leads, example.leadId));
    stored.segment.push(indexOf(segments, example.segment));
    stored.score.push(example.score);
    stored.label.push(example.label);
    stored.at.push(Math.round(example.snapshotAtMs / 1000));
  }
  if (examples.some((example) => example.weight !== 1))
    stored.weight = examples.map((example) => example.weight);
  const probabilities = probabilitiesOf(examples);
  if (probabilities !== undefined) stored.probability = encodeFloat32(probabilities);
  stored.leads = [...leads.keys()];
  stored.segments = [...segments.keys()];
  return stored;
}

/**
 * The examples' probabilities in order, undefined when none has one; refuses a window where only some
 * have one, or one outside [0, 1] (the evaluation could not tell which to trust).
 */
function probabilitiesOf(examples: readonly TestWindowExample[]): number[] | undefined {
  const given = examples.filter((example) => example.probability !== undefined).length;
  if (given === 0) return undefined;
  if (given !== examples.length) {
    throw new StoreError(
      'INVALID_INPUT',
      `test window gives a probability for ${given} of its ${examples.length} examples: give one for every example or for none`,
    );
  }
  return examples.map((example, row) => {
    const probability = example.probability ?? Number.NaN;
    if (!(probability >= 0 && probability <= 1)) {
      throw new StoreError(
        'INVALID_INPUT',
        `test window example ${row} (lead ${example.leadId}) has probability ${probability}: give a calibrated probability between 0 and 1`,
      );
    }
    return probability;
  });
}

function encodeFloat32(values: readonly number[]): string {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => {
    bytes.writeFloatLE(value, index * 4);
  });
  return bytes.toString('base64');
}

/** The float32 values of a stored column, undefined when it does not hold `length` values in [0, 1]. */
function decodeFloat32(encoded: string, length: number): number[] | undefined {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== length * 4) return undefined;
  const values = Array.from({ length }, (_, index) => bytes.readFloatLE(index * 4));
  return values.every((value) => value >= 0 && value <= 1) ? values : undefined;
}

function decodeTestWindow(stored: StoredTestWindow, probabilities?: readonly number[]): TestWindowExample[] {
  return stored.lead.map((leadIndex, row) => {
    const example: TestWindowExample = {
      leadId: stored.leads[leadIndex] ?? '',
      segment: stored.segments[stored.segment[row] ?? 0] ?? '',
      score: stored.score[row] ?? 0,
      label: stored.label[row] ?? 0,
      snapshotAtMs: (stored.at[row] ?? 0) * 1000,
      weight: stored.weight?.[row] ?? 1,
    };
    const probability = probabilities?.[row];
    if (probability !== undefined) example.probability = probability;
    return example;
  });
}

/** What the tenant's last training found in its training window (the panel's data-sufficiency state). */
export interface TrainingCounts {
  labelledLeads: number;
  convertingLeads: number;
  at: string;
  /** `rules`: below the minimums, no model was trained. */
  outcome: 'models' | 'rules';
}

export interface StoredModelVersion {
  meta: ModelVersionMeta;
  /** The LightGBM text model, exactly as saved. */
  text: string;
}

/** The key-safe part of a version id: lower case letters, digits and dashes. */
export function segmentSlug(segment: string): string {
  const slug = segment
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug === '' ? 'segment' : slug;
}

/** Makes ARGV[2] the segment's champion and remembers the one it replaces. KEYS: champions, history, version. */
const PROMOTE = `
if redis.call('EXISTS', KEYS[3]) == 0 then return redis.error_reply('NOT_FOUND') end
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current == ARGV[2] then return current end
if current then
  redis.call('LPUSH', KEYS[2], current)
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return current or ''
`;

/** Makes the previous champion current again; returns {restored, replaced} or nil. KEYS: champions, history. */
const ROLLBACK = `
local previous = redis.call('LPOP', KEYS[2])
if not previous then return nil end
local current = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], previous)
return {previous, current or ''}
`;

/** Model versions of a tenant and the champion of each segment. */
export class ModelsRepository {
  constructor(private readonly redis: RedisClient) {}

  /** Saves a new version under the next id of its segment (`smb-v1`, `smb-v2`, ...). */
  async create(
    tenantId: string,
    version: NewModelVersion,
    text: string,
    options: { testWindow?: readonly TestWindowExample[] } = {},
  ): Promise<ModelVersionMeta> {
    const keys = tenantKeys(tenantId);
    const slug = segmentSlug(version.segment);
    // Checked before a number is taken, so a refused version leaves no gap in the numbering.
    const checked = modelVersionMetaSchema.safeParse({ ...version, id: `${slug}-v1`, tenantId });
    if (!checked.success) {
      throw new StoreError(
        'INVALID_INPUT',
        `model version of ${tenantId} is invalid: ${checked.error.message}`,
        { tenantId },
      );
    }
    const number = await this.redis.hincrby(keys.modelCounters, slug, 1);
    const meta = { ...checked.data, id: `${slug}-v${number}` };
    const transaction = this.redis.multi();
    transaction.hset(keys.modelVersion(meta.id), 'meta', JSON.stringify(meta), 'text', text);
    transaction.zadd(keys.models, Date.parse(meta.createdAt), meta.id);
    if (options.testWindow !== undefined) {
      transaction.hset(
        keys.modelVersion(meta.id),
        TEST_WINDOW_FIELD,
        JSON.stringify(encodeTestWindow(options.testWindow)),
      );
    }
    await execOrThrow(transaction, `save model version ${meta.id} of ${tenantId}`);
    return meta;
  }

  async get(tenantId: string, versionId: string): Promise<StoredModelVersion | undefined> {
    const [meta, text] = await this.redis.hmget(tenantKeys(tenantId).modelVersion(versionId), 'meta', 'text');
    if (meta === null || text === null) return undefined;
    return { meta: modelVersionMetaSchema.parse(JSON.parse(meta)), text };
  }

  async recordTrainingCounts(tenantId: string, counts: TrainingCounts): Promise<void> {
    await this.redis.hset(
      tenantKeys(tenantId).trainingCounts,
      'labelled',
      String(counts.labelledLeads),
      'converting',
      String(counts.convertingLeads),
      'at',
      counts.at,
      'outcome',
      counts.outcome,
    );
  }

  async trainingCounts(tenantId: string): Promise<TrainingCounts | undefined> {
    const fields = await this.redis.hgetall(tenantKeys(tenantId).trainingCounts);
    if (fields.labelled === undefined || fields.converting === undefined || fields.at === undefined)
      return undefined;
    return {
      labelledLeads: Number(fields.labelled),
      convertingLeads: Number(fields.converting),
      at: fields.at,
      outcome: fields.outcome === 'rules' ? 'rules' : 'models',
    };
  }

  /** The version's test-window examples (scores by that version), or undefined when none were stored. */
  async testWindow(tenantId: string, versionId: string): Promise<TestWindowExample[] | undefined> {
    const stored = await this.redis.hget(tenantKeys(tenantId).modelVersion(versionId), TEST_WINDOW_FIELD);
    return stored === null ? undefined : this.readTestWindow(tenantId, versionId, stored);
  }

  /**
   * Removes one lead's examples from every stored test window (privacy erasure); returns how many
   * examples went. Versions never change after they are saved, so a rewrite races with nothing but
   * another erasure, which removes the same entries.
   */
  async eraseLeadFromTestWindows(tenantId: string, leadId: string): Promise<number> {
    const keys = tenantKeys(tenantId);
    let removed = 0;
    for (const versionId of await this.redis.zrange(keys.models, 0, '-1')) {
      const stored = await this.redis.hget(keys.modelVersion(versionId), TEST_WINDOW_FIELD);
      if (stored === null) continue;
      const examples = this.readTestWindow(tenantId, versionId, stored);
      const kept = examples.filter((example) => example.leadId !== leadId);
      if (kept.length === examples.length) continue;
      removed += examples.length - kept.length;
      await this.redis.hset(
        keys.modelVersion(versionId),
        TEST_WINDOW_FIELD,
        JSON.stringify(encodeTestWindow(kept)),
      );
    }
    return removed;
  }

  private readTestWindow(tenantId: string, versionId: string, stored: string): TestWindowExample[] {
    const unreadable = (why: string) =>
      new StoreError(
        'INVALID_INPUT',
        `stored test window of model version ${versionId} is unreadable${why}`,
        {
          tenantId,
          recordId: versionId,
        },
      );
    const parsed = storedTestWindowSchema.safeParse(JSON.parse(stored));
    if (!parsed.success) throw unreadable('');
    const window = parsed.data;
    if (window.probability === undefined) return decodeTestWindow(window);
    const probabilities = decodeFloat32(window.probability, window.lead.length);
    if (probabilities === undefined) {
      throw unreadable(
        `: its probabilities are not ${window.lead.length} float32 values between 0 and 1 (retrain to store it again)`,
      );
    }
    return decodeTestWindow(window, probabilities);
  }

  /** Every version's metadata, oldest first. */
  async list(tenantId: string): Promise<ModelVersionMeta[]> {
    const keys = tenantKeys(tenantId);
    const ids = await this.redis.zrange(keys.models, 0, '-1');
    const versions: ModelVersionMeta[] = [];
    for (const id of ids) {
      const meta = await this.redis.hget(keys.modelVersion(id), 'meta');
      if (meta !== null) versions.push(modelVersionMetaSchema.parse(JSON.parse(meta)));
    }
    return versions;
  }

  /** The version id of the segment's champion, if it has one. */
  async champion(tenantId: string, segment: string): Promise<string | undefined> {
    return (await this.redis.hget(tenantKeys(tenantId).champions, segment)) ?? undefined;
  }

  /** The segment's earlier champions, newest first. */
  async championHistory(tenantId: string, segment: string): Promise<string[]> {
    return this.redis.lrange(tenantKeys(tenantId).championHistory(segment), 0, -1);
  }

  /** Makes a saved version the segment's champion; returns the champion it replaced. */
  async promote(tenantId: string, segment: string, versionId: string): Promise<string | undefined> {
    const keys = tenantKeys(tenantId);
    try {
      const replaced = await this.redis.eval(
        PROMOTE,
        3,
        keys.champions,
        keys.championHistory(segment),
        keys.modelVersion(versionId),
        segment,
        versionId,
        CHAMPION_HISTORY_KEPT,
      );
      return typeof replaced === 'string' && replaced !== '' && replaced !== versionId ? replaced : undefined;
    } catch (error) {
      if (error instanceof Error && error.message.includes('NOT_FOUND')) {
        throw new StoreError('NOT_FOUND', `model version ${versionId} of ${tenantId} does not exist`, {
          tenantId,
          recordId: versionId,
        });
      }
      throw error;
    }
  }

  /** Makes the previous champion of the segment current again, in one step. */
  async rollback(
    tenantId: string,
    segment: string,
  ): Promise<{ restored: string; replaced: string | undefined }> {
    const keys = tenantKeys(tenantId);
    const result = await this.redis.eval(ROLLBACK, 2, keys.champions, keys.championHistory(segment), segment);
    if (!Array.isArray(result)) {
      throw new StoreError(
        'NOT_FOUND',
        `segment ${segment} of ${tenantId} has no earlier champion to roll back to`,
        {
          tenantId,
        },
      );
    }
    const [restored, replaced] = result.map(String);
    return { restored, replaced: replaced === '' ? undefined : replaced };
  }
}
