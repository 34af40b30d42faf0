import type { Redis } from 'ioredis';
import type { RunningSandbox } from '../../connector/sandbox/start-sandbox.ts';
import type { CrmConnector } from '../../shared/crm-connector.ts';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { tenantKeys } from '../../shared/store/keys.ts';
import type { Store } from '../../shared/store/store.ts';
import { SyncHygieneRepository } from '../../shared/store/sync-hygiene.repository.ts';
import { rescoreJob } from '../jobs/rescore.job.ts';
import { scoreJob } from '../jobs/score.job.ts';
import { createWorkerServices } from '../pipeline/worker-services.ts';
import { InlineJobQueue } from '../queues/inline-job-queue.ts';
import type { JobHandlers } from '../queues/job-queue.ts';
import { SyncService } from '../sync/sync-service.ts';

const logger = createLogger({ level: 'silent' });

/**
 * A tenant as installed: synced from the CRM into the store, scored once (the routing baseline),
 * with the rescore path wired on an inline queue (or the given producer) and its metrics hook recorded.
 */
export async function installedTenant(input: {
  redis: Redis;
  store: Store;
  tenantId: TenantId;
  connector: CrmConnector;
}) {
  const { redis, store, tenantId, connector } = input;
  const hygiene = new SyncHygieneRepository(redis);
  await store.purgeTenant(tenantId);
  await redis.hset(tenantKeys(tenantId).tenant, 'provider', connector.provider);
  const connectorFor = async () => connector;
  await new SyncService({ store, hygiene, connectorFor, logger }).syncTenant(tenantId, 'full');
  const written: { count: number; seconds: number[] }[] = [];
  // The queue runs the handlers built from it: filled in below.
  const handlers: JobHandlers = {};
  const queue = new InlineJobQueue({ handlers, startAt: Date.now() });
  const services = createWorkerServices({
    redis,
    store,
    connectorFor,
    logger,
    rescore: {
      queues: queue,
      hygiene,
      onWritten: (_tenant, count, seconds) => written.push({ count, seconds }),
    },
  });
  const rescore = services.rescore;
  if (rescore === undefined) throw new Error('the rescore service was not built');
  handlers.score = scoreJob(services.scoring);
  handlers.rescore = rescoreJob(rescore);
  await queue.enqueue('score', { tenantId, leadIds: [] });
  await queue.runUntilIdle();
  return { queue, written, handlers };
}

/** Meetings on a sandbox HubSpot contact, a minute ago: enough to move its score. */
export function addHubspotMeetings(
  sandbox: RunningSandbox,
  contactId: string,
  leadId: string,
  titles: string[],
): string[] {
  const ids: string[] = [];
  for (const title of titles) {
    const at = new Date(Date.now() - 60_000).toISOString();
    const id = sandbox.hubspot.store.newId();
    ids.push(`${leadId}:meetings:${id}`);
    sandbox.hubspot.store.put('meetings', {
      id,
      properties: {
        hs_timestamp: at,
        hs_meeting_start_time: at,
        hs_meeting_title: title,
        hs_meeting_outcome: 'COMPLETED',
      },
      createdAt: at,
      updatedAt: at,
      archived: false,
    });
    sandbox.hubspot.store.associate(contactId, 'meetings', id);
  }
  return ids;
}

/** An open contact of the sandbox portal. */
export function openContact(sandbox: RunningSandbox) {
  const contact = [...sandbox.hubspot.store.typeMap('contacts').values()].find(
    (item) => !item.archived && (item.properties.lifecyclestage ?? 'lead') === 'lead',
  );
  if (contact === undefined) throw new Error('the seed has no open contact');
  return contact;
}

/** The connector with its score writes counted per CRM id (routing's nurture flags and tasks are not score writes). */
export function countingScoreWrites(inner: CrmConnector): {
  connector: CrmConnector;
  scoreWrites: Map<string, number>;
} {
  const scoreWrites = new Map<string, number>();
  const connector: CrmConnector = {
    provider: inner.provider,
    syncLeads: (options) => inner.syncLeads(options),
    syncActivities: (options) => inner.syncActivities(options),
    syncOutcomes: (options) => inner.syncOutcomes(options),
    fetchLeads: (crmIds) => inner.fetchLeads(crmIds),
    activitiesForLeads: (crmIds, since, options) => inner.activitiesForLeads(crmIds, since, options),
    ensureFields: () => inner.ensureFields(),
    writeScores: async (batch) => {
      const results = await inner.writeScores(batch);
      for (const result of results)
        if (result.ok) scoreWrites.set(result.crmId, (scoreWrites.get(result.crmId) ?? 0) + 1);
      return results;
    },
    createTask: (task) => inner.createTask(task),
    createTasks: (tasks) => inner.createTasks(tasks),
    findTasks: (lookups) => inner.findTasks(lookups),
    setNurtureFlags: (batch) => inner.setNurtureFlags(batch),
    describe: () => inner.describe(),
  };
  return { connector, scoreWrites };
}
