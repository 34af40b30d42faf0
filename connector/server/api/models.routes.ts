import { Router } from 'express';
import { StoreError } from '../../../shared/store/store-error.ts';
import { POOLED_SEGMENT } from '../../../worker/modelling/train-tenant.ts';
import { type ApiContext, jsonBody } from './api-context.ts';
import { ApiError, notFound } from './api-errors.ts';
import { type ApiRoute, defineRoute, mountRoutes } from './api-route.ts';
import { isoTime, segmentIdSchema } from './api-schemas.ts';
import { z } from './openapi-zod.ts';

/** The stored metrics JSON, read for the fields the model page shows; anything else is ignored. */
const storedMetricsSchema = z.looseObject({
  rocAuc: z.number().nullable().optional(),
  prAuc: z.number().nullable().optional(),
  ece: z.number().nullable().optional(),
  liftTopDecile: z.number().nullable().optional(),
  rows: z.number().optional(),
  positives: z.number().optional(),
  atThresholds: z
    .array(
      z.object({ threshold: z.number(), precision: z.number().nullable(), recall: z.number().nullable() }),
    )
    .optional(),
});

const timeRangeSchema = z.strictObject({ from: isoTime.nullable(), to: isoTime.nullable() });

const modelVersionSchema = z
  .strictObject({
    id: z.string(),
    segment: z.string(),
    trainedAt: isoTime,
    settingsVersion: z.union([z.number(), z.string()]),
    champion: z.boolean(),
    metrics: z.strictObject({
      rocAuc: z.number().nullable(),
      prAuc: z.number().nullable(),
      ece: z.number().nullable(),
      liftTopDecile: z.number().nullable(),
      /** Test-window examples the metrics were measured on, and the positives among them. */
      testRows: z.number().int().nullable(),
      testPositives: z.number().int().nullable(),
      atThresholds: z.array(
        z.strictObject({
          threshold: z.number(),
          precision: z.number().nullable(),
          recall: z.number().nullable(),
        }),
      ),
    }),
    window: z.strictObject({ train: timeRangeSchema, valid: timeRangeSchema, test: timeRangeSchema }),
  })
  .openapi('ModelVersion');

const modelsAnswerSchema = z
  .strictObject({
    versions: z.array(modelVersionSchema),
    /** Segment id (or `pooled`) → the version id of its champion. */
    champions: z.record(z.string(), z.string()),
    /** Drift alerts recorded by the maintenance checks, newest first. */
    drift: z.array(z.strictObject({ at: isoTime, message: z.string(), segment: z.string().nullable() })),
  })
  .openapi('Models');

const queuedSchema = z.strictObject({ queued: z.literal(true), jobId: z.string() }).openapi('Queued');

const rollbackAnswerSchema = z
  .strictObject({
    segment: z.string(),
    restored: z.string(),
    replaced: z.string().nullable(),
    rescoringJobId: z.string(),
  })
  .openapi('Rollback');

const range = (value: { fromMs: number | null; toMs: number | null }) => ({
  from: value.fromMs === null ? null : new Date(value.fromMs).toISOString(),
  to: value.toMs === null ? null : new Date(value.toMs).toISOString(),
});

export function modelRoutes(context: ApiContext): ApiRoute[] {
  const { deps } = context;
  return [
    defineRoute({
      method: 'get',
      path: '/models',
      summary: 'List model versions',
      access: 'any',
      response: modelsAnswerSchema,
      responseDescription:
        'Every model version with its test-window metrics, the champion of each segment, drift',
      handle: async ({ caller }) => {
        const tenantId = caller.tenantId;
        const [versions, current, alerts] = await Promise.all([
          context.models.list(tenantId),
          context.settings.current(tenantId),
          context.alerts.list(tenantId),
        ]);
        const champions: Record<string, string> = {};
        for (const segment of [...current.settings.segments.map((one) => one.id), POOLED_SEGMENT]) {
          const champion = await context.models.champion(tenantId, segment);
          if (champion !== undefined) champions[segment] = champion;
        }
        const championIds = new Set(Object.values(champions));
        return {
          versions: versions.map((meta) => {
            const metrics = storedMetricsSchema.safeParse(meta.metrics);
            const read = metrics.success ? metrics.data : {};
            return {
              id: meta.id,
              segment: meta.segment,
              trainedAt: meta.createdAt,
              settingsVersion: meta.settingsVersion,
              champion: championIds.has(meta.id),
              metrics: {
                rocAuc: read.rocAuc ?? null,
                prAuc: read.prAuc ?? null,
                ece: read.ece ?? null,
                liftTopDecile: read.liftTopDecile ?? null,
                testRows: read.rows ?? null,
                testPositives: read.positives ?? null,
                atThresholds: read.atThresholds ?? [],
              },
              window: {
                train: range(meta.window.train),
                valid: range(meta.window.valid),
                test: range(meta.window.test),
              },
            };
          }),
          champions,
          drift: alerts
            .filter((alert) => alert.kind.includes('drift'))
            .map((alert) => ({ at: alert.at, message: alert.message, segment: alert.segment ?? null })),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/models/retrain',
      summary: 'Retrain the models',
      access: 'admin',
      response: queuedSchema,
      responseDescription: 'The training job was queued',
      handle: async ({ caller }) => ({
        queued: true as const,
        jobId: await deps.queues.enqueue('train', { tenantId: caller.tenantId, reason: 'manual' }),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/models/{segment}/rollback',
      summary: 'Roll back a segment to its previous champion',
      access: 'admin',
      params: z.strictObject({ segment: segmentIdSchema }),
      response: rollbackAnswerSchema,
      responseDescription: 'The champion restored and the one it replaced; the tenant is rescored',
      errors: [
        { status: 404, description: 'The segment is not in the tenant settings' },
        { status: 409, description: 'The segment has no earlier champion to roll back to' },
      ],
      handle: async ({ params, caller }) => {
        const tenantId = caller.tenantId;
        const current = await context.settings.current(tenantId);
        const segments = new Set([...current.settings.segments.map((one) => one.id), POOLED_SEGMENT]);
        if (!segments.has(params.segment)) {
          throw notFound(
            `segment "${params.segment}" is not in this tenant's settings: use an id GET /settings lists`,
          );
        }
        let rolledBack: { restored: string; replaced: string | undefined };
        try {
          rolledBack = await context.registry.rollback(tenantId, params.segment);
        } catch (error) {
          if (error instanceof StoreError && error.code === 'NOT_FOUND') {
            throw new ApiError(
              'conflict',
              `segment "${params.segment}" has no earlier champion to roll back to`,
            );
          }
          throw error;
        }
        const rescoringJobId = await deps.queues.enqueue('score', {
          tenantId,
          leadIds: [],
          after: `rollback.${params.segment}.${rolledBack.restored}.${deps.now()}`,
        });
        return {
          segment: params.segment,
          restored: rolledBack.restored,
          replaced: rolledBack.replaced ?? null,
          rescoringJobId,
        };
      },
    }),
  ];
}

export function modelRouter(context: ApiContext, routes = modelRoutes(context)): Router {
  const router = Router();
  router.use(jsonBody());
  return mountRoutes(router, routes);
}
