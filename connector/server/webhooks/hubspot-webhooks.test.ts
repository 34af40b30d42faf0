import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantKeys } from '../../../shared/store/keys.ts';
import { testRedisUrl } from '../../../test/support/redis.ts';
import { hubspotEventSchema, kindsOf } from './hubspot-events.ts';
import { hubspotWebhooksRouter } from './hubspot-webhooks.ts';
import { hubspotEvent, postHubspot, RecordingQueue, serve, webhookDeps } from './webhook-test-support.ts';

const secret = 'hubspot-webhooks-test-secret';
const portalA = 9_300_000 + Math.floor(Math.random() * 600_000);
const portalB = portalA + 1;
const unknownPortal = portalA + 2;
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(testRedisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await new Promise((resolve) => redis.once('ready', resolve));
  for (const portal of [portalA, portalB])
    await redis.hset(tenantKeys(`hs:${portal}`).tenant, 'provider', 'hubspot');
});

afterAll(async () => {
  for (const portal of [portalA, portalB, unknownPortal]) {
    const keys = await redis.keys(tenantKeys(`hs:${portal}`).pattern);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
});

async function withRouter(
  erasePerson: (tenantId: string, leadId: string) => Promise<void>,
  run: (url: string, queue: RecordingQueue) => Promise<void>,
) {
  const queue = new RecordingQueue();
  const server = await serve(
    hubspotWebhooksRouter(webhookDeps(redis, queue, secret, 'http://x'), { erasePerson }),
  );
  try {
    await run(server.url, queue);
  } finally {
    await server.close();
  }
}

describe('what a HubSpot event can bring', () => {
  const of = (subscriptionType: string, propertyName?: string) =>
    kindsOf(
      hubspotEventSchema.parse(
        hubspotEvent({
          eventId: 1,
          portalId: 1,
          objectId: 1,
          subscriptionType,
          ...(propertyName ? { propertyName } : {}),
        }),
      ),
    );
  it('any kind for a new contact, none for a lead field, the matching kinds for a behaviour property', () => {
    expect(of('contact.creation')).toBeUndefined();
    expect(of('contact.propertyChange', 'lifecyclestage')).toEqual([]);
    expect(of('contact.propertyChange', 'jobtitle')).toEqual([]);
    expect(of('contact.propertyChange', 'hs_email_last_open_date')).toEqual(['email']);
    expect(of('contact.propertyChange', 'hs_last_sales_activity_timestamp')).toEqual([
      'meeting',
      'call',
      'task',
      'email',
    ]);
    expect(of('contact.propertyChange', 'hs_analytics_num_page_views')).toEqual(['web']);
    expect(of('contact.propertyChange', 'recent_conversion_date')).toEqual(['web']);
  });
});

describe('the HubSpot webhook', () => {
  it('splits a delivery by portal: one job per tenant, unknown portals and unsubscribed types skipped, bad events counted', async () => {
    await withRouter(
      async () => {},
      async (url, queue) => {
        const body = JSON.stringify([
          hubspotEvent({ eventId: 1, portalId: portalA, objectId: 11, subscriptionType: 'contact.creation' }),
          hubspotEvent({ eventId: 2, portalId: portalA, objectId: 12 }),
          hubspotEvent({ eventId: 3, portalId: portalB, objectId: 21 }),
          hubspotEvent({ eventId: 4, portalId: unknownPortal, objectId: 31 }),
          hubspotEvent({ eventId: 5, portalId: portalA, objectId: 13, subscriptionType: 'deal.creation' }),
          { eventId: 'not a number', portalId: portalA },
        ]);
        const answer = await postHubspot(url, body, { secret, publicUrl: 'http://x' });
        expect(answer.status).toBe(200);
        expect(await answer.json()).toEqual({
          provider: 'hubspot',
          received: 6,
          accepted: 3,
          duplicates: 0,
          rejected: 1,
          ignored: 1,
          unknownTenant: 1,
          erased: 0,
        });
        expect(
          [...queue.jobs.values()].map((job) => (job.payload as { tenantId: string }).tenantId).sort(),
        ).toEqual([`hs:${portalA}`, `hs:${portalB}`].sort());
        expect(await redis.zrange(tenantKeys(`hs:${portalA}`).rescorePending, '0', '-1')).toEqual([
          '11',
          '12',
        ]);
      },
    );
  });

  it('erases the person of a deletion or privacy deletion once, and asks for no rescore of them', async () => {
    const erased: string[] = [];
    await withRouter(
      async (tenantId, leadId) => {
        erased.push(`${tenantId}|${leadId}`);
      },
      async (url) => {
        const body = JSON.stringify([
          hubspotEvent({
            eventId: 41,
            portalId: portalB,
            objectId: 77,
            subscriptionType: 'contact.privacyDeletion',
          }),
          hubspotEvent({
            eventId: 42,
            portalId: portalB,
            objectId: 78,
            subscriptionType: 'contact.deletion',
          }),
        ]);
        const answer = await postHubspot(url, body, { secret, publicUrl: 'http://x' });
        expect(await answer.json()).toMatchObject({ erased: 2, accepted: 0 });
        expect(erased).toEqual([
          `hs:${portalB}|hs:${portalB}:contact:77`,
          `hs:${portalB}|hs:${portalB}:contact:78`,
        ]);
        const pendingIds = await redis.zrange(tenantKeys(`hs:${portalB}`).rescorePending, '0', '-1');
        expect(pendingIds).not.toContain('77');
      },
    );
  });

  it('answers 503 when the erasure fails, so HubSpot retries it, and records nothing', async () => {
    await withRouter(
      async () => {
        throw new Error('store unreachable');
      },
      async (url) => {
        const body = JSON.stringify([
          hubspotEvent({
            eventId: 51,
            portalId: portalA,
            objectId: 88,
            subscriptionType: 'contact.privacyDeletion',
          }),
        ]);
        const answer = await postHubspot(url, body, { secret, publicUrl: 'http://x' });
        expect(answer.status).toBe(503);
        expect(await redis.exists(tenantKeys(`hs:${portalA}`).webhookEvent('51'))).toBe(0);
      },
    );
  });

  it('a body that is JSON but not an array of events: 400 naming what is expected', async () => {
    await withRouter(
      async () => {},
      async (url) => {
        const answer = await postHubspot(url, '{"eventId":1}', { secret, publicUrl: 'http://x' });
        expect(answer.status).toBe(400);
        expect(await answer.json()).toEqual({
          error: 'bad_request',
          message: 'the body must be a JSON array of events',
        });
      },
    );
  });
});
