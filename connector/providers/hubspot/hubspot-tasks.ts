import type { TaskInput, TaskLookup, TaskResult } from '../../../shared/crm-connector.ts';
import { type ConnectorErrorCode, isConnectorError } from '../../../shared/errors.ts';
import { batchUpdateSize, taskToContactAssociationTypeId } from './constants.ts';
import type { HubspotApi } from './hubspot-api.ts';
import { batchReadObjects, chunk, readAssociations } from './hubspot-reads.ts';
import { parseHubspotResponse } from './parse-hubspot-error.ts';

interface BatchCreateResponse {
  results: { id: string; properties?: Record<string, string | null> }[];
  numErrors?: number;
  errors?: { status?: string; category?: string; message?: string; context?: Record<string, string[]> }[];
}

/** The batch-create input of one task: properties plus the task → contact association (type 204). */
export function hubspotTaskInput(task: TaskInput): {
  properties: Record<string, string>;
  associations: {
    to: { id: string };
    types: { associationCategory: 'HUBSPOT_DEFINED'; associationTypeId: number }[];
  }[];
} {
  const properties: Record<string, string> = {
    hs_task_subject: task.subject,
    hs_task_body: task.body,
    hs_timestamp: String(Date.parse(task.dueDate)),
    hs_task_status: 'NOT_STARTED',
    hs_task_type: 'TODO',
  };
  if (task.ownerCrmId) properties.hubspot_owner_id = task.ownerCrmId;
  return {
    properties,
    associations: [
      {
        to: { id: task.crmId },
        types: [
          { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: taskToContactAssociationTypeId },
        ],
      },
    ],
  };
}

type Failure = { ok: false; code: ConnectorErrorCode; message: string; retryAfterMs?: number };

/**
 * Creates tasks through `POST /crm/v3/objects/tasks/batch/create` (≤ 100 inputs). HubSpot does not
 * promise results in input order, so each result is matched to its input by subject (the caller
 * makes subjects unique per task); inputs without a result carry the batch's error. Never retried
 * here: a lost answer may still have created the tasks (the caller checks with findTasks).
 */
export async function createHubspotTasks(api: HubspotApi, tasks: TaskInput[]): Promise<TaskResult[]> {
  const results: (TaskResult | undefined)[] = tasks.map((task) =>
    Number.isFinite(Date.parse(task.dueDate))
      ? undefined
      : {
          crmId: task.crmId,
          ok: false,
          code: 'INVALID_INPUT',
          message: `Task dueDate "${task.dueDate}" is not a date such as 2026-03-01`,
        },
  );
  const pending = tasks.flatMap((_task, index) => (results[index] ? [] : [index]));
  for (const part of chunk(pending, batchUpdateSize)) {
    let response: BatchCreateResponse;
    try {
      response = (await api.call(
        'batch create tasks',
        (client, options) =>
          client.crm.objects.tasks.batchApi.create(
            { inputs: part.map((index) => hubspotTaskInput(tasks[index]!)) as never },
            options,
          ),
        { retryTemporary: false },
      )) as BatchCreateResponse;
    } catch (error) {
      if (!isConnectorError(error)) throw error;
      for (const index of part) results[index] = failure(tasks[index]!, error);
      continue;
    }
    const bySubject = new Map<string, string>();
    for (const result of response.results) {
      const subject = result.properties?.hs_task_subject;
      if (typeof subject === 'string') bySubject.set(subject, String(result.id));
    }
    const firstError = response.errors?.[0];
    const batchFailure: Failure = firstError
      ? {
          ok: false,
          ...codeOf(firstError),
          message: firstError.message ?? 'HubSpot refused the task',
        }
      : { ok: false, code: 'UNKNOWN', message: 'HubSpot returned neither a result nor an error' };
    for (const index of part) {
      const task = tasks[index]!;
      const taskId = bySubject.get(task.subject);
      results[index] = taskId
        ? { crmId: task.crmId, ok: true, taskId }
        : { crmId: task.crmId, ...batchFailure };
    }
  }
  return results as TaskResult[];
}

function codeOf(error: NonNullable<BatchCreateResponse['errors']>[number]): { code: ConnectorErrorCode } {
  return { code: parseHubspotResponse({ status: 207, body: error, headers: {} }).code };
}

function failure(
  task: TaskInput,
  error: { code: ConnectorErrorCode; message: string; retryAfterMs?: number },
) {
  return {
    crmId: task.crmId,
    ok: false as const,
    code: error.code,
    message: error.message,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  };
}

/**
 * The task with each lookup's subject on its contact (subject → task id): the contacts' task
 * associations, then the tasks' subjects. Both reads are consistent at once, unlike search.
 */
export async function findHubspotTasks(api: HubspotApi, lookups: TaskLookup[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (lookups.length === 0) return found;
  const associations = await readAssociations(api, 'tasks', [
    ...new Set(lookups.map((lookup) => lookup.crmId)),
  ]);
  const onContact = new Map<string, string>();
  for (const lookup of lookups) {
    for (const taskId of associations.get(lookup.crmId) ?? []) onContact.set(taskId, lookup.crmId);
  }
  if (onContact.size === 0) return found;
  const pairs = new Set(lookups.map((lookup) => `${lookup.crmId}\n${lookup.subject}`));
  const tasks = await batchReadObjects(api, 'tasks', [...onContact.keys()], ['hs_task_subject']);
  for (const task of tasks.values()) {
    const subject = task.properties.hs_task_subject;
    const contact = onContact.get(String(task.id));
    if (typeof subject === 'string' && pairs.has(`${contact}\n${subject}`))
      found.set(subject, String(task.id));
  }
  return found;
}
