import express from 'express';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { tenantKeys } from '../../../shared/store/keys.ts';
import { PendingRescores, rescoreTiming } from '../../../worker/rescore/pending-rescores.ts';
import { withDeadline } from '../deadline.ts';
import type { WebhookDeps, WebhookFigures } from './hubspot-webhooks.ts';
import {
  fieldChangesOfBatch,
  kindsOfBatch,
  parseChangeBatch,
  SALESFORCE_ORG_HEADER,
  SALESFORCE_SIGNATURE_HEADER,
  SALESFORCE_TIMESTAMP_HEADER,
  salesforceBodyLimit,
  timestampProblem,
  verifyChangeSignature,
} from './salesforce-changes.ts';
import { answer, unavailable, webhookErrorHandler } from './webhook-responses.ts';

export interface SalesforceWebhookOptions {
  /** The tenant's webhook secret (unsealed), or undefined when no such tenant is installed. */
  secretFor: (tenantId: TenantId) => Promise<string | undefined>;
  onDelivery?: (figures: WebhookFigures) => void;
  /** Budget for the secret lookup, Redis and the queue together. */
  deadlineMs?: number;
}

const orgIdPattern = /^00D[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/;

/**
 * `POST /webhooks/salesforce`: the managed package's (and the sandbox's) change batches, signed per
 * tenant (see the webhook contract). 202 once the batch's leads wait for a rescore; a batch id is
 * taken once per tenant for 24 h, so Salesforce's retries add nothing.
 */
export function salesforceWebhooksRouter(
  deps: WebhookDeps,
  options: SalesforceWebhookOptions,
): express.Router {
  const router = express.Router();
  const pending = new PendingRescores(deps.redis);
  const deadlineMs = options.deadlineMs ?? 800;

  router.post(
    '/webhooks/salesforce',
    express.raw({ type: () => true, limit: salesforceBodyLimit }),
    async (request, response) => {
      const started = deps.now();
      const orgId = request.get(SALESFORCE_ORG_HEADER);
      const timestamp = request.get(SALESFORCE_TIMESTAMP_HEADER);
      const signature = request.get(SALESFORCE_SIGNATURE_HEADER);
      if (!timestamp || !signature) {
        answer(response, 401, {
          error: 'unauthorized',
          message: `missing ${timestamp ? SALESFORCE_SIGNATURE_HEADER : SALESFORCE_TIMESTAMP_HEADER} header`,
        });
        return;
      }
      if (!orgId || !orgIdPattern.test(orgId)) {
        answer(response, 400, {
          error: 'bad_request',
          message: `${SALESFORCE_ORG_HEADER} must be the org's 15- or 18-character id (00D...)`,
        });
        return;
      }
      const stale = timestampProblem(timestamp, deps.now());
      if (stale !== null) {
        answer(response, 401, { error: 'unauthorized', message: stale });
        return;
      }
      const tenantId = `sf:${orgId}` as TenantId;
      let secret: string | undefined;
      try {
        secret = await withDeadline(options.secretFor(tenantId), deadlineMs, 'tenant lookup');
      } catch {
        unavailable(response);
        return;
      }
      if (secret === undefined) {
        answer(response, 404, {
          error: 'unknown_org',
          message: 'no LeadScore tenant is installed for this org',
        });
        return;
      }
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const check = verifyChangeSignature({ secret, timestamp, signature, rawBody });
      if (!check.ok) {
        answer(response, 401, { error: 'unauthorized', message: check.reason });
        return;
      }
      const parsed = parseChangeBatch(rawBody);
      if (!parsed.ok) {
        answer(response, 400, { error: 'bad_request', message: parsed.problem });
        return;
      }
      const { batch } = parsed;
      const crmIds = [...new Set(batch.changes.map((change) => change.leadId))];
      let fresh: boolean;
      try {
        const left = Math.max(50, deadlineMs - (deps.now() - started));
        const result = await withDeadline(
          pending.accept(
            deps.queues,
            tenantId,
            [
              {
                dedupKey: tenantKeys(tenantId).webhookBatch(batch.batchId),
                crmIds,
                kinds: kindsOfBatch(batch),
                fieldChanges: fieldChangesOfBatch(batch),
              },
            ],
            deps.now(),
            rescoreTiming.batchTtlSeconds,
          ),
          left,
          'redis',
        );
        if (result.status === 'unknown-tenant') {
          answer(response, 404, {
            error: 'unknown_org',
            message: 'no LeadScore tenant is installed for this org',
          });
          return;
        }
        fresh = result.fresh[0] === true;
      } catch (error) {
        deps.logger.warn(
          { reason: error instanceof Error ? error.message : String(error) },
          'Salesforce webhook refused: storage unreachable',
        );
        unavailable(response);
        return;
      }
      const figures: WebhookFigures = {
        provider: 'salesforce',
        received: batch.changes.length,
        accepted: fresh ? batch.changes.length : 0,
        duplicates: fresh ? 0 : batch.changes.length,
        rejected: 0,
        ignored: 0,
        unknownTenant: 0,
        erased: 0,
      };
      deps.logger.info({ tenantId, leads: crmIds.length, ...figures }, 'Salesforce change batch taken');
      options.onDelivery?.(figures);
      answer(response, 202, { accepted: figures.accepted, ...(fresh ? {} : { duplicate: true }) });
    },
  );
  router.use(webhookErrorHandler(deps.logger, '/webhooks/salesforce'));
  return router;
}
