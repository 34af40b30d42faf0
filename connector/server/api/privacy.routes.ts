import { Router } from 'express';
import { erasePerson } from '../../../shared/store/erase-person.ts';
import type { ApiContext } from './api-context.ts';
import { notFound } from './api-errors.ts';
import { type ApiRoute, defineRoute, mountRoutes } from './api-route.ts';
import { isoTime, recordIdParam } from './api-schemas.ts';
import { z } from './openapi-zod.ts';
import { recordAnswer, recordAnswerSchema } from './record.routes.ts';

const leadProfileSchema = z
  .looseObject({
    id: z.string(),
    crmId: z.string(),
    objectType: z.string(),
    email: z.string().nullable(),
  })
  .openapi('LeadProfile');

const exportAnswerSchema = z
  .strictObject({
    leadId: z.string(),
    exportedAt: isoTime,
    /** The stored profile fields of the person, as the sync stored them. */
    profile: leadProfileSchema.nullable(),
    /** Score, model version, factors with their text, history; null when the lead has no score. */
    score: recordAnswerSchema.nullable(),
    activities: z.array(
      z.strictObject({
        id: z.string(),
        type: z.string(),
        occurredAt: isoTime,
        detail: z.string().nullable(),
      }),
    ),
    outcomes: z.array(
      z.strictObject({ kind: z.string(), occurredAt: isoTime, amount: z.number().nullable() }),
    ),
  })
  .openapi('PersonalDataExport');

const erasureAnswerSchema = z
  .strictObject({
    leadId: z.string(),
    erased: z.literal(true),
    removedKeys: z.number().int(),
    removedEntries: z.number().int(),
    testWindowExamples: z.number().int(),
    removedJobs: z.number().int(),
    updatedJobs: z.number().int(),
  })
  .openapi('Erasure');

const leadQuery = z.object({ leadId: recordIdParam('lead id') });
const unknownLead = (leadId: string) =>
  notFound(`no lead ${leadId.slice(0, 64)} in this CRM account: nothing is kept about it`);

export function privacyRoutes(context: ApiContext): ApiRoute[] {
  const { deps } = context;
  return [
    defineRoute({
      method: 'get',
      path: '/privacy/export',
      summary: "Export a person's data",
      description:
        'GDPR Art. 15: the stored profile, score, model version, factors, history, activities and outcomes.',
      access: 'admin',
      query: leadQuery,
      response: exportAnswerSchema,
      responseDescription: 'Everything LeadScore keeps about the person',
      errors: [{ status: 404, description: 'No lead with this id in the tenant' }],
      handle: async ({ query, caller }) => {
        const tenantId = caller.tenantId;
        const [lead, scored] = await Promise.all([
          deps.store.leads.get(tenantId, query.leadId),
          context.scores.get(tenantId, [query.leadId]),
        ]);
        if (lead === undefined && !scored.has(query.leadId)) throw unknownLead(query.leadId);
        const [activities, outcomes] = await Promise.all([
          deps.store.activities.all(tenantId, query.leadId),
          deps.store.outcomes.ofLead(tenantId, query.leadId),
        ]);
        return {
          leadId: query.leadId,
          exportedAt: new Date(deps.now()).toISOString(),
          profile: lead ?? null,
          score: scored.has(query.leadId) ? await recordAnswer(context, tenantId, query.leadId) : null,
          activities: activities.map(({ id, type, occurredAt, detail }) => ({
            id,
            type,
            occurredAt,
            detail,
          })),
          outcomes: outcomes.map(({ kind, occurredAt, amount }) => ({ kind, occurredAt, amount })),
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/privacy/leads/{leadId}',
      summary: 'Erase a person',
      description:
        'GDPR Art. 17: the lead, its activities, outcomes, links, score and history, write-back and routing state, job data naming it and its examples in stored test windows.',
      access: 'admin',
      params: z.strictObject({ leadId: recordIdParam('lead id') }),
      response: erasureAnswerSchema,
      responseDescription: 'What was erased',
      errors: [{ status: 404, description: 'No lead with this id in the tenant' }],
      handle: async ({ params, caller }) => {
        const tenantId = caller.tenantId;
        const [lead, scored] = await Promise.all([
          deps.store.leads.get(tenantId, params.leadId),
          context.scores.get(tenantId, [params.leadId]),
        ]);
        if (lead === undefined && !scored.has(params.leadId)) throw unknownLead(params.leadId);
        const report = await erasePerson(
          {
            redis: deps.redis,
            store: deps.store,
            ...(deps.config.QUEUE_PREFIX === undefined ? {} : { queuePrefix: deps.config.QUEUE_PREFIX }),
          },
          tenantId,
          params.leadId,
        );
        deps.logger.info({ tenantId, removedKeys: report.removedKeys }, 'person erased on request');
        return {
          leadId: params.leadId,
          erased: true as const,
          removedKeys: report.removedKeys,
          removedEntries: report.removedEntries,
          testWindowExamples: report.testWindowExamples,
          removedJobs: report.removedJobs,
          updatedJobs: report.updatedJobs,
        };
      },
    }),
  ];
}

export function privacyRouter(context: ApiContext, routes = privacyRoutes(context)): Router {
  return mountRoutes(Router(), routes);
}
