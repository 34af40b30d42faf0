import express from 'express';
import type { ActivityKind } from '../../../shared/crm-connector.ts';
import type { TenantId } from '../../../shared/schemas/common.ts';
import { tenantKeys } from '../../../shared/store/keys.ts';
import {
  PendingRescores,
  type RescoreEvent,
  rescoreTiming,
} from '../../../worker/rescore/pending-rescores.ts';
import { leadIdFor } from '../../providers/hubspot/hubspot-mappers.ts';
import {
  HUBSPOT_SIGNATURE_HEADER,
  HUBSPOT_TIMESTAMP_HEADER,
  verifyHubspotSignatureV3,
} from '../auth/hubspot-signature.ts';
import { withDeadline } from '../deadline.ts';
import type { ServerDependencies } from '../server-dependencies.ts';
import { actionFor, type HubspotEvent, kindsOfDelivery, parseDelivery } from './hubspot-events.ts';
import { answer, unavailable, webhookErrorHandler } from './webhook-responses.ts';

export type WebhookDeps = Pick<
  ServerDependencies,
  'config' | 'redis' | 'queues' | 'logger' | 'publicUrl' | 'now'
>;

/** Counts of one delivery, for logs and metrics; never an id of a person. */
export interface WebhookFigures {
  provider: 'hubspot' | 'salesforce';
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  ignored: number;
  unknownTenant: number;
  erased: number;
}

export interface HubspotWebhookOptions {
  /**
   * Erases a person everywhere (store, history, job data, training snapshots): what
   * `contact.deletion` and `contact.privacyDeletion` ask for. Required: an erasure never goes unheard.
   */
  erasePerson: (tenantId: TenantId, leadId: string) => Promise<void>;
  /** Called once per answered delivery (metrics). */
  onDelivery?: (figures: WebhookFigures) => void;
  /** The budget for Redis and the queue: the webhook answers within a second, 503 when it runs out. */
  deadlineMs?: number;
}

/** The largest body a delivery may have (HubSpot sends at most 100 events). */
export const hubspotBodyLimit = '1mb';

export function optionalKinds(kinds: ActivityKind[] | undefined): { kinds?: ActivityKind[] } {
  return kinds === undefined ? {} : { kinds };
}

function tenantOf(event: HubspotEvent): TenantId {
  return `hs:${event.portalId}` as TenantId;
}

/**
 * `POST /webhooks/hubspot`: signature v3 over the raw body, then every event recorded once per
 * tenant (HubSpot delivers at least once) and one rescore job per coalescing window. Answers 200
 * within a second; 503 while Redis is unreachable, so HubSpot retries.
 */
export function hubspotWebhooksRouter(deps: WebhookDeps, options: HubspotWebhookOptions): express.Router {
  const router = express.Router();
  const pending = new PendingRescores(deps.redis);
  const deadlineMs = options.deadlineMs ?? 800;

  router.post(
    '/webhooks/hubspot',
    express.raw({ type: () => true, limit: hubspotBodyLimit }),
    async (request, response) => {
      const secret = deps.config.HUBSPOT_CLIENT_SECRET;
      if (secret === undefined) {
        answer(response, 503, {
          error: 'not_configured',
          message: 'HubSpot webhooks need HUBSPOT_CLIENT_SECRET in the server configuration',
        });
        return;
      }
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const check = verifyHubspotSignatureV3({
        secret,
        method: request.method,
        uri: deps.publicUrl + request.originalUrl,
        rawBody,
        signature: request.get(HUBSPOT_SIGNATURE_HEADER),
        timestamp: request.get(HUBSPOT_TIMESTAMP_HEADER),
        nowMs: deps.now(),
      });
      if (!check.ok) {
        answer(response, 401, { error: 'unauthorized', message: check.reason });
        return;
      }
      const delivery = parseDelivery(rawBody);
      if (!delivery.ok) {
        answer(response, 400, { error: 'bad_request', message: delivery.problem });
        return;
      }
      const figures: WebhookFigures = {
        provider: 'hubspot',
        received: delivery.events.length + delivery.rejected.length,
        accepted: 0,
        duplicates: 0,
        rejected: delivery.rejected.length,
        ignored: 0,
        unknownTenant: 0,
        erased: 0,
      };
      if (delivery.rejected.length > 0) {
        deps.logger.warn({ rejected: delivery.rejected.slice(0, 10) }, 'HubSpot webhook events skipped');
      }
      try {
        await withDeadline(takeEvents(delivery.events, figures), deadlineMs, 'redis');
      } catch (error) {
        deps.logger.warn(
          { reason: error instanceof Error ? error.message : String(error) },
          'HubSpot webhook refused: storage unreachable',
        );
        unavailable(response);
        return;
      }
      deps.logger.info(figures, 'HubSpot webhook delivery taken');
      options.onDelivery?.(figures);
      answer(response, 200, { ...figures });
    },
  );
  router.use(webhookErrorHandler(deps.logger, '/webhooks/hubspot'));
  return router;

  async function takeEvents(events: HubspotEvent[], figures: WebhookFigures): Promise<void> {
    // Per portal: the kinds each event can bring (ignored engagement creations narrow them).
    const byTenant = new Map<TenantId, { event: HubspotEvent; kinds: ActivityKind[] | undefined }[]>();
    const allByTenant = new Map<TenantId, HubspotEvent[]>();
    for (const event of events) {
      const tenantId = tenantOf(event);
      allByTenant.set(tenantId, [...(allByTenant.get(tenantId) ?? []), event]);
    }
    for (const [tenantId, portalEvents] of allByTenant) {
      const kinds = kindsOfDelivery(portalEvents);
      portalEvents.forEach((event, index) => {
        if (actionFor(event) === 'ignore') {
          figures.ignored += 1;
          return;
        }
        byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), { event, kinds: kinds[index] }]);
      });
    }
    await Promise.all(
      [...byTenant].map(async ([tenantId, taken]) => {
        const tenantEvents = taken.map((item) => item.event);
        const keys = tenantKeys(tenantId);
        // Erasure first: when it fails the event is not marked, and HubSpot's retry erases again.
        for (const event of tenantEvents) {
          if (actionFor(event) !== 'erase') continue;
          await options.erasePerson(tenantId, leadIdFor(tenantId, String(event.objectId)));
        }
        const marks: RescoreEvent[] = taken.map(({ event, kinds }) => ({
          dedupKey: keys.webhookEvent(String(event.eventId)),
          crmIds: actionFor(event) === 'rescore' ? [String(event.objectId)] : [],
          ...optionalKinds(kinds),
        }));
        const result = await pending.accept(
          deps.queues,
          tenantId,
          marks,
          deps.now(),
          rescoreTiming.eventTtlSeconds,
        );
        if (result.status === 'unknown-tenant') {
          figures.unknownTenant += tenantEvents.length;
          return;
        }
        result.fresh.forEach((fresh, index) => {
          if (!fresh) figures.duplicates += 1;
          else if (actionFor(tenantEvents[index] as HubspotEvent) === 'erase') figures.erased += 1;
          else figures.accepted += 1;
        });
      }),
    );
  }
}
