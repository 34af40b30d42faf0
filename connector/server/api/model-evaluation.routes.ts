import { Router } from 'express';
import { POOLED_SEGMENT } from '../../../worker/modelling/train-tenant.ts';
import { type ApiContext, jsonBody } from './api-context.ts';
import { notFound } from './api-errors.ts';
import { type ApiRoute, defineRoute, mountRoutes } from './api-route.ts';
import { isoTime, segmentIdSchema } from './api-schemas.ts';
import {
  CALIBRATION_PLOT_BINS,
  calibrationOf,
  cutPointsOf,
  liftByDecile,
  MIN_EXAMPLES_PER_CALIBRATION_BIN,
  predictedExamples,
  probabilityOfScores,
} from './model-evaluation.ts';
import { z } from './openapi-zod.ts';

export const modelVersionIdSchema = z
  .string()
  .regex(
    /^[a-z0-9-]{1,40}-v[0-9]{1,9}$/,
    'must be a model version id such as smb-v3: the ids GET /models lists',
  );

const calibrationBinSchema = z
  .strictObject({
    from: z.number(),
    to: z.number(),
    examples: z.number().int(),
    weight: z.number(),
    positives: z.number(),
    predicted: z.number(),
    observed: z.number(),
  })
  .openapi('CalibrationBin', {
    description:
      'One equal-count bin of test examples by predicted probability, from and to being the lowest and highest prediction in it (both included): their count, total and converting weight, weighted mean prediction and observed conversion rate',
  });

const liftDecileSchema = z
  .strictObject({
    decile: z.number().int().min(1).max(10),
    examples: z.number(),
    positives: z.number(),
    minScore: z.number().int().nullable(),
    maxScore: z.number().int().nullable(),
    conversionRate: z.number().nullable(),
    lift: z.number().nullable(),
  })
  .openapi('LiftDecile', {
    description:
      'One tenth of the test window by score, decile 1 the highest: weighted examples and conversions (tied scores are shared across the deciles they straddle, so these may be fractional), conversion rate and its ratio to the base rate',
  });

const evaluationAnswerSchema = z
  .strictObject({
    version: z.string(),
    segment: z.string(),
    trainedAt: isoTime,
    /** The segment whose examples were read, when the query asked for one (a pooled model serves several). */
    segmentFilter: z.string().nullable(),
    window: z.strictObject({
      from: isoTime,
      to: isoTime,
      examples: z.number().int(),
      positives: z.number().int(),
    }),
    baseRate: z.number().nullable(),
    calibration: z
      .strictObject({
        /** Non-empty bins, lowest predictions first. */
        bins: z.array(calibrationBinSchema),
        /** Expected calibration error over these bins: Σ (bin weight / total weight) · |predicted − observed|. */
        error: z.number().nullable(),
        /** `stored`: the probabilities the version gave, kept with the window; `score-scale`: read back from the stored scores (windows saved before probabilities were kept). */
        probabilities: z.enum(['stored', 'score-scale']),
      })
      .nullable(),
    /** Why there is no calibration plot, when there is none. */
    calibrationNote: z.string().nullable(),
    lift: z.array(liftDecileSchema),
  })
  .openapi('ModelEvaluation');

const championsAnswerSchema = z
  .strictObject({
    segment: z.string(),
    champion: z.string().nullable(),
    /** Earlier champions, newest first: a rollback restores the first, the next one after that, and so on. */
    earlier: z.array(z.string()),
  })
  .openapi('SegmentChampions');

const evaluationQuerySchema = z.object({ segment: segmentIdSchema.optional() });

