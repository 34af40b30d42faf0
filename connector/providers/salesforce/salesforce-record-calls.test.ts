import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiBase, fixture, instanceUrl, testConnector } from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const queryPath = `${apiBase}/query`;
const knownLead = '00Q5g0000000021EAA';
const dirtyLead = '00Q5g0000000022EAA';
const unknownLead = '00Q5g0000000099EAA';
const knownContact = '0035g0000000021EAA';

/** nock 15 hands a reply function the fetch Request itself. */
const jsonOf = async (request: unknown): Promise<Record<string, unknown>> =>
  (await (request as Request).json()) as Record<string, unknown>;

describe('Salesforce fetchLeads', () => {
  it('returns the leads and contacts asked for, leaves unknown ids out and reports dirty records', async () => {
    const sent: string[] = [];
    const scope = nock(instanceUrl)
      .get(queryPath)
      .query((query) => {
        sent.push(String(query.q));
        return String(query.q).includes('FROM Lead WHERE Id IN');
      })
      .reply(200, fixture('query-fetch-leads.json'))
      .get(queryPath)
      .query((query) => {
        sent.push(String(query.q));
        return String(query.q).includes('FROM Contact WHERE Id IN');
      })
      .reply(200, fixture('query-fetch-contacts.json'));
    const { connector } = testConnector();
    const result = await connector.fetchLeads([knownLead, unknownLead, knownContact, dirtyLead]);
    expect(scope.isDone()).toBe(true);
    expect(sent[0]).toContain(`WHERE Id IN ('${knownLead}', '${unknownLead}', '${dirtyLead}')`);
    expect(sent[1]).toContain(`WHERE Id IN ('${knownContact}')`);
    expect(result.records.map((lead) => lead.crmId)).toEqual([knownLead, knownContact]);
    expect(result.records[1]).toMatchObject({
      objectType: 'Contact',
      company: 'Initech',
      domain: 'initech.io',
      employees: 85,
      annualRevenue: null,
      country: 'Nigeria',
      consentToTracking: false,
      accountKey: '0015g0000000021EAA',
      ownerId: '0055g00000AbCdGAAV',
    });
    // A lead still in a queue is owned by the queue (00G), a routing target like a user.
    expect(result.records[0]!.ownerId).toBe('00G5g000001QueUEAS');
    expect(result.rejected).toEqual([
      {
        object: 'Lead',
        crmId: dirtyLead,
        problems: [{ field: 'email', reason: 'must be an email address such as ana@example.com' }],
      },
    ]);
  });

  it('asks for at most 200 ids per query', async () => {
    const idCounts: number[] = [];
    nock(instanceUrl)
      .get(queryPath)
      .times(2)
      .query((query) => {
        idCounts.push((String(query.q).match(/'00Q/g) ?? []).length);
        return true;
      })
      .reply(200, fixture('query-empty.json'));
    const ids = Array.from({ length: 250 }, (_, i) => `00Q5g${String(i).padStart(10, '0')}EAA`);
    const { connector } = testConnector();
    const result = await connector.fetchLeads(ids);
    expect(idCounts).toEqual([200, 50]);
    expect(result).toEqual({ records: [], rejected: [] });
  });

  it('refuses a value that is not a Salesforce id before calling Salesforce', async () => {
    const scope = nock(instanceUrl).get(queryPath).query(true).reply(200, fixture('query-empty.json'));
    const { connector } = testConnector();
    await expect(connector.fetchLeads([knownLead, "00Q' OR Name != '"])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: /is not a Salesforce record id/,
    });
    expect(scope.isDone()).toBe(false);
  });
});

describe('Salesforce createTask', () => {
  const task = {
    crmId: knownLead,
    objectType: 'Lead' as const,
    subject: 'Call back: score jumped to 91',
    body: 'Viewed pricing 4 times in 30 days (+12.5)',
    dueDate: '2026-03-05T17:00:00.000Z',
    ownerCrmId: '0055g00000AbCdEAAV',
  };

  it('creates a Task on the lead with its subject, description, due date and owner', async () => {
    let sent: Record<string, unknown> = {};
    const scope = nock(instanceUrl)
      .post(`${apiBase}/sobjects/Task`)
      .reply(201, async (request: unknown) => {
        sent = await jsonOf(request);
        return fixture('task-created.json');
      });
    const { connector } = testConnector();
    expect(await connector.createTask(task)).toEqual({ crmId: '00T5g00000Qw3rTEAR' });
    expect(scope.isDone()).toBe(true);
    expect(sent).toEqual({
      WhoId: knownLead,
      Subject: task.subject,
      Description: task.body,
      ActivityDate: '2026-03-05',
      Status: 'Not Started',
      Priority: 'Normal',
      OwnerId: '0055g00000AbCdEAAV',
    });
  });

  it("cuts the subject to Salesforce's 255 characters and leaves the owner to Salesforce when none is given", async () => {
    let sent: Record<string, unknown> = {};
    nock(instanceUrl)
      .post(`${apiBase}/sobjects/Task`)
      .reply(201, async (request: unknown) => {
        sent = await jsonOf(request);
        return fixture('task-created.json');
      });
    const { connector } = testConnector();
    await connector.createTask({ ...task, subject: 'x'.repeat(300), ownerCrmId: undefined });
    expect(String(sent.Subject)).toHaveLength(255);
    expect(sent).not.toHaveProperty('OwnerId');
  });

  it('refuses an object type Salesforce tasks cannot attach to, without calling Salesforce', async () => {
    const scope = nock(instanceUrl).post(`${apiBase}/sobjects/Task`).reply(201, fixture('task-created.json'));
    const { connector } = testConnector();
    await expect(connector.createTask({ ...task, objectType: 'contact' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(scope.isDone()).toBe(false);
  });

  it('maps a task on a deleted lead to NOT_FOUND', async () => {
    const entry = fixture<{ payload: unknown }>('errors/rest-entity-is-deleted.json');
    nock(instanceUrl)
      .post(`${apiBase}/sobjects/Task`)
      .reply(400, entry.payload as nock.Body);
    const { connector } = testConnector();
    await expect(connector.createTask(task)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      context: { vendorCode: 'ENTITY_IS_DELETED' },
    });
  });
});

describe('Salesforce describe', () => {
  it('lists the Lead and Contact fields and the API usage of the latest response', async () => {
    nock(instanceUrl)
      .get(`${apiBase}/sobjects/Lead/describe`)
      .reply(200, fixture('describe-lead.json'), { 'Sforce-Limit-Info': 'api-usage=19/5000' })
      .get(`${apiBase}/sobjects/Contact/describe`)
      .reply(200, fixture('describe-contact.json'), { 'Sforce-Limit-Info': 'api-usage=20/5000' });
    const { connector } = testConnector();
    expect(await connector.describe()).toEqual({
      provider: 'salesforce',
      objects: [
        {
          name: 'Lead',
          fields: [
            'Id',
            'LastName',
            'FirstName',
            'Email',
            'Company',
            'Status',
            'IsConverted',
            'LastModifiedById',
            'SystemModstamp',
            'LeadScore_Score__c',
            'LeadScore_Tier__c',
          ],
        },
        {
          name: 'Contact',
          fields: [
            'Id',
            'LastName',
            'FirstName',
            'Email',
            'AccountId',
            'SystemModstamp',
            'LeadScore_Score__c',
          ],
        },
      ],
      apiUsage: { used: 20, limit: 5000 },
    });
  });

  it('reports no API usage when Salesforce sent no Sforce-Limit-Info header', async () => {
    nock(instanceUrl)
      .get(`${apiBase}/sobjects/Lead/describe`)
      .reply(200, fixture('describe-lead.json'))
      .get(`${apiBase}/sobjects/Contact/describe`)
      .reply(200, fixture('describe-contact.json'));
    const { connector } = testConnector();
    expect((await connector.describe()).apiUsage).toBeNull();
  });

  it('fails on an unreadable describe answer instead of reporting an object without fields', async () => {
    nock(instanceUrl).get(`${apiBase}/sobjects/Lead/describe`).reply(200, { name: 'Lead' });
    const { connector } = testConnector();
    await expect(connector.describe()).rejects.toMatchObject({
      code: 'UNKNOWN',
      context: { object: 'Lead' },
    });
  });
});
