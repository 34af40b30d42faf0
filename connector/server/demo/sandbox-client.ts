import type { CrmRecordView, LeadscoreFieldValues, RecordPage } from '../../sandbox/panels/record-views.ts';
import { HttpError } from '../auth/http-error.ts';

/**
 * The demo pages' calls to the sandbox CRM's own routes (/sandbox/...): listings, Canvas signed
 * requests, the hubspot.fetch proxy and simulated activity. Only in sandbox mode.
 */

export type { CrmRecordView, LeadscoreFieldValues, RecordPage };

export interface SandboxUser {
  id: string;
  name: string;
  kind: 'admin' | 'rep';
}

export type DemoCrm = 'salesforce' | 'hubspot';

const TIMEOUT_MS = 10_000;

export class SandboxClient {
  private salesforceOrg: Promise<{ orgId: string; users: SandboxUser[] }> | undefined;
  private hubspotPortal: Promise<{ portalId: number; users: SandboxUser[] }> | undefined;

  constructor(private readonly baseUrl: string) {}

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: T }> {
    let answer: Response;
    try {
      answer = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw new HttpError(502, 'SANDBOX_UNREACHABLE', `the sandbox CRM at ${this.baseUrl} does not answer`);
    }
    const text = await answer.text();
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: answer.status, json: json as T };
  }

  /** A 2xx answer's JSON; otherwise an HttpError with the sandbox's status and message. */
  private async ok<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const { status, json } = await this.call<T>(method, path, body);
    if (status >= 200 && status < 300) return json;
    const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof error?.code === 'string' ? error.code : 'SANDBOX_ERROR';
    const message = typeof error?.message === 'string' ? error.message : `the sandbox CRM answered ${status}`;
    throw new HttpError(status >= 500 ? 502 : status, code, message);
  }

  salesforce(): Promise<{ orgId: string; users: SandboxUser[] }> {
    this.salesforceOrg ??= this.ok<{ orgId: string; users: SandboxUser[] }>('GET', '/sandbox/salesforce/org');
    this.salesforceOrg.catch(() => {
      this.salesforceOrg = undefined;
    });
    return this.salesforceOrg;
  }

  hubspot(): Promise<{ portalId: number; users: SandboxUser[] }> {
    this.hubspotPortal ??= this.ok<{ portalId: number; users: SandboxUser[] }>(
      'GET',
      '/sandbox/hubspot/portal',
    );
    this.hubspotPortal.catch(() => {
      this.hubspotPortal = undefined;
    });
    return this.hubspotPortal;
  }

  async userOf(crm: DemoCrm, kind: 'admin' | 'rep'): Promise<SandboxUser> {
    const { users } = crm === 'salesforce' ? await this.salesforce() : await this.hubspot();
    const user = users.find((candidate) => candidate.kind === kind);
    if (user === undefined)
      throw new HttpError(502, 'SANDBOX_ERROR', `the sandbox ${crm} has no ${kind} user`);
    return user;
  }

  records(crm: DemoCrm, offset: number, limit: number): Promise<RecordPage> {
    const path = crm === 'salesforce' ? '/sandbox/salesforce/leads' : '/sandbox/hubspot/contacts';
    return this.ok<RecordPage>('GET', `${path}?offset=${offset}&limit=${limit}`);
  }

  record(crm: DemoCrm, id: string): Promise<CrmRecordView> {
    const path = crm === 'salesforce' ? '/sandbox/salesforce/leads/' : '/sandbox/hubspot/contacts/';
    return this.ok<CrmRecordView>('GET', `${path}${encodeURIComponent(id)}`);
  }

  async canvasSignedRequest(recordId: string | undefined, userId: string): Promise<string> {
    const answer = await this.ok<{ signedRequest: string }>(
      'POST',
      '/sandbox/salesforce/canvas/signed-request',
      {
        ...(recordId === undefined ? {} : { recordId }),
        userId,
      },
    );
    return answer.signedRequest;
  }

  /** The hubspot.fetch proxy: `{status, body}` of LeadScore's answer, or the sandbox's own refusal. */
  async hubspotFetch(request: {
    url: string;
    method: string;
    body?: unknown;
  }): Promise<{ status: number; body: unknown }> {
    const { status, json } = await this.call<unknown>('POST', '/sandbox/hubspot/fetch', request);
    if (status === 200 && typeof json === 'object' && json !== null && 'status' in json) {
      const answer = json as { status: unknown; body?: unknown };
      if (typeof answer.status === 'number') return { status: answer.status, body: answer.body ?? null };
    }
    return { status: status === 200 ? 502 : status, body: json };
  }

  simulateActivity(crm: DemoCrm, id: string, type: string): Promise<unknown> {
    const path = crm === 'salesforce' ? '/sandbox/salesforce/leads/' : '/sandbox/hubspot/contacts/';
    return this.ok<unknown>('POST', `${path}${encodeURIComponent(id)}/activities`, { type });
  }
}
