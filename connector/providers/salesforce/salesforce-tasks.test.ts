import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TaskInput } from '../../../shared/crm-connector.ts';
import { apiBase, instanceUrl, score, testConnector } from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const collectionsPath = `${apiBase}/composite/sobjects`;
const leadId = (n: number) => `00Q5g00000${String(n).padStart(5, '0')}EAA`.padEnd(18, 'A').slice(0, 18);
const taskId = (n: number) => `00T5g00000${String(n).padStart(5, '0')}TAR`.padEnd(18, 'A').slice(0, 18);

interface CollectionsBody {
  allOrNone: boolean;
  records: Record<string, unknown>[];
}
const bodyOf = async (request: unknown) => (await (request as Request).json()) as CollectionsBody;

function task(n: number): TaskInput {
  return {
    crmId: leadId(n),
    objectType: 'Lead',
    subject: `LeadScore hot lead (score 90) ref ${String(n).padStart(12, '0')}`,
    body: 'Score 90/100, now hot in segment smb.',
    dueDate: '2026-03-02',
    ownerCrmId: '0055g00000AbCdEAAZ',
  };
}

describe('Salesforce batch task creation', () => {
  it('creates 250 tasks in Collections calls of 200 and 50, one failure reported in its place', async () => {
    const bodies: CollectionsBody[] = [];
    let created = 0;
    nock(instanceUrl)
      .post(collectionsPath)
      .times(2)
      .reply(200, async (raw: unknown) => {
        const body = await bodyOf(raw);
        bodies.push(body);
        return body.records.map((record) =>
          record.WhoId === leadId(7)
            ? {
                success: false,
                errors: [
                  {
                    statusCode: 'INVALID_CROSS_REFERENCE_KEY',
                    message: 'invalid cross reference id',
                    fields: ['WhoId'],
                  },
                ],
              }
            : { id: taskId(created++), success: true, errors: [] },
        );
      });
    const { connector } = testConnector();
    const results = await connector.createTasks(Array.from({ length: 250 }, (_, n) => task(n)));
    expect(bodies.map((body) => body.records.length)).toEqual([200, 50]);
    expect(bodies[0]?.allOrNone).toBe(false);
    expect(bodies[0]?.records[0]).toEqual({
      attributes: { type: 'Task' },
      WhoId: leadId(0),
      Subject: 'LeadScore hot lead (score 90) ref 000000000000',
      Description: 'Score 90/100, now hot in segment smb.',
      ActivityDate: '2026-03-02',
      Status: 'Not Started',
      Priority: 'Normal',
      OwnerId: '0055g00000AbCdEAAZ',
    });
    expect(results).toHaveLength(250);
    expect(results[0]).toEqual({ crmId: leadId(0), ok: true, taskId: taskId(0) });
    expect(results[7]).toEqual({
      crmId: leadId(7),
      ok: false,
      code: 'NOT_FOUND',
      message: 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id',
    });
    expect(results[249]).toEqual({ crmId: leadId(249), ok: true, taskId: taskId(248) });
  });

  it('refuses a HubSpot object type without calling Salesforce', async () => {
    const { connector } = testConnector();
    const [result] = await connector.createTasks([{ ...task(1), objectType: 'contact' }]);
    expect(result).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });

  it('reports the daily limit on every task of the refused call instead of losing them', async () => {
    nock(instanceUrl)
      .post(collectionsPath)
      .reply(403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    const { connector } = testConnector();
    const results = await connector.createTasks([task(1), task(2)]);
    expect(results.map((result) => (result.ok ? 'ok' : result.code))).toEqual([
      'RATE_LIMITED',
      'RATE_LIMITED',
    ]);
  });

  it('finds existing tasks by record and subject with one query', async () => {
    const sent: string[] = [];
    nock(instanceUrl)
      .get(`${apiBase}/query`)
      .query((query) => {
        sent.push(String(query.q));
        return true;
      })
      .reply(200, {
        totalSize: 1,
        done: true,
        records: [
          {
            attributes: { type: 'Task', url: `${apiBase}/sobjects/Task/${taskId(3)}` },
            Id: taskId(3),
            WhoId: leadId(3),
            Subject: task(3).subject,
          },
        ],
      });
    const { connector } = testConnector();
    const found = await connector.findTasks(
      [task(3), task(4)].map((item) => ({
        crmId: item.crmId,
        objectType: 'Lead' as const,
        subject: item.subject,
      })),
    );
    expect(found).toEqual(new Map([[task(3).subject, taskId(3)]]));
    expect(sent).toEqual([
      `SELECT Id, WhoId, Subject FROM Task WHERE WhoId IN ('${leadId(3)}', '${leadId(4)}') AND Subject IN ('${task(3).subject}', '${task(4).subject}')`,
    ]);
  });
});

describe('Salesforce nurture flag', () => {
  it("writes only the manifest's nurture field, and score writes leave it alone", async () => {
    const bodies: CollectionsBody[] = [];
    nock(instanceUrl)
      .patch(collectionsPath)
      .times(2)
      .reply(200, async (raw: unknown) => {
        const body = await bodyOf(raw);
        bodies.push(body);
        return body.records.map((record) => ({ id: record.id, success: true, errors: [] }));
      });
    const { connector } = testConnector();
    const flags = await connector.setNurtureFlags([
      { crmId: leadId(1), objectType: 'Lead', nurture: true },
      { crmId: '0035g00000XyZwQAAV', objectType: 'Contact', nurture: false },
    ]);
    expect(flags).toEqual([
      { crmId: leadId(1), ok: true },
      { crmId: '0035g00000XyZwQAAV', ok: true },
    ]);
    expect(bodies[0]?.records).toEqual([
      { attributes: { type: 'Lead' }, id: leadId(1), LeadScore_Nurture__c: true },
      { attributes: { type: 'Contact' }, id: '0035g00000XyZwQAAV', LeadScore_Nurture__c: false },
    ]);
    await connector.writeScores([{ crmId: leadId(1), objectType: 'Lead', score: score(leadId(1)) }]);
    expect(Object.keys(bodies[1]?.records[0] ?? {})).not.toContain('LeadScore_Nurture__c');
    expect(Object.keys(bodies[1]?.records[0] ?? {})).toContain('LeadScore_Score__c');
  });
});
