import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { resetHubspotPauses } from '../../connector/providers/hubspot/hubspot-api.ts';
import { connectHubspotToSandbox } from '../../connector/sandbox/connect-to-sandbox.ts';
import { startSandbox } from '../../connector/sandbox/start-sandbox.ts';
import { hubspotWebhooksRouter } from '../../connector/server/webhooks/hubspot-webhooks.ts';
import {
  hubspotEvent,
  postHubspot,
  serve,
  webhookDeps,
} from '../../connector/server/webhooks/webhook-test-support.ts';
import { generateDataset } from '../../fixtures/generator/generate-dataset.ts';
import { createLogger } from '../../shared/logger.ts';
import type { TenantId } from '../../shared/schemas/common.ts';
import { ScoresRepository } from '../../shared/store/scores.repository.ts';
import { createStore } from '../../shared/store/store.ts';
import {
  addHubspotMeetings,
  countingScoreWrites,
  installedTenant,
  openContact,
} from '../../worker/rescore/rescore-test-support.ts';
import { testRedisUrl } from '../support/redis.ts';

const portalId = 9_100_000 + Math.floor(Math.random() * 800_000);
const tenantId = `hs:${portalId}` as TenantId;
const secret = 'scenario-9-secret';
const publicUrl = 'https://leadscore.example.com';
const redis = new Redis(testRedisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
const store = createStore(redis);
const scores = new ScoresRepository(redis);

afterAll(async () => {
  await store.purgeTenant(tenantId);
  redis.disconnect();
});

describe('scenario 9: HubSpot delivers the same event three times at once and once more later', () => {
  it('makes one effective update: one rescore, one write of the lead in the CRM, one score change', async () => {
    resetHubspotPauses();
    const sandbox = await startSandbox({
      seed: { hubspot: generateDataset({ leads: 20, seed: 9, tenantId }) },
    });
    const logger = createLogger({ level: 'silent' });
    try {
      const crm = await connectHubspotToSandbox(sandbox, { tenantId, logger });
      await crm.ensureFields();
      const { connector, scoreWrites } = countingScoreWrites(crm);
      const { queue } = await installedTenant({ redis, store, tenantId, connector });
      const contact = openContact(sandbox);
      const leadId = `${tenantId}:contact:${contact.id}`;
      const historyBefore = (await scores.history(tenantId, leadId)).length;
      const writesBefore = scoreWrites.get(contact.id) ?? 0;
      const crmScoreBefore = contact.properties.leadscore_score;
      addHubspotMeetings(sandbox, contact.id, leadId, ['Demo', 'Pricing call', 'Follow-up']);

      const server = await serve(
        hubspotWebhooksRouter(webhookDeps(redis, queue, secret, publicUrl), { erasePerson: async () => {} }),
      );
      try {
        const body = JSON.stringify([
          hubspotEvent({
            eventId: 900_000_009,
            portalId,
            objectId: Number(contact.id),
            propertyName: 'hs_last_sales_activity_timestamp',
          }),
        ]);
        const deliver = () => postHubspot(server.url, body, { secret, publicUrl });
        const concurrent = await Promise.all([deliver(), deliver(), deliver()]);
        expect(concurrent.map((answer) => answer.status)).toEqual([200, 200, 200]);
        const figures = await Promise.all(concurrent.map((answer) => answer.json()));
        expect(figures.map((one) => one.accepted).sort()).toEqual([0, 0, 1]);
        expect(figures.map((one) => one.duplicates).sort()).toEqual([0, 1, 1]);
        await queue.runUntilIdle();

        const later = await deliver();
        expect(later.status).toBe(200);
        expect(await later.json()).toMatchObject({ accepted: 0, duplicates: 1 });
        await queue.runUntilIdle();
      } finally {
        await server.close();
      }
      const rescores = queue.runs.filter((run) => run.jobId.startsWith('rescore.'));
      expect(rescores.map((run) => run.outcome)).toEqual(['completed']);
      // One score write to the CRM, carrying the new score, and one change in the score history.
      expect(scoreWrites.get(contact.id)).toBe(writesBefore + 1);
      const stored = (await scores.get(tenantId, [leadId])).get(leadId);
      expect(sandbox.hubspot.store.typeMap('contacts').get(contact.id)?.properties.leadscore_score).toBe(
        String(stored?.score),
      );
      expect(String(stored?.score)).not.toBe(crmScoreBefore);
      expect((await scores.history(tenantId, leadId)).length).toBe(historyBefore + 1);
    } finally {
      await sandbox.close();
    }
  });
});
