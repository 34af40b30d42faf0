import type { JobType } from 'bullmq';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { BullmqJobQueue } from './bullmq-job-queue.ts';
import { tenantSlug } from './job-ids.ts';
import { queueNames } from './queue-names.ts';

/** Every state a job can rest in; active jobs are locked by their worker and end on their own. */
const restingStates: JobType[] = [
  'waiting',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
];
const pageSize = 500;

export interface PurgedJobs {
  schedulers: number;
  jobs: number;
  /** Jobs of the tenant running right now: they finish (and find no tenant), nothing else runs. */
  active: number;
}

function tenantOf(data: unknown): unknown {
  return data !== null && typeof data === 'object' ? (data as { tenantId?: unknown }).tenantId : undefined;
}

/**
 * Uninstall and retention: removes the tenant's job schedulers (its ids end in the tenant's slug, or
 * its template names the tenant) and every resting job whose data names the tenant, in every queue.
 * Job data carries ids only, but the tenant's ids are still its data: none may stay behind.
 */
export async function purgeTenantJobs(queues: BullmqJobQueue, tenantId: TenantId): Promise<PurgedJobs> {
  const result: PurgedJobs = { schedulers: 0, jobs: 0, active: 0 };
  const slug = `.${tenantSlug(tenantId)}`;
  for (const name of queueNames) {
    const queue = queues.queue(name);
    for (const scheduler of await queue.getJobSchedulers(0, -1)) {
      if (scheduler.key.endsWith(slug) || tenantOf(scheduler.template?.data) === tenantId) {
        if (await queue.removeJobScheduler(scheduler.key)) result.schedulers += 1;
      }
    }
    for (const state of restingStates) {
      // Removing shifts the list under the pager: the next page starts after what stayed.
      for (let start = 0; ; ) {
        const jobs = await queue.getJobs([state], start, start + pageSize - 1, true);
        if (jobs.length === 0) break;
        let removedHere = 0;
        for (const job of jobs) {
          if (tenantOf(job.data) !== tenantId) continue;
          try {
            await job.remove();
            removedHere += 1;
          } catch {
            // Taken by a worker meanwhile (locked): counted with the active ones below.
          }
        }
        result.jobs += removedHere;
        start += jobs.length - removedHere;
      }
    }
    for (const job of await queue.getJobs(['active'])) {
      if (tenantOf(job.data) === tenantId) result.active += 1;
    }
  }
  return result;
}
