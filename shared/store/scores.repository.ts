import type { RedisKey, Result } from 'ioredis';
import { z } from 'zod';
import { type ScoreRecord, scoreRecordSchema, scoreSourceSchema, tierSchema } from '../schemas/score.ts';
import { type RecordProblem, validateRecord } from '../schemas/validate.ts';
import { recordIdProblem, tenantKeys } from './keys.ts';
import { execOrThrow, type RedisClient } from './redis-scripts.ts';
import { StoreError } from './store-error.ts';

/** How many score changes a lead's history keeps. */
export const SCORE_HISTORY_LENGTH = 20;
const BATCH = 500;

/**
 * Writes one lead's score, skipping a replay of what is stored and refusing a score older than the
 * stored one (a retried job must not undo a newer score), and appends to the history only when the
 * score differs from the last recorded one. Both keys carry the tenant's hash tag: one slot.
 * KEYS: scores hash, history hash. ARGV: lead id, encoding, scoredAt (epoch ms),
 * history entry, score, history length.
 * Returns 0 unchanged, -1 stale, 1 written, 2 written and the history grew.
 */
const PUT_SCORE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current == ARGV[2] then return 0 end
if current then
  local at = tonumber(string.match(current, '^1|(%d+)|'))
  if at and at > tonumber(ARGV[3]) then return -1 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local history = redis.call('HGET', KEYS[2], ARGV[1])
local headScore = history and string.match(history, '^%d+|(%d+)|')
if headScore ~= ARGV[5] then
  local kept = ARGV[4]
  if history then
    local count = 1
    for entry in string.gmatch(history, '[^;]+') do
      if count >= tonumber(ARGV[6]) then break end
      kept = kept .. ';' .. entry
      count = count + 1
    end
  end
  redis.call('HSET', KEYS[2], ARGV[1], kept)
  return 2
end
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** See PUT_SCORE in shared/store/scores.repository.ts. */
    lsPutScore(
      scores: RedisKey,
      history: RedisKey,
      leadId: string,
      encoded: string,
      scoredAtMs: string,
      entry: string,
      score: string,
      historyLength: string,
    ): Result<number, Context>;
  }
}

const defined = new WeakSet<RedisClient>();

/**
 * The stored form: `1|<scoredAt epoch ms>|<JSON tuple>`, the tuple being [modelVersion, score,
 * probability, tier, segment, baseline, otherPoints, source, recommendation, [[featureId, points,
 * label], ...]]: no field names repeated per lead, and the time readable by the write script.
 * scoredAt comes back in UTC (`...Z`), whatever offset it was written with.
 */
const tupleSchema = z.tuple([
  z.string(),
  z.number(),
  z.number(),
  tierSchema,
  z.string(),
  z.number(),
  z.number(),
  scoreSourceSchema,
  z.string(),
  z.array(z.tuple([z.string(), z.number(), z.string()])),
]);

function encode(score: ScoreRecord): { encoded: string; scoredAtMs: number } {
  const scoredAtMs = Date.parse(score.scoredAt);
  const tuple: z.infer<typeof tupleSchema> = [
    score.modelVersion,
    score.score,
    score.probability,
    score.tier,
    score.segment,
    score.baseline,
    score.otherPoints,
    score.source,
    score.recommendation,
    score.factors.map((factor) => [factor.featureId, factor.points, factor.label]),
  ];
  return { encoded: `1|${scoredAtMs}|${JSON.stringify(tuple)}`, scoredAtMs };
}

function decode(tenantId: string, leadId: string, encoded: string): ScoreRecord {
  const match = /^1\|(\d+)\|(.*)$/s.exec(encoded);
  const parsed = match === null ? null : tupleSchema.safeParse(JSON.parse(match[2]));
  if (match === null || parsed === null || !parsed.success) {
    throw new StoreError('INVALID_INPUT', `stored score of lead ${leadId} is not a score encoding`, {
      tenantId,
      recordId: leadId,
    });
  }
  const [
    modelVersion,
    score,
    probability,
    tier,
    segment,
    baseline,
    otherPoints,
    source,
    recommendation,
    factors,
  ] = parsed.data;
  return {
    leadId,
    modelVersion,
    score,
    probability,
    tier,
    segment,
    factors: factors.map(([featureId, points, label]) => ({ featureId, label, points })),
    otherPoints,
    baseline,
    recommendation,
    scoredAt: new Date(Number(match[1])).toISOString(),
    source,
  };
}

export interface ScoreChange {
  at: string;
  score: number;
  modelVersion: string;
}

export interface PutScoresResult {
  /** Leads whose stored score was replaced (or first stored). */
  written: string[];
  /** Of those, the leads whose score value changed, so their history grew. */
  changed: string[];
  /** Leads whose stored score was already exactly this one. */
  unchanged: string[];
  /** Leads with a newer score stored than the one given: kept as they were. */
  stale: string[];
  /** Scores that failed validation, with why; nothing was stored for them. */
  rejected: { leadId: string; problems: RecordProblem[] }[];
}

