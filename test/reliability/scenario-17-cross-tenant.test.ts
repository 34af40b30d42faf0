import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dumpKeys,
  type RecordingJobQueue,
  type RunningApi,
  seedScoredTenant,
  startApi,
  uniqueHubspotTenantId,
} from '../../connector/server/api/api-test-support.ts';
import type { Caller } from '../../connector/server/auth/caller.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { defaultSettings, type Settings } from '../../shared/schemas/settings.ts';
import { ScoresRepository } from '../../shared/store/scores.repository.ts';
import { connectTestRedis, storeOn, uniqueTenantId } from '../store/store-test-support.ts';

/**
 * GET /models/{version}/evaluation takes a version id: tenant B's ids (`<B segment>-v1`) are ones tenant A
 * never has, so A's callers get 404.
 *
 * Scenario 17: tenant A's callers (a rep and an admin) call every API route with tenant B's ids —
 * B's lead ids and CRM ids, B's segment ids, B's tenant id smuggled into queries and bodies. Every
 * route that names a record answers 403 or 404; routes that name none answer for A alone (or refuse
 * the smuggled field); B's keys are byte for byte what they were.
 */
const redis = connectTestRedis();
const store = storeOn(redis);
const tenantA = uniqueTenantId() as TenantId;
const tenantB = uniqueHubspotTenantId();
const adminA: Caller = { tenantId: tenantA, userId: 'a-admin', role: 'admin', via: 'session' };
const repA: Caller = { tenantId: tenantA, userId: 'a-rep', role: 'rep', via: 'hubspot-fetch' };

function settingsOfB(): Settings {
  const settings = defaultSettings();
  const ids: Record<string, string> = { smb: 'b-small', enterprise: 'b-large', other: 'b-unknown' };
  return {
    ...settings,
    segments: settings.segments.map((segment) => ({ ...segment, id: ids[segment.id] ?? segment.id })),
  };
}

interface IdsOfB {
  leadId: string;
  crmId: string;
  email: string;
  segmentId: string;
}

interface CrossTenantCase {
  /** `<method> <OpenAPI path>`, as the document lists it. */
  route: string;
  request: (b: IdsOfB) => { path: string; body?: unknown };
  /** `record`: names one of B's records, so 403/404. `tenant`: names none, so it may only ever answer for A. */
  names: 'record' | 'tenant';
}

/** Every route of the API; the last test checks this list against the OpenAPI document. */
const cases: CrossTenantCase[] = [
  { route: 'get /records/{leadId}', names: 'record', request: (b) => ({ path: `/records/${b.leadId}` }) },
  { route: 'get /records', names: 'record', request: (b) => ({ path: `/records?crmId=${b.crmId}` }) },
  { route: 'get /settings', names: 'tenant', request: () => ({ path: `/settings?tenantId=${tenantB}` }) },
  {
    route: 'put /settings',
    names: 'tenant',
    request: () => ({
      path: '/settings',
      body: { expectedVersion: 1, settings: settingsOfB(), tenantId: tenantB },
    }),
  },
  {
    route: 'get /settings/audit',
    names: 'tenant',
    request: () => ({ path: `/settings/audit?tenantId=${tenantB}` }),
  },
  {
    route: 'post /settings/preview',
    names: 'record',
    request: (b) => ({
      path: '/settings/preview',
      body: { segments: [{ segmentId: b.segmentId, hotThreshold: 70, warmThreshold: 40 }] },
    }),
  },
  { route: 'get /models', names: 'tenant', request: () => ({ path: `/models?tenantId=${tenantB}` }) },
  {
    route: 'get /models/{version}/evaluation',
    names: 'record',
    request: (b) => ({ path: `/models/${b.segmentId}-v1/evaluation` }),
  },
  {
    route: 'get /models/{segment}/champions',
    names: 'record',
    request: (b) => ({ path: `/models/${b.segmentId}/champions` }),
  },
  {
    route: 'post /models/retrain',
    names: 'tenant',
    request: () => ({ path: '/models/retrain', body: { tenantId: tenantB } }),
  },
  {
    route: 'post /models/{segment}/rollback',
    names: 'record',
    request: (b) => ({ path: `/models/${b.segmentId}/rollback` }),
  },
  { route: 'get /sync', names: 'tenant', request: () => ({ path: `/sync?tenantId=${tenantB}` }) },
  {
    route: 'get /privacy/export',
    names: 'record',
    request: (b) => ({ path: `/privacy/export?leadId=${b.leadId}` }),
  },
  {
    route: 'delete /privacy/leads/{leadId}',
    names: 'record',
    request: (b) => ({ path: `/privacy/leads/${b.leadId}` }),
  },
];