export function modelEvaluationRoutes(context: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/models/{version}/evaluation',
      summary: 'Evaluate a model version on its test window',
      description: `Calibration plot (predicted against observed conversion per equal-count bin of predicted probability: up to ${CALIBRATION_PLOT_BINS} bins, fewer so that each holds at least ${MIN_EXAMPLES_PER_CALIBRATION_BIN} examples, and fewer again when tied predictions, never split across bins, fill more than a bin) with the expected calibration error over those bins (each bin weighted by its share of the window's weight, the examples' count unless negatives were sampled down), and lift by score decile, from the version's stored test window. Predicted probabilities are the ones stored with the window; for windows saved before they were kept, they are read back from the stored scores through the version's score scale (exact on calibration plateaus, the middle of the score's probability range otherwise). \`segment\` keeps one segment's examples of a pooled model's window.`,
      access: 'any',
      params: z.strictObject({ version: modelVersionIdSchema }),
      query: evaluationQuerySchema,
      response: evaluationAnswerSchema,
      responseDescription: 'Calibration bins and lift deciles of the version on its test window',
      errors: [
        {
          status: 404,
          description: 'The version is not one of the tenant, or no test window was kept for it',
        },
      ],
      handle: async ({ params, query, caller }) => {
        const tenantId = caller.tenantId;
        const stored = await context.models.get(tenantId, params.version);
        if (stored === undefined) {
          throw notFound(
            `model version "${params.version}" does not exist in this tenant: use an id GET /models lists`,
          );
        }
        const window = await context.models.testWindow(tenantId, params.version);
        if (window === undefined) {
          throw notFound(
            `model version "${params.version}" was trained before test windows were kept: retrain to evaluate it`,
          );
        }
        const segment = query.segment;
        const examples =
          segment === undefined ? window : window.filter((example) => example.segment === segment);
        if (examples.length === 0) {
          throw notFound(
            segment === undefined
              ? `the test window of model version "${params.version}" holds no example: retrain on more data to evaluate it`
              : `the test window of model version "${params.version}" holds no example of segment "${segment}": leave out segment or pick one the version serves`,
          );
        }
        let fromMs = Number.POSITIVE_INFINITY;
        let toMs = Number.NEGATIVE_INFINITY;
        for (const example of examples) {
          fromMs = Math.min(fromMs, example.snapshotAtMs);
          toMs = Math.max(toMs, example.snapshotAtMs);
        }
        const cutPoints = cutPointsOf(stored.meta.scale);
        const ofScores = cutPoints === undefined ? undefined : probabilityOfScores(cutPoints);
        const predicted = predictedExamples(
          examples,
          ofScores === undefined ? undefined : (score) => ofScores.get(score),
        );
        const lift = liftByDecile(examples);
        const calibrationNote =
          predicted.source !== 'none'
            ? null
            : predicted.missingScore === null
              ? `model version "${params.version}" kept no probabilities with its test window and has no score scale to read them from: retrain to evaluate its calibration`
              : `score ${predicted.missingScore} of the test window is not one the version's scale gives`;
        return {
          version: stored.meta.id,
          segment: stored.meta.segment,
          trainedAt: stored.meta.createdAt,
          segmentFilter: segment ?? null,
          window: {
            from: new Date(fromMs).toISOString(),
            to: new Date(toMs).toISOString(),
            examples: examples.length,
            positives: examples.filter((example) => example.label === 1).length,
          },
          baseRate: lift.baseRate,
          calibration:
            predicted.source === 'none'
              ? null
              : { ...calibrationOf(predicted.examples), probabilities: predicted.source },
          calibrationNote,
          lift: lift.deciles,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/models/{segment}/champions',
      summary: "Read a segment's champion and the champions before it",
      description:
        'What POST /models/{segment}/rollback would restore: each rollback makes the first earlier champion current again.',
      access: 'any',
      params: z.strictObject({ segment: segmentIdSchema }),
      response: championsAnswerSchema,
      responseDescription: 'The current champion and the earlier ones, newest first',
      errors: [{ status: 404, description: 'The segment is not in the tenant settings' }],
      handle: async ({ params, caller }) => {
        const tenantId = caller.tenantId;
        const current = await context.settings.current(tenantId);
        const segments = new Set([...current.settings.segments.map((one) => one.id), POOLED_SEGMENT]);
        if (!segments.has(params.segment)) {
          throw notFound(
            `segment "${params.segment}" is not in this tenant's settings: use an id GET /settings lists, or ${POOLED_SEGMENT}`,
          );
        }
        const [champion, earlier] = await Promise.all([
          context.models.champion(tenantId, params.segment),
          context.models.championHistory(tenantId, params.segment),
        ]);
        return { segment: params.segment, champion: champion ?? null, earlier };
      },
    }),
  ];
}

export function modelEvaluationRouter(context: ApiContext, routes = modelEvaluationRoutes(context)): Router {
  const router = Router();
  router.use(jsonBody());
  return mountRoutes(router, routes);
}

/** The evaluation resource as the API router lists its resources. */
export function modelEvaluationResource(context: ApiContext): { routes: ApiRoute[]; router: Router } {
  const routes = modelEvaluationRoutes(context);
  return { routes, router: modelEvaluationRouter(context, routes) };
}
