import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TaskInput } from '../../../shared/crm-connector.ts';
import { apiBase, testScore, unthrottledConnector } from './test-support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const stamp = { startedAt: '2026-02-05T10:00:00.000Z', completedAt: '2026-02-05T10:00:00.120Z' };

interface CreateBody {
  inputs: {
    properties: Record<string, string>;
    associations: {
      to: { id: string };
      types: { associationCategory: string; associationTypeId: number }[];
    }[];
  }[];
}

function task(n: number): TaskInput {
  return {
    crmId: String(1000 + n),
    objectType: 'contact',
    subject: `LeadScore hot lead (score 91) ref ${String(n).padStart(12, '0')}`,
    body: 'Score 91/100, now hot in segment smb.',
    dueDate: '2026-02-06',
    ownerCrmId: '61234567',
  };
}

/** HubSpot's answer to a batch create: results in no promised order, each with its properties. */
function created(body: CreateBody, firstId: number, skip: (subject: string) => boolean = () => false) {
  return body.inputs
    .filter((input) => !skip(input.properties.hs_task_subject ?? ''))
    .map((input, index) => ({
      id: String(firstId + index),
      properties: {
        ...input.properties,
        hs_object_id: String(firstId + index),
        hs_createdate: '2026-02-05T10:00:00.000Z',
      },
      createdAt: '2026-02-05T10:00:00.000Z',
      updatedAt: '2026-02-05T10:00:00.000Z',
      archived: false,
    }))
    .reverse();
}

describe('HubSpot batch task creation', () => {
  it('creates 150 tasks in batches of 100 and 50, each associated with its contact (type 204)', async () => {
    const bodies: CreateBody[] = [];
    nock(apiBase)
      .post('/crm/v3/objects/tasks/batch/create')
      .times(2)
      .reply(async (request: Request) => {
        const body = (await request.json()) as CreateBody;
        bodies.push(body);
        return [201, { status: 'COMPLETE', results: created(body, 88000 + bodies.length * 1000), ...stamp }];
      });
    const results = await unthrottledConnector().createTasks(Array.from({ length: 150 }, (_, n) => task(n)));
    expect(bodies.map((body) => body.inputs.length)).toEqual([100, 50]);
    expect(bodies[0]?.inputs[0]).toEqual({
      properties: {
        hs_task_subject: 'LeadScore hot lead (score 91) ref 000000000000',
        hs_task_body: 'Score 91/100, now hot in segment smb.',
        hs_timestamp: String(Date.UTC(2026, 1, 6)),
        hs_task_status: 'NOT_STARTED',
        hs_task_type: 'TODO',
        hubspot_owner_id: '61234567',
      },
      associations: [
        { to: { id: '1000' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }] },
      ],
    });
    // Matched by subject, not by position: results came back reversed.
    expect(results[0]).toEqual({ crmId: '1000', ok: true, taskId: '89000' });
    expect(results[99]).toEqual({ crmId: '1099', ok: true, taskId: '89099' });
    expect(results[100]).toEqual({ crmId: '1100', ok: true, taskId: '90000' });
  });

  it('reports the inputs a 207 left without a result with the error HubSpot gave', async () => {
    nock(apiBase)
      .post('/crm/v3/objects/tasks/batch/create')
      .reply(async (request: Request) => {
        const body = (await request.json()) as CreateBody;
        return [
          207,
          {
            status: 'COMPLETE',
            results: created(body, 77000, (subject) => subject.endsWith('000000000001')),
            numErrors: 1,
            errors: [
              {
                status: 'error',
                category: 'VALIDATION_ERROR',
                message: 'Property values were not valid: hubspot_owner_id 61234567 is not a valid owner',
                context: {},
              },
            ],
            ...stamp,
          },
        ];
      });
    const results = await unthrottledConnector().createTasks([task(0), task(1), task(2)]);
    expect(results.map((result) => result.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({
      crmId: '1001',
      ok: false,
      code: 'INVALID_INPUT',
      message: expect.stringContaining('not a valid owner'),
    });
  });

  it('finds tasks by subject through the contacts task associations and a batch read', async () => {
    nock(apiBase)
      .post('/crm/v4/associations/contacts/tasks/batch/read')
      .reply(200, {
        status: 'COMPLETE',
        results: [
          {
            from: { id: '1003' },
            to: [
              {
                toObjectId: 5501,
                associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 204, label: null }],
              },
              {
                toObjectId: 5502,
                associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 204, label: null }],
              },
            ],
          },
        ],
        ...stamp,
      })
      .post('/crm/v3/objects/tasks/batch/read')
      .query({ archived: 'false' })
      .reply(200, {
        status: 'COMPLETE',
        results: [
          {
            id: '5501',
            properties: { hs_object_id: '5501', hs_task_subject: 'Call back about pricing' },
            createdAt: '2026-01-05T10:00:00.000Z',
            updatedAt: '2026-01-05T10:00:00.000Z',
            archived: false,
          },
          {
            id: '5502',
            properties: { hs_object_id: '5502', hs_task_subject: task(3).subject },
            createdAt: '2026-02-05T10:00:00.000Z',
            updatedAt: '2026-02-05T10:00:00.000Z',
            archived: false,
          },
        ],
        ...stamp,
      });
    const found = await unthrottledConnector().findTasks([
      { crmId: '1003', objectType: 'contact', subject: task(3).subject },
      // The same subject on another contact is not this contact's task.
      { crmId: '1004', objectType: 'contact', subject: task(4).subject },
    ]);
    expect(found).toEqual(new Map([[task(3).subject, '5502']]));
  });
});

describe('HubSpot nurture flag', () => {
  it("sets only the manifest's nurture property, and score writes leave it alone", async () => {
    const sent: { inputs: { id: string; properties: Record<string, string> }[] }[] = [];
    nock(apiBase)
      .post('/crm/v3/objects/contacts/batch/update')
      .times(2)
      .reply(async (request: Request) => {
        const body = (await request.json()) as (typeof sent)[number];
        sent.push(body);
        return [
          200,
          {
            status: 'COMPLETE',
            results: body.inputs.map((input) => ({
              id: input.id,
              properties: input.properties,
              createdAt: '2026-01-01T00:00:00.000Z',
              updatedAt: '2026-02-05T10:00:00.000Z',
              archived: false,
            })),
            ...stamp,
          },
        ];
      });
    const connector = unthrottledConnector();
    const results = await connector.setNurtureFlags([
      { crmId: '101', objectType: 'contact', nurture: true },
      { crmId: '102', objectType: 'contact', nurture: false },
    ]);
    expect(results).toEqual([
      { crmId: '101', ok: true },
      { crmId: '102', ok: true },
    ]);
    expect(sent[0]?.inputs).toEqual([
      { id: '101', properties: { leadscore_nurture: 'true' } },
      { id: '102', properties: { leadscore_nurture: 'false' } },
    ]);
    await connector.writeScores([
      { crmId: '101', objectType: 'contact', score: testScore('hs:2431623:contact:101') },
    ]);
    expect(Object.keys(sent[1]?.inputs[0]?.properties ?? {})).not.toContain('leadscore_nurture');
    expect(Object.keys(sent[1]?.inputs[0]?.properties ?? {})).toContain('leadscore_score');
  });
});