/**
 * Current scores (one hash per tenant, lead id → compact encoding) and each lead's last 20 score
 * changes (one hash per tenant, lead id → entries `epochSeconds|score|modelVersion`, newest first).
 */
export class ScoresRepository {
  constructor(private readonly redis: RedisClient) {
    if (!defined.has(redis)) {
      redis.defineCommand('lsPutScore', { numberOfKeys: 2, lua: PUT_SCORE });
      defined.add(redis);
    }
  }

  /** Stores scores in pipelined batches; a bad score is reported and skipped, the rest are stored. */
  async put(tenantId: string, scores: readonly unknown[]): Promise<PutScoresResult> {
    const keys = tenantKeys(tenantId);
    const result: PutScoresResult = { written: [], changed: [], unchanged: [], stale: [], rejected: [] };
    const valid: ScoreRecord[] = [];
    scores.forEach((input, index) => {
      const checked = validateRecord(scoreRecordSchema, input);
      const leadId = checked.ok ? checked.value.leadId : leadIdOf(input, index);
      if (!checked.ok) {
        result.rejected.push({ leadId, problems: checked.problems });
        return;
      }
      const idProblem = recordIdProblem(leadId);
      if (idProblem !== null)
        result.rejected.push({ leadId, problems: [{ field: 'leadId', reason: idProblem }] });
      else valid.push(checked.value);
    });
    for (let start = 0; start < valid.length; start += BATCH) {
      const batch = valid.slice(start, start + BATCH);
      const pipeline = this.redis.pipeline();
      for (const score of batch) {
        const { encoded, scoredAtMs } = encode(score);
        const entry = `${Math.floor(scoredAtMs / 1000)}|${score.score}|${score.modelVersion}`;
        pipeline.lsPutScore(
          keys.scores,
          keys.scoreHistory,
          score.leadId,
          encoded,
          String(scoredAtMs),
          entry,
          String(score.score),
          String(SCORE_HISTORY_LENGTH),
        );
      }
      const outcomes = await execOrThrow(pipeline, `storing scores of ${tenantId}`);
      batch.forEach(({ leadId }, index) => {
        const outcome = outcomes[index];
        if (outcome === 0) result.unchanged.push(leadId);
        else if (outcome === -1) result.stale.push(leadId);
        else {
          result.written.push(leadId);
          if (outcome === 2) result.changed.push(leadId);
        }
      });
    }
    return result;
  }

  /** The current scores of the leads that have one, by lead id. */
  async get(tenantId: string, leadIds: readonly string[]): Promise<Map<string, ScoreRecord>> {
    const keys = tenantKeys(tenantId);
    const found = new Map<string, ScoreRecord>();
    for (let start = 0; start < leadIds.length; start += BATCH) {
      const batch = leadIds.slice(start, start + BATCH);
      const encodings = await this.redis.hmget(keys.scores, ...batch);
      batch.forEach((leadId, index) => {
        const encoded = encodings[index];
        if (encoded !== null && encoded !== undefined) found.set(leadId, decode(tenantId, leadId, encoded));
      });
    }
    return found;
  }

  /** The lead's last score changes, newest first. */
  async history(tenantId: string, leadId: string): Promise<ScoreChange[]> {
    const joined = await this.redis.hget(tenantKeys(tenantId).scoreHistory, leadId);
    const entries = joined === null ? [] : joined.split(';');
    return entries.map((entry) => {
      const match = /^(\d+)\|(\d+)\|(.+)$/s.exec(entry);
      if (match === null) {
        throw new StoreError(
          'INVALID_INPUT',
          `score history entry of lead ${leadId} is not "time|score|model"`,
          {
            tenantId,
            recordId: leadId,
          },
        );
      }
      return {
        at: new Date(Number(match[1]) * 1000).toISOString(),
        score: Number(match[2]),
        modelVersion: match[3],
      };
    });
  }

  /** Forgets the leads' scores and histories (lead deleted, privacy erasure); returns how many scores went. */
  async remove(tenantId: string, leadIds: readonly string[]): Promise<number> {
    const keys = tenantKeys(tenantId);
    let removed = 0;
    for (let start = 0; start < leadIds.length; start += BATCH) {
      const batch = leadIds.slice(start, start + BATCH);
      if (batch.length === 0) continue;
      const pipeline = this.redis
        .pipeline()
        .hdel(keys.scores, ...batch)
        .hdel(keys.scoreHistory, ...batch);
      const [deleted] = await execOrThrow(pipeline, `removing scores of ${tenantId}`);
      removed += Number(deleted);
    }
    return removed;
  }
}

function leadIdOf(input: unknown, index: number): string {
  if (typeof input === 'object' && input !== null && 'leadId' in input && typeof input.leadId === 'string') {
    return input.leadId;
  }
  return `#${index + 1}`;
}
