import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../shared/errors.ts';
import { runCompositeQueries } from './composite-queries.ts';
import { apiBase, fixture, instanceUrl, testConnector } from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: { Id: string }[];
}

const tasks = fixture<QueryPage>('query-tasks.json');

describe('Salesforce Composite API queries', () => {
  it('sends the queries as GET subrequests of one composite call and follows a page that is not done', async () => {
    const locator = `${apiBase}/query/01gD000000ABCDEAA4-4`;
    const firstPage: QueryPage = {
      totalSize: tasks.records.length,
      done: false,
      nextRecordsUrl: locator,
      records: tasks.records.slice(0, 4),
    };
    const restPage: QueryPage = {
      totalSize: tasks.records.length,
      done: true,
      records: tasks.records.slice(4),
    };
    let sentBody: unknown;
    nock(instanceUrl)
      .post(`${apiBase}/composite`, (body) => {
        sentBody = body;
        return true;
      })
      .reply(200, {
        compositeResponse: [
          { body: firstPage, httpHeaders: {}, httpStatusCode: 200, referenceId: 'tasks' },
          { body: fixture('query-empty.json'), httpHeaders: {}, httpStatusCode: 200, referenceId: 'events' },
        ],
      });
    nock(instanceUrl).get(locator).reply(200, restPage);
    const { client } = testConnector().connector;
    const rows = await runCompositeQueries(
      client,
      [
        { referenceId: 'tasks', soql: "SELECT Id FROM Task WHERE WhoId IN ('00Q5g0000000001EAA')" },
        { referenceId: 'events', soql: "SELECT Id FROM Event WHERE WhoId IN ('00Q5g0000000001EAA')" },
      ],
      'read activities',
    );
    expect(sentBody).toEqual({
      allOrNone: false,
      compositeRequest: [
        {
          method: 'GET',
          url: `${apiBase}/query?q=${encodeURIComponent("SELECT Id FROM Task WHERE WhoId IN ('00Q5g0000000001EAA')")}`,
          referenceId: 'tasks',
        },
        {
          method: 'GET',
          url: `${apiBase}/query?q=${encodeURIComponent("SELECT Id FROM Event WHERE WhoId IN ('00Q5g0000000001EAA')")}`,
          referenceId: 'events',
        },
      ],
    });
    expect(rows.get('tasks')?.map((row) => row.Id)).toEqual(tasks.records.map((row) => row.Id));
    expect(rows.get('events')).toEqual([]);
    expect(nock.isDone()).toBe(true);
  });

  it("maps a subrequest's error like any Salesforce REST error", async () => {
    nock(instanceUrl)
      .post(`${apiBase}/composite`)
      .reply(200, {
        compositeResponse: [
          { body: fixture('query-empty.json'), httpHeaders: {}, httpStatusCode: 200, referenceId: 'tasks' },
          {
            body: [{ message: "sObject type 'Evnt' is not supported.", errorCode: 'INVALID_TYPE' }],
            httpHeaders: {},
            httpStatusCode: 400,
            referenceId: 'events',
          },
        ],
      });
    const { client } = testConnector().connector;
    const failure = await runCompositeQueries(
      client,
      [
        { referenceId: 'tasks', soql: 'SELECT Id FROM Task' },
        { referenceId: 'events', soql: 'SELECT Id FROM Evnt' },
      ],
      'read activities',
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectorError);
    expect((failure as ConnectorError).message).toContain("sObject type 'Evnt' is not supported.");
    expect((failure as ConnectorError).context.vendorCode).toBe('INVALID_TYPE');
  });

  it('makes no call when there is nothing to ask', async () => {
    const { client } = testConnector().connector;
    expect(await runCompositeQueries(client, [], 'read activities')).toEqual(new Map());
  });
});
