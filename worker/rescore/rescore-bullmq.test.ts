import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { connectSalesforceToSandbox } from '../../connector/sandbox/connect-to-sandbox.ts';
import { startSandbox } from '../../connector/sandbox/start-sandbox.ts';
import { salesforceWebhooksRouter } from '../../connector/server/webhooks/salesforce-webhooks.ts';
import { postSalesforce, serve, webhookDeps } from '../../connector/server/webhooks/webhook-test-support.ts';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { createFailFastRedis } from '../../shared/store/redis-connection.ts';
import { ScoresRepository } from '../../shared/store/scores.repository.ts';
import { createStore } from '../../shared/store/store.ts';
import { SyncHygieneRepository } from '../../shared/store/sync-hygiene.repository.ts';
import { testRedisUrl } from '../../test/support/redis.ts';
import { rescoreJob } from '../jobs/rescore.job.ts';
import { createWorkerServices } from '../pipeline/worker-services.ts';
import { BullmqJobQueue } from '../queues/bullmq-job-queue.ts';
import { createQueueWorker } from '../queues/bullmq-worker.ts';
import { RedisTenantControl } from '../queues/tenant-control.ts';
import { installedTenant } from './rescore-test-support.ts';

const suffix = String(Math.floor(Math.random() * 900_000) + 100_000);
const tenantId = `sf:00D000001${suffix}AAA` as TenantId;
const prefix = `{lsq-rescore-${suffix}}`;
const secret = 'rescore-bullmq-secret';
const connection = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
const failFast = createFailFastRedis(testRedisUrl);
const store = createStore(connection);
const logger = createLogger({ level: 'silent' });

afterAll(async () => {
  await store.purgeTenant(tenantId);
  connection.disconnect();
  failFast.disconnect();
});

describe('real-time rescoring on BullMQ', () => {
  it('a signed change POST becomes a delayed rescore job that a queue worker runs: the new score reaches the CRM', async () => {
    const sandbox = await startSandbox({
      seed: { salesforce: generateDataset({ leads: 20, seed: 14, tenantId }) },
      salesforce: { orgId: tenantId.slice(3) },
    });
    const queues = new BullmqJobQueue({ connection, prefix });
    try {
      const { connector } = await connectSalesforceToSandbox(sandbox, { tenantId, logger });
      await connector.ensureFields();
      await installedTenant({ redis: connection, store, tenantId, connector });
      const lead = [...sandbox.salesforce.store.table('Lead').values()].find((record) => !record.IsConverted);
      if (lead === undefined) throw new Error('the seed has no open lead');
      const before = (await new ScoresRepository(connection).get(tenantId, [lead.Id])).get(lead.Id)?.score;
      for (const subject of ['Demo', 'Call', 'Call', 'Call']) {
        const at = new Date(Date.now() - 60_000).toISOString();
        sandbox.salesforce.store.put('Task', {
          Id: sandbox.salesforce.store.newId('Task'),
          WhoId: lead.Id,
          Subject: subject,
          Status: 'Completed',
          TaskSubtype: subject === 'Call' ? 'Call' : 'Task',
          ActivityDate: at.slice(0, 10),
          CreatedDate: at,
          SystemModstamp: at,
          LastModifiedDate: at,
        });
      }
      const services = createWorkerServices({
        redis: connection,
        store,
        connectorFor: async () => connector,
        logger,
        rescore: { queues, hygiene: new SyncHygieneRepository(connection) },
      });
      if (services.rescore === undefined) throw new Error('no rescore service');
      const worker = createQueueWorker('rescore', rescoreJob(services.rescore), {
        connection,
        prefix,
        tenants: new RedisTenantControl(connection),
        logger,
      });
      const done = new Promise<string>((resolve) => {
        worker.on('completed', (job) => resolve(job.id ?? ''));
        worker.on('failed', (_job, error) => resolve(`failed: ${error.message}`));
      });
      const server = await serve(
        salesforceWebhooksRouter(webhookDeps(failFast, queues, secret, 'http://unused'), {
          secretFor: async (asked) => (asked === tenantId ? secret : undefined),
        }),
      );
      try {
        const body = JSON.stringify({
          batchId: `bullmq-${suffix}-00000001`,
          changes: [{ sobject: 'Task', recordId: '00T000000000009AAA', leadId: lead.Id, change: 'insert' }],
        });
        const answer = await postSalesforce(server.url, body, { secret, orgId: tenantId.slice(3) });
        expect(answer.status).toBe(202);
        expect(await done).toMatch(/^rescore\./);
      } finally {
        await server.close();
        await worker.close();
      }
      const after = (await new ScoresRepository(connection).get(tenantId, [lead.Id])).get(lead.Id)?.score;
      expect(after).not.toBe(before);
      expect(sandbox.salesforce.store.get(lead.Id)?.LeadScore_Score__c).toBe(after);
    } finally {
      await queues.obliterate();
      await queues.close();
      await sandbox.close();
    }
  });
});