let api: RunningApi;
let idsOfB: IdsOfB[];
let before: Map<string, string>;

beforeAll(async () => {
  await seedScoredTenant({ redis, store, tenantId: tenantA, leads: 3_000, seed: 41 });
  const seededB = await seedScoredTenant({
    redis,
    store,
    tenantId: tenantB,
    leads: 3_000,
    seed: 42,
    settings: settingsOfB(),
  });
  const scoresOfB = await new ScoresRepository(redis).get(
    tenantB,
    seededB.leads.map((lead) => lead.id),
  );
  idsOfB = seededB.leads
    .filter((lead) => scoresOfB.has(lead.id) && lead.email !== null)
    .slice(0, 3)
    .map((lead, index) => ({
      leadId: lead.id,
      crmId: lead.crmId,
      email: lead.email ?? '',
      segmentId: settingsOfB().segments[index]?.id ?? 'b-small',
    }));
  before = await dumpKeys(redis, await store.keysOf(tenantB));
  api = await startApi({ redis, store });
}, 240_000);

afterAll(async () => {
  await api?.close();
  await store.purgeTenant(tenantA);
  await store.purgeTenant(tenantB);
  await redis.quit();
});

describe("scenario 17: every route called with tenant A's credentials and tenant B's ids → 403/404 everywhere", () => {
  it('seeded B with scored leads and segments whose ids A does not have', async () => {
    expect(idsOfB).toHaveLength(3);
    for (const ids of idsOfB) {
      expect(await store.leads.get(tenantA, ids.leadId)).toBeUndefined();
      expect(await store.leads.get(tenantB, ids.leadId)).toBeDefined();
      expect(defaultSettings().segments.map((segment) => segment.id)).not.toContain(ids.segmentId);
    }
  });

  for (const testCase of cases) {
    it(`${testCase.route} answers for tenant A only`, async () => {
      for (const ids of idsOfB) {
        for (const caller of [repA, adminA]) {
          const [method = 'get'] = testCase.route.split(' ');
          const { path, body } = testCase.request(ids);
          const response = await api.call(caller, method.toUpperCase(), path, body);
          const text = await response.text();
          expect(response.status, `${testCase.route} as ${caller.role}`).not.toBe(500);
          if (testCase.names === 'record') expect([403, 404]).toContain(response.status);
          else expect([200, 400, 403]).toContain(response.status);
          // The ids the caller sent may be echoed in an error; nothing else of B may appear.
          for (const mentionOfB of [tenantB, ids.email]) {
            expect(text, `${testCase.route} as ${caller.role}`).not.toContain(mentionOfB);
          }
          if (testCase.names === 'record') expect(Object.keys(JSON.parse(text) as object)).toEqual(['error']);
        }
      }
    });
  }

  it('left every key of B exactly as it was, and queued nothing for B', async () => {
    const after = await dumpKeys(redis, await store.keysOf(tenantB));
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [key, value] of before) expect(after.get(key), key).toBe(value);
    const queued = (api.queues as RecordingJobQueue).jobs;
    expect(queued.length).toBeGreaterThan(0);
    for (const job of queued) expect((job.payload as { tenantId: string }).tenantId).toBe(tenantA);
  });

  it('covers every route of the OpenAPI document', async () => {
    const document = (await (await api.call(null, 'GET', '/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    );
    expect(documented.length).toBeGreaterThan(10);
    expect(cases.map((testCase) => testCase.route).sort()).toEqual(documented.sort());
  });
});
