import { Router } from 'express';
import type { TenantId } from '../../../shared/schemas/common.ts';
import type { ScoreRecord } from '../../../shared/schemas/score.ts';
import { factorText } from '../../../shared/scoring/factor-text.ts';
import { inHoldout } from '../../../shared/scoring/holdout.ts';
import { coldStartState } from '../../../shared/scoring/transparent-rules.ts';
import type { ApiContext } from './api-context.ts';
import { notFound } from './api-errors.ts';
import { type ApiRoute, defineRoute, mountRoutes } from './api-route.ts';
import { isoTime, leadIdOfCrmId, recordIdParam } from './api-schemas.ts';
import { z } from './openapi-zod.ts';

const DAY_MS = 86_400_000;
/** What "other" is called next to the five factors. */
const OTHER_LABEL = 'Other factors';

const factorAnswerSchema = z
  .strictObject({
    featureId: z.string(),
    label: z.string(),
    points: z.number().int(),
    /** `+18 · 3 pricing-page views in the last 30 days`, as the CRM field holds it. */
    text: z.string(),
  })
  .openapi('Factor');

const coldStartSchema = z
  .strictObject({
    mode: z.enum(['rules', 'model']),
    labelledLeads: z.number().int(),
    convertingLeads: z.number().int(),
    minLabelledLeads: z.number().int(),
    minConvertingLeads: z.number().int(),
    text: z.string(),
    /** When the training that found these counts ran. */
    countedAt: isoTime,
  })
  .openapi('DataSufficiency');

export const recordAnswerSchema = z
  .strictObject({
    leadId: z.string(),
    crmId: z.string().nullable(),
    score: z.number().int().min(0).max(100),
    tier: z.enum(['hot', 'warm', 'cold']),
    probability: z.number().min(0).max(1),
    segment: z.strictObject({
      id: z.string(),
      /** Null when the segment is no longer in the settings (scored before a change). */
      name: z.string().nullable(),
      hotThreshold: z.number().int().nullable(),
      warmThreshold: z.number().int().nullable(),
    }),
    /** baseline + Σ factor points + other points = score. */
    baseline: z.number().int(),
    factors: z.array(factorAnswerSchema).max(5),
    other: z.strictObject({ points: z.number().int(), text: z.string() }),
    recommendation: z.string(),
    history: z.array(z.strictObject({ at: isoTime, score: z.number().int(), modelVersion: z.string() })),
    model: z.strictObject({
      version: z.string(),
      source: z.enum(['model', 'pooled', 'rules']),
      /** Null for the rules (no trained model). */
      trainedAt: isoTime.nullable(),
      ageDays: z.number().int().nullable(),
    }),
    /** Null until a training has run for the tenant. */
    dataSufficiency: coldStartSchema.nullable(),
    /** The lead is in its segment's holdout: routed without the model, to measure lift. */
    holdout: z.boolean(),
    scoredAt: isoTime,
  })
  .openapi('LeadRecord');
export type RecordAnswer = z.infer<typeof recordAnswerSchema>;

const notScored = (leadId: string) =>
  notFound(`lead ${leadId.slice(0, 64)} has no score in this CRM account (unknown, or not scored yet)`);

/** The panel's answer for one scored lead: everything it shows, from the stored score and settings. */
export async function recordAnswer(
  context: ApiContext,
  tenantId: TenantId,
  leadId: string,
): Promise<RecordAnswer> {
  const score: ScoreRecord | undefined = (await context.scores.get(tenantId, [leadId])).get(leadId);
  if (score === undefined) throw notScored(leadId);
  const [lead, history, current, version, counts] = await Promise.all([
    context.deps.store.leads.get(tenantId, leadId),
    context.scores.history(tenantId, leadId),
    context.settings.current(tenantId),
    score.source === 'rules' ? Promise.resolve(undefined) : context.models.get(tenantId, score.modelVersion),
    context.models.trainingCounts(tenantId),
  ]);
  const segment = current.settings.segments.find((candidate) => candidate.id === score.segment);
  const trainedAt = version?.meta.createdAt ?? null;
  const nowMs = context.deps.now();
  return {
    leadId,
    crmId: lead?.crmId ?? null,
    score: score.score,
    tier: score.tier,
    probability: score.probability,
    segment: {
      id: score.segment,
      name: segment?.name ?? null,
      hotThreshold: segment?.hotThreshold ?? null,
      warmThreshold: segment?.warmThreshold ?? null,
    },
    baseline: score.baseline,
    // The stored factors are the scorer's topFactors of explainScore: shown as stored, never re-derived.
    factors: score.factors.map((factor) => ({ ...factor, text: factorText(factor.points, factor.label) })),
    other: { points: score.otherPoints, text: factorText(score.otherPoints, OTHER_LABEL) },
    recommendation: score.recommendation,
    history,
    model: {
      version: score.modelVersion,
      source: score.source,
      trainedAt,
      ageDays: trainedAt === null ? null : Math.max(0, Math.floor((nowMs - Date.parse(trainedAt)) / DAY_MS)),
    },
    dataSufficiency:
      counts === undefined
        ? null
        : {
            ...coldStartState({
              labelledLeads: counts.labelledLeads,
              convertingLeads: counts.convertingLeads,
            }),
            countedAt: counts.at,
          },
    holdout: inHoldout(tenantId, leadId, segment?.holdoutShare ?? 0),
    scoredAt: score.scoredAt,
  };
}

export function recordRoutes(context: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/records/{leadId}',
      summary: 'Read the score of a lead',
      description:
        "Score, tier, factors, recommendation, history and model of one lead of the caller's tenant.",
      access: 'any',
      params: z.strictObject({ leadId: recordIdParam('lead id') }),
      response: recordAnswerSchema,
      responseDescription: "The lead's score and everything the panel shows with it",
      errors: [{ status: 404, description: 'No scored lead with this id in the tenant' }],
      handle: ({ params, caller }) => recordAnswer(context, caller.tenantId, params.leadId),
    }),
    defineRoute({
      method: 'get',
      path: '/records',
      summary: 'Read the score of a lead by its CRM record id',
      description:
        'For panels that know the CRM id (a HubSpot contact id): mapped to the lead id the way the sync names leads.',
      access: 'any',
      query: z.object({ crmId: recordIdParam('CRM record id') }),
      response: recordAnswerSchema,
      responseDescription: "The lead's score and everything the panel shows with it",
      errors: [{ status: 404, description: 'No scored lead with this CRM id in the tenant' }],
      handle: ({ query, caller }) =>
        recordAnswer(context, caller.tenantId, leadIdOfCrmId(caller.tenantId, query.crmId)),
    }),
  ];
}

export function recordRouter(context: ApiContext, routes = recordRoutes(context)): Router {
  return mountRoutes(Router(), routes);
}
