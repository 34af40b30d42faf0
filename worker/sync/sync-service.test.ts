import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { CrmConnector, SyncOptions, SyncPage } from '../../shared/crm-connector.ts';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import { createStore } from '../../shared/store/store.ts';
import { SyncHygieneRepository } from '../../shared/store/sync-hygiene.repository.ts';
import { testRedisUrl } from '../../test/support/redis.ts';
import { syncJob } from '../jobs/sync.job.ts';
import { SyncService } from './sync-service.ts';

const tenantId: TenantId = 'sf:00D5g000004SyNcEAK';
const redis = new Redis(testRedisUrl);
const store = createStore(redis);
const hygiene = new SyncHygieneRepository(redis);
const logger = createLogger({ level: 'silent' });

function lead(id: string, email: string | null, objectType: 'Lead' | 'Contact' = 'Lead'): Lead {
  return {
    id,
    tenantId,
    crmId: id,
    objectType,
    email,
    company: 'Acme',
    domain: 'acme.com',
    title: null,
    industry: null,
    employees: 12,
    annualRevenue: null,
    country: null,
    leadSource: null,
    status: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
    consentToTracking: true,
    accountKey: 'acme.com',
  } as Lead;
}

/** A CRM whose lead pages are fixed; the cursor is the index of the next page. */
function fakeConnector(pages: SyncPage<Lead>[], seen: (string | null)[]): CrmConnector {
  async function* leads(options: SyncOptions) {
    seen.push(options.cursor);
    for (let index = Number(options.cursor ?? 0); index < pages.length; index += 1) yield pages[index]!;
  }
  async function* none() {}
  return {
    provider: 'salesforce',
    syncLeads: leads,
    syncActivities: none,
    activitiesForLeads: async () => ({ records: [], rejected: [] }),
    syncOutcomes: none,
    fetchLeads: async () => ({ records: [], rejected: [] }),
    ensureFields: async () => ({ created: [], alreadyPresent: [] }),
    writeScores: async () => [],
    createTask: async () => ({ crmId: 'x' }),
    createTasks: async () => [],
    findTasks: async () => new Map(),
    setNurtureFlags: async () => [],
    describe: async () => ({ provider: 'salesforce', objects: [], apiUsage: { used: 120, limit: 15_000 } }),
  };
}

const page = (records: Lead[], nextCursor: string, extra: Partial<SyncPage<Lead>> = {}): SyncPage<Lead> => ({
  records,
  rejected: [],
  deletedCrmIds: [],
  nextCursor,
  ...extra,
});

beforeEach(async () => {
  await store.purgeTenant(tenantId);
});
afterAll(async () => {
  await store.purgeTenant(tenantId);
  await redis.quit();
});

describe('sync service', () => {
  it('links one person across pages and casings, keeps rejected records and counts, applies deletions', async () => {
    const pages = [
      page([lead('00Q000000000001', 'ana@acme.com'), lead('00Q000000000002', 'bo@acme.com')], '1', {
        rejected: [
          {
            object: 'Lead',
            crmId: '00Q000000000009',
            problems: [{ field: 'email', reason: 'not an email' }],
          },
        ],
      }),
      page([lead('003000000000001', 'ANA@Acme.com', 'Contact')], '2', { deletedCrmIds: ['00Q000000000002'] }),
    ];
    const seen: (string | null)[] = [];
    const service = new SyncService({
      store,
      hygiene,
      logger,
      connectorFor: async () => fakeConnector(pages, seen),
    });
    const [leads] = await service.syncTenant(tenantId, 'incremental');
    expect(leads).toMatchObject({ family: 'leads', pages: 2, written: 3, rejected: 1, deleted: 1 });
    expect(await store.identity.linkedTo(tenantId, '00Q000000000001')).toEqual(['003000000000001']);
    expect(await store.leads.get(tenantId, '00Q000000000002')).toBeUndefined();
    expect((await store.cursors.get(tenantId, 'leads'))?.cursor).toBe('2');

    const summary = await hygiene.summary(tenantId);
    expect(summary).toMatchObject({
      rejectedCount: 1,
      linkedPeople: 1,
      apiUsage: { used: 120, limit: 15_000 },
      firstLoad: { leads: { pages: 2, records: 3, done: true } },
      families: { leads: { pages: 2, written: 3, unchanged: 0, deleted: 1 } },
    });
    expect(summary.lastSuccessAt).not.toBeNull();
    expect(await hygiene.rejected(tenantId)).toEqual([
      { object: 'Lead', crmId: '00Q000000000009', problems: [{ field: 'email', reason: 'not an email' }] },
    ]);

    // The next incremental sync resumes at the saved cursor and writes nothing again.
    await service.syncTenant(tenantId, 'incremental');
    expect(seen).toEqual([null, '2']);
  });

  it('a full reconcile reads from the start under its own cursor, then moves the incremental one', async () => {
    const pages = [page([lead('00Q000000000001', 'ana@acme.com')], '1'), page([], '2')];
    const seen: (string | null)[] = [];
    const service = new SyncService({
      store,
      hygiene,
      logger,
      connectorFor: async () => fakeConnector(pages, seen),
    });
    await store.cursors.save(tenantId, { object: 'leads', cursor: '1', updatedAt: new Date().toISOString() });
    const handler = syncJob(service);
    await handler(
      { tenantId, mode: 'full', reason: 'schedule' },
      { queue: 'sync', jobId: 'j', attemptsMade: 0, logger },
    );
    expect(seen).toEqual([null]);
    expect((await store.cursors.get(tenantId, 'leads'))?.cursor).toBe('2');
    expect(await store.cursors.get(tenantId, 'leads-reconcile')).toBeUndefined();
    expect((await hygiene.summary(tenantId)).families.leads).toMatchObject({ pages: 2, written: 1 });
  });
});
