import type {
  CrmConnector,
  ScoreWrite,
  ScoreWriteResult,
  TaskInput,
  TaskLookup,
  TaskResult,
} from '../../shared/crm-connector.ts';
import type { ConnectorErrorCode } from '../../shared/errors.ts';
import type { Provider, TenantId } from '../../shared/schemas/common.ts';
import type { Lead } from '../../shared/schemas/lead.ts';
import type { Factor, Score, Tier } from '../../shared/schemas/score.ts';

export function testLead(tenantId: TenantId, id: string, ownerId: string | null = 'owner-1'): Lead {
  return {
    id,
    tenantId,
    crmId: `crm-${id}`,
    objectType: tenantId.startsWith('hs:') ? 'contact' : 'Lead',
    email: null,
    firstName: null,
    lastName: null,
    company: 'Acme',
    domain: 'acme.com',
    title: null,
    industry: null,
    employees: 12,
    annualRevenue: null,
    country: null,
    leadSource: null,
    status: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
    consentToTracking: true,
    accountKey: null,
    ownerId,
  };
}

export const factors: Factor[] = [
  { featureId: 'pricing_views_30d', label: 'Viewed pricing 3 times', points: 12 },
  { featureId: 'title_seniority', label: 'VP of Sales', points: 8 },
  { featureId: 'employees', label: '120 employees', points: 4 },
  { featureId: 'email_opens_30d', label: 'No email opens', points: -3 },
  { featureId: 'lead_source', label: 'Came from a webinar', points: 2 },
];

export function testScore(
  leadId: string,
  score: number,
  options: {
    tier?: Tier;
    segment?: string;
    modelVersion?: string;
    scoredAt?: string;
    factors?: Factor[];
  } = {},
): Score {
  return {
    leadId,
    modelVersion: options.modelVersion ?? 'm-1',
    score,
    probability: score / 100,
    tier: options.tier ?? (score >= 80 ? 'hot' : score >= 50 ? 'warm' : 'cold'),
    segment: options.segment ?? 'smb',
    factors: options.factors ?? factors,
    scoredAt: options.scoredAt ?? '2026-02-01T10:00:00.000Z',
  };
}

type Scripted = { code: ConnectorErrorCode; message: string; times: number };

/**
 * A CRM that records every call. `failOnce`/`fail` script per-record failures by CRM id: a record
 * fails with its code that many times, then succeeds.
 */
export class RecordingConnector
  implements Pick<CrmConnector, 'provider' | 'writeScores' | 'createTasks' | 'findTasks' | 'setNurtureFlags'>
{
  readonly scoreCalls: ScoreWrite[][] = [];
  readonly taskCalls: TaskInput[][] = [];
  readonly nurtureCalls: { crmId: string; nurture: boolean }[][] = [];
  /** Tasks the CRM holds: subject → task. */
  readonly tasks = new Map<string, TaskInput & { taskId: string }>();
  private readonly scripted = new Map<string, Scripted>();
  private nextTask = 1;

  constructor(readonly provider: Provider) {}

  fail(crmId: string, code: ConnectorErrorCode, message: string, times = Number.POSITIVE_INFINITY): void {
    this.scripted.set(crmId, { code, message, times });
  }

  private outcome(crmId: string): { ok: true } | { ok: false; code: ConnectorErrorCode; message: string } {
    const script = this.scripted.get(crmId);
    if (!script || script.times <= 0) return { ok: true };
    script.times -= 1;
    return { ok: false, code: script.code, message: script.message };
  }

  async writeScores(batch: ScoreWrite[]): Promise<ScoreWriteResult[]> {
    this.scoreCalls.push(batch);
    return batch.map((write) => ({ crmId: write.crmId, ...this.outcome(write.crmId) }));
  }

  async createTasks(tasks: TaskInput[]): Promise<TaskResult[]> {
    this.taskCalls.push(tasks);
    return tasks.map((task) => {
      const outcome = this.outcome(task.crmId);
      if (!outcome.ok) return { crmId: task.crmId, ...outcome };
      const taskId = `task-${this.nextTask++}`;
      this.tasks.set(task.subject, { ...task, taskId });
      return { crmId: task.crmId, ok: true, taskId };
    });
  }

  async findTasks(lookups: TaskLookup[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const { crmId, subject } of lookups) {
      const task = this.tasks.get(subject);
      if (task?.crmId === crmId) found.set(subject, task.taskId);
    }
    return found;
  }

  async setNurtureFlags(batch: { crmId: string; nurture: boolean }[]): Promise<ScoreWriteResult[]> {
    this.nurtureCalls.push(batch);
    return batch.map((write) => ({ crmId: write.crmId, ok: true }));
  }

  /** CRM ids written in each call. */
  writtenIds(): string[][] {
    return this.scoreCalls.map((call) => call.map((write) => write.crmId));
  }
}
