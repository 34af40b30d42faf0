import { Router } from 'express';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { type Settings, scoreThresholdSchema, settingsSchema } from '../../../shared/schemas/settings.ts';
import { type SettingsProblem, validateSettings } from '../../../shared/scoring/validate-settings.ts';
import { settingsAuditEntrySchema } from '../../../shared/store/settings-audit.repository.ts';
import { POOLED_SEGMENT } from '../../../worker/modelling/train-tenant.ts';
import { type ApiContext, jsonBody } from './api-context.ts';
import { ApiError, type FieldProblem, notFound } from './api-errors.ts';
import { type ApiRoute, defineRoute, mountRoutes } from './api-route.ts';
import { isoTime, segmentIdSchema } from './api-schemas.ts';
import { z } from './openapi-zod.ts';
import { settingsDiff } from './settings-diff.ts';
import { outcomeAtThreshold, summarizeWindow } from './threshold-preview.ts';

const settingsAnswerSchema = z
  .strictObject({
    version: z.number().int().nonnegative(),
    savedAt: isoTime.nullable(),
    savedBy: z.string().nullable(),
    settings: settingsSchema.meta({ id: 'Settings' }),
  })
  .openapi('SettingsVersion');

const changeSchema = z
  .strictObject({
    path: z.string(),
    from: z.unknown().optional().openapi({ description: 'The old value; absent when the field was added' }),
    to: z.unknown().optional().openapi({ description: 'The new value; absent when the field was removed' }),
  })
  .openapi('SettingsChange');

const saveBodySchema = z
  .strictObject({
    /** The version the admin edited: a save over a newer version is refused with 409. */
    expectedVersion: z.number().int('must be a whole number').nonnegative('must be 0 or more'),
    settings: z
      .looseObject({})
      .openapi({ description: 'The whole settings object, as GET /settings answers it (see Settings)' }),
  })
  .openapi('SaveSettings');

const saveAnswerSchema = settingsAnswerSchema
  .extend({
    changes: z.array(changeSchema),
    /** A scoring pass of the tenant was asked for, so tiers follow new thresholds and segments. */
    rescoringQueued: z.boolean(),
  })
  .openapi('SavedSettings');

const auditAnswerSchema = z
  .strictObject({
    entries: z.array(
      settingsAuditEntrySchema
        .extend({ at: isoTime, changes: z.array(changeSchema) })
        .openapi('SettingsAuditEntry'),
    ),
  })
  .openapi('SettingsAudit');

const previewBodySchema = z
  .strictObject({
    segments: z
      .array(
        z
          .strictObject({
            segmentId: segmentIdSchema,
            hotThreshold: scoreThresholdSchema,
            warmThreshold: scoreThresholdSchema,
          })
          .refine((segment) => segment.warmThreshold <= segment.hotThreshold, {
            path: ['warmThreshold'],
            message: 'must not be above hotThreshold: lower it or raise hotThreshold',
          }),
      )
      .min(1, 'must list at least one segment')
      .max(50, 'must list at most 50 segments')
      .refine((segments) => new Set(segments.map((one) => one.segmentId)).size === segments.length, {
        message: 'must list each segmentId once',
      }),
  })
  .openapi('ThresholdPreviewRequest');

const thresholdOutcomeSchema = z
  .strictObject({
    threshold: z.number().int(),
    leadsPerWeek: z.number(),
    precision: z.number().nullable(),
    recall: z.number().nullable(),
    examplesAbove: z.number().int(),
  })
  .openapi('ThresholdOutcome');

const previewAnswerSchema = z
  .strictObject({
    segments: z.array(
      z
        .strictObject({
          segmentId: z.string(),
          /** The champion whose test window was read: the segment's own, or the pooled model serving it. */
          modelVersion: z.string().nullable(),
          servedBy: z.enum(['segment', 'pooled']).nullable(),
          window: z
            .strictObject({
              from: isoTime,
              to: isoTime,
              weeks: z.number(),
              examples: z.number().int(),
              leads: z.number().int(),
              positives: z.number().int(),
            })
            .nullable(),
          hot: thresholdOutcomeSchema.nullable(),
          warm: thresholdOutcomeSchema.nullable(),
          /** Why there is nothing to preview, when there is not. */
          note: z.string().nullable(),
        })
        .openapi('ThresholdPreviewSegment'),
    ),
  })
  .openapi('ThresholdPreview');

function fieldOf(problem: SettingsProblem): FieldProblem {
  const field =
    problem.segment === undefined
      ? `settings.${problem.field}`
      : `settings.segments[${problem.segment}].${problem.field}`;
  return { field, message: problem.message };
}

/** Thresholds and segment rules decide tiers: a change to either asks for a scoring pass. */
function changesTiers(before: Settings, after: Settings): boolean {
  const tierFields = (settings: Settings) =>
    JSON.stringify(settings.segments.map(({ onHot, onWarm, name, ...rest }) => rest));
  return tierFields(before) !== tierFields(after);
}

