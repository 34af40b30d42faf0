import { Router } from 'express';
import { tenantKeys, tenantTag } from '../../../shared/store/keys.ts';
import type { ApiContext } from './api-context.ts';
import { type ApiRoute, defineRoute, mountRoutes } from './api-route.ts';
import { isoTime } from './api-schemas.ts';
import { z } from './openapi-zod.ts';

const syncAnswerSchema = z
  .strictObject({
    objects: z.array(
      z.strictObject({
        object: z.string(),
        cursorUpdatedAt: isoTime,
        /** Now minus the time the object's cursor last moved. */
        lagSeconds: z.number().int(),
      }),
    ),
    tenant: z.strictObject({ status: z.string(), reason: z.string().nullable() }).nullable(),
    lastError: z.strictObject({ kind: z.string(), message: z.string(), at: isoTime }).nullable(),
    counts: z.strictObject({
      leads: z.number().int(),
      /** Stored activities and outcomes of every lead. */
      activities: z.number().int(),
      outcomes: z.number().int(),
      scores: z.number().int(),
    }),
    hygiene: z.strictObject({
      families: z.record(
        z.string(),
        z.strictObject({
          pages: z.number(),
          written: z.number(),
          unchanged: z.number(),
          deleted: z.number(),
        }),
      ),
      rejectedCount: z.number().int(),
      linkedPeople: z.number().int(),
      firstLoad: z.record(
        z.string(),
        z.strictObject({ pages: z.number(), records: z.number(), done: z.boolean() }),
      ),
      apiUsage: z.strictObject({ used: z.number(), limit: z.number() }).nullable(),
      lastSuccessAt: isoTime.nullable(),
      rejected: z.array(
        z.strictObject({
          object: z.string(),
          crmId: z.string(),
          problems: z.array(z.strictObject({ field: z.string(), reason: z.string() })),
        }),
      ),
    }),
  })
  .openapi('SyncStatus');

/** Alerts that say a sync or job failed, as opposed to model notes. */
const ERROR_KINDS = /fail|revoked|error/;

/**
 * Activities and outcomes live in one key per lead; counting them walks the tenant's keys once and
 * asks each key's size in pipelined batches (an admin page, not a panel).
 */
async function memberCounts(
  context: ApiContext,
  tenantId: string,
): Promise<{ activities: number; outcomes: number }> {
  const tag = tenantTag(tenantId);
  const keys = await context.deps.store.keysOf(tenantId);
  const activityKeys = keys.filter((key) => key.startsWith(`${tag}act:`));
  const outcomeKeys = keys.filter((key) => key.startsWith(`${tag}outcome:`));
  const sum = async (list: string[], size: (key: string) => Promise<number>) => {
    let total = 0;
    for (let start = 0; start < list.length; start += 500) {
      const sizes = await Promise.all(list.slice(start, start + 500).map(size));
      total += sizes.reduce((accumulated, value) => accumulated + value, 0);
    }
    return total;
  };
  return {
    activities: await sum(activityKeys, (key) => context.deps.redis.zcard(key)),
    outcomes: await sum(outcomeKeys, (key) => context.deps.redis.hlen(key)),
  };
}

export function syncRoutes(context: ApiContext): ApiRoute[] {
  const { deps } = context;
  return [
    defineRoute({
      method: 'get',
      path: '/sync',
      summary: 'Read the sync status',
      access: 'any',
      response: syncAnswerSchema,
      responseDescription: 'Lag per object, the last error, record counts and the hygiene report',
      handle: async ({ caller }) => {
        const tenantId = caller.tenantId;
        const [cursors, tenant, alerts, leads, scores, members, summary, rejected] = await Promise.all([
          deps.store.cursors.all(tenantId),
          deps.store.tenants.get(tenantId),
          context.alerts.list(tenantId),
          deps.store.leads.count(tenantId),
          deps.redis.hlen(tenantKeys(tenantId).scores),
          memberCounts(context, tenantId),
          context.hygiene.summary(tenantId),
          context.hygiene.rejected(tenantId),
        ]);
        const nowMs = deps.now();
        const lastError = alerts.find((alert) => ERROR_KINDS.test(alert.kind));
        return {
          objects: cursors.map((cursor) => ({
            object: cursor.object,
            cursorUpdatedAt: cursor.updatedAt,
            lagSeconds: Math.max(0, Math.round((nowMs - Date.parse(cursor.updatedAt)) / 1000)),
          })),
          tenant: tenant === undefined ? null : { status: tenant.status, reason: tenant.statusReason },
          lastError:
            lastError === undefined
              ? null
              : { kind: lastError.kind, message: lastError.message, at: lastError.at },
          counts: { leads, activities: members.activities, outcomes: members.outcomes, scores },
          hygiene: { ...summary, rejected },
        };
      },
    }),
  ];
}

export function syncRouter(context: ApiContext, routes = syncRoutes(context)): Router {
  return mountRoutes(Router(), routes);
}
