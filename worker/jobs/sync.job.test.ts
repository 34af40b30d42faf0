import { describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import type { JobPayload } from '../queues/job-payloads.ts';
import type { QueueName } from '../queues/queue-names.ts';
import type { SyncService } from '../sync/sync-service.ts';
import { syncJob } from './sync.job.ts';

const tenantId = 'sf:00D000000000777AAA' as TenantId;
type Results = Awaited<ReturnType<SyncService['syncTenant']>>;

function run(results: Results, payload: JobPayload<'sync'>) {
  const enqueued: { queue: QueueName; payload: unknown }[] = [];
  const job = syncJob(
    { syncTenant: async () => results },
    {
      queue: {
        enqueue: async (queue, next) => {
          enqueued.push({ queue, payload: next });
          return `${queue}-${enqueued.length}`;
        },
      },
    },
  );
  return job(payload, {
    queue: 'sync',
    jobId: 'sync-1',
    attemptsMade: 0,
    logger: createLogger({ level: 'silent' }),
  }).then(() => enqueued);
}

const loaded = [{ family: 'leads', written: 40, deleted: 0 }] as unknown as Results;
const quiet = [{ family: 'leads', written: 0, deleted: 0 }] as unknown as Results;

describe('the sync job', () => {
  it("asks for a scoring pass and the tenant's first training after an install's full sync", async () => {
    const enqueued = await run(loaded, { tenantId, mode: 'full', reason: 'install' });
    expect(enqueued.map((job) => job.queue)).toEqual(['score', 'train']);
    expect(enqueued[1]?.payload).toEqual({ tenantId, reason: 'install' });
  });

  it('asks for no training after a scheduled sync, and no scoring when nothing changed', async () => {
    expect(
      (await run(loaded, { tenantId, mode: 'incremental', reason: 'schedule' })).map((job) => job.queue),
    ).toEqual(['score']);
    expect(await run(quiet, { tenantId, mode: 'incremental', reason: 'schedule' })).toEqual([]);
  });
});