async function previewSegment(
  context: ApiContext,
  tenantId: TenantId,
  candidate: { segmentId: string; hotThreshold: number; warmThreshold: number },
) {
  const empty = { segmentId: candidate.segmentId, window: null, hot: null, warm: null };
  const own = await context.models.champion(tenantId, candidate.segmentId);
  const versionId = own ?? (await context.models.champion(tenantId, POOLED_SEGMENT));
  if (versionId === undefined) {
    return {
      ...empty,
      modelVersion: null,
      servedBy: null,
      note: 'no model yet: the segment is scored by the rules',
    };
  }
  const servedBy = own === undefined ? ('pooled' as const) : ('segment' as const);
  const stored = await context.models.testWindow(tenantId, versionId);
  // The pooled model's window holds every segment it serves: only this segment's examples count.
  const examples = (stored ?? []).filter((example) => example.segment === candidate.segmentId);
  const window = summarizeWindow(examples);
  if (window === undefined) {
    return {
      ...empty,
      modelVersion: versionId,
      servedBy,
      note:
        stored === undefined
          ? `model ${versionId} was trained before test windows were kept: retrain to preview`
          : `the test window of ${versionId} holds no example of this segment`,
    };
  }
  return {
    segmentId: candidate.segmentId,
    modelVersion: versionId,
    servedBy,
    window: {
      from: new Date(window.fromMs).toISOString(),
      to: new Date(window.toMs).toISOString(),
      weeks: window.weeks,
      examples: window.examples,
      leads: window.leads,
      positives: window.positives,
    },
    hot: outcomeAtThreshold(examples, candidate.hotThreshold, window.weeks),
    warm: outcomeAtThreshold(examples, candidate.warmThreshold, window.weeks),
    note: null,
  };
}

export function settingsRoutes(context: ApiContext): ApiRoute[] {
  const { deps } = context;
  return [
    defineRoute({
      method: 'get',
      path: '/settings',
      summary: 'Read the scoring settings',
      access: 'any',
      response: settingsAnswerSchema,
      responseDescription: 'The settings in force and their version',
      handle: ({ caller }) => context.settings.current(caller.tenantId),
    }),
    defineRoute({
      method: 'put',
      path: '/settings',
      summary: 'Change the scoring settings',
      description:
        'Validated as a whole; saved only over the version the admin edited; audited; a change of thresholds or segments rescores the tenant.',
      access: 'admin',
      body: saveBodySchema,
      response: saveAnswerSchema,
      responseDescription: 'The saved version and what changed',
      errors: [
        { status: 409, description: 'The settings changed since expectedVersion: reload and edit again' },
      ],
      handle: async ({ body, caller }) => {
        const tenantId = caller.tenantId;
        const checked = validateSettings(body.settings);
        if (!checked.ok) {
          const problems = checked.problems.map(fieldOf);
          throw new ApiError(
            'invalid_request',
            `the settings are not valid: ${problems.map((problem) => problem.message).join('; ')}`,
            problems,
          );
        }
        const previous = await context.settings.current(tenantId);
        const conflict = (currentVersion: number) =>
          new ApiError(
            'conflict',
            `the settings changed since version ${body.expectedVersion} (now version ${currentVersion}): reload them and apply your change again`,
          );
        if (previous.version !== body.expectedVersion) throw conflict(previous.version);
        const savedAt = new Date(deps.now()).toISOString();
        const saved = await context.settings.save(tenantId, checked.settings, {
          expectedVersion: body.expectedVersion,
          savedBy: caller.userId,
          savedAt,
        });
        if (!saved.ok) {
          if (saved.reason === 'conflict') throw conflict(saved.currentVersion);
          throw new ApiError('invalid_request', 'the settings are not valid', saved.problems.map(fieldOf));
        }
        const changes = settingsDiff(previous.settings, saved.settings);
        await context.audit.record(tenantId, {
          version: saved.version,
          previousVersion: previous.version,
          userId: caller.userId,
          at: savedAt,
          changes,
        });
        const rescoringQueued = changesTiers(previous.settings, saved.settings);
        if (rescoringQueued) {
          // One pass per settings version: its job id follows from the version.
          await deps.queues.enqueue('score', { tenantId, leadIds: [], after: `settings-v${saved.version}` });
        }
        return {
          version: saved.version,
          savedAt,
          savedBy: caller.userId,
          settings: saved.settings,
          changes,
          rescoringQueued,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/settings/audit',
      summary: 'Read who changed the settings',
      access: 'any',
      response: auditAnswerSchema,
      responseDescription: 'Settings changes, newest first: who, when, each field old → new',
      handle: async ({ caller }) => ({ entries: await context.audit.list(caller.tenantId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/settings/preview',
      summary: 'Preview candidate thresholds',
      description:
        "For each segment's candidate hot and warm thresholds: distinct leads per week at or above each, precision and recall, on the test window of the model serving the segment.",
      access: 'any',
      body: previewBodySchema,
      response: previewAnswerSchema,
      responseDescription: 'Per segment, what each threshold would have done on the test window',
      errors: [{ status: 404, description: 'A segment id is not in the tenant settings' }],
      handle: async ({ body, caller }) => {
        const current = await context.settings.current(caller.tenantId);
        const known = new Set(current.settings.segments.map((segment) => segment.id));
        const unknown = body.segments.filter((segment) => !known.has(segment.segmentId));
        if (unknown.length > 0) {
          throw notFound(
            `segment ${unknown.map((segment) => `"${segment.segmentId}"`).join(', ')} is not in this tenant's settings: use the ids GET /settings lists`,
          );
        }
        const segments = [];
        for (const candidate of body.segments)
          segments.push(await previewSegment(context, caller.tenantId, candidate));
        return { segments };
      },
    }),
  ];
}

export function settingsRouter(context: ApiContext, routes = settingsRoutes(context)): Router {
  const router = Router();
  router.use(jsonBody());
  return mountRoutes(router, routes);
}
