import type { TaskInput, TaskLookup, TaskResult } from '../../../shared/crm-connector.ts';
import { ConnectorError, isConnectorError } from '../../../shared/errors.ts';
import type { CrmObjectType } from '../../../shared/schemas/lead.ts';
import { collectionResultSchema } from './api-schemas.ts';
import { maxCollectionSize } from './constants.ts';
import { classifySalesforceCode } from './parse-salesforce-error.ts';
import type { SalesforceClient } from './salesforce-client.ts';

/** The Task record of one input (the shape `POST /sobjects/Task` and Collections create take). */
export function taskRecord(task: TaskInput): Record<string, unknown> {
  const record: Record<string, unknown> = {
    attributes: { type: 'Task' },
    WhoId: task.crmId,
    Subject: task.subject.slice(0, 255),
    Description: task.body,
    ActivityDate: task.dueDate.slice(0, 10),
    Status: 'Not Started',
    Priority: 'Normal',
  };
  if (task.ownerCrmId) record.OwnerId = task.ownerCrmId;
  return record;
}

const isSalesforceObject = (type: CrmObjectType) => type === 'Lead' || type === 'Contact';

/**
 * Creates tasks through sObject Collections create (`POST /composite/sobjects`, ≤ 200 per call,
 * allOrNone false): one result per input, in order. Nothing is sent twice here: a call whose answer
 * was lost may have created its tasks, so the caller checks (findTasks) before trying again.
 */
export async function createSalesforceTasks(
  client: SalesforceClient,
  tasks: TaskInput[],
): Promise<TaskResult[]> {
  const results: (TaskResult | undefined)[] = tasks.map((task) =>
    isSalesforceObject(task.objectType)
      ? undefined
      : {
          crmId: task.crmId,
          ok: false,
          code: 'INVALID_INPUT',
          message: `Salesforce tasks attach to a Lead or Contact, not ${task.objectType}`,
        },
  );
  const pending = tasks.flatMap((_task, index) => (results[index] ? [] : [index]));
  for (let start = 0; start < pending.length; start += maxCollectionSize) {
    const chunk = pending.slice(start, start + maxCollectionSize);
    let answer: unknown;
    try {
      answer = await client.request(
        {
          method: 'POST',
          url: client.dataPath('/composite/sobjects'),
          body: JSON.stringify({
            allOrNone: false,
            records: chunk.map((index) => taskRecord(tasks[index]!)),
          }),
          headers: { 'content-type': 'application/json' },
        },
        `create ${chunk.length} tasks`,
      );
    } catch (error) {
      const failure = isConnectorError(error) ? error : client.mapError(error, 'create tasks');
      for (const index of pending.slice(start)) {
        results[index] = {
          crmId: tasks[index]!.crmId,
          ok: false,
          code: failure.code,
          message: failure.message,
          ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
        };
      }
      break;
    }
    const parsed = collectionResultSchema.safeParse(answer);
    if (!parsed.success || parsed.data.length !== chunk.length) {
      throw new ConnectorError(
        'UNKNOWN',
        `Collections create answered ${parsed.success ? parsed.data.length : 'malformed'} results for ${chunk.length} tasks`,
      );
    }
    parsed.data.forEach((result, position) => {
      const index = chunk[position]!;
      const crmId = tasks[index]!.crmId;
      if (result.success && result.id) {
        results[index] = { crmId, ok: true, taskId: result.id };
        return;
      }
      const first = result.errors[0];
      results[index] = {
        crmId,
        ok: false,
        code: first ? classifySalesforceCode(first.statusCode, first.message) : 'UNKNOWN',
        message:
          result.errors.map((error) => `${error.statusCode}: ${error.message}`).join('; ') ||
          'failed without an error',
      };
    });
  }
  return results as TaskResult[];
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Lookups per query: ids and subjects keep the query URL well inside Salesforce's 16,384 characters. */
const lookupsPerQuery = 50;

/** The task with each lookup's subject on its record (subject → task id), 50 lookups per query. */
export async function findSalesforceTasks(
  client: SalesforceClient,
  lookups: TaskLookup[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const wanted = lookups.filter((lookup) => isSalesforceObject(lookup.objectType));
  for (let start = 0; start < wanted.length; start += lookupsPerQuery) {
    const part = wanted.slice(start, start + lookupsPerQuery);
    const pairs = new Set(part.map((lookup) => `${lookup.crmId}\n${lookup.subject}`));
    const who = [...new Set(part.map((lookup) => lookup.crmId))].map(quote).join(', ');
    const subjects = [...new Set(part.map((lookup) => lookup.subject))].map(quote).join(', ');
    const soql = `SELECT Id, WhoId, Subject FROM Task WHERE WhoId IN (${who}) AND Subject IN (${subjects})`;
    for await (const page of client.queryPages(soql, 'find tasks by subject')) {
      for (const record of page.records) {
        const subject = record.Subject;
        if (typeof subject === 'string' && pairs.has(`${String(record.WhoId)}\n${subject}`))
          found.set(subject, String(record.Id));
      }
    }
  }
  return found;
}
