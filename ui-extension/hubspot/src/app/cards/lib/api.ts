import { API_ORIGIN } from './project-config.ts';

/**
 * How the card and the settings page reach the LeadScore API: `hubspot.fetch`, signed by HubSpot
 * (signature v3 over the full URI). HubSpot's fetch carries no custom headers, so the portal id and
 * user id go in the query string, where the signature covers them and the server reads them.
 */

export const API_BASE_PATH = '/api/v1';

export type ApiMethod = 'GET' | 'POST' | 'PUT';

/** The part of a fetch Response the UI reads; `hubspot.fetch` answers a full Response. */
export interface FetchAnswer {
  readonly ok: boolean;
  readonly status: number;
  json(): Promise<unknown>;
}

export interface FetchOptions {
  method: ApiMethod;
  /** Sent as JSON by hubspot.fetch. */
  body?: Record<string, unknown>;
  timeout?: number;
}

/** `hubspot.fetch`, or a stand-in in tests. */
export type Fetcher = (url: string, options: FetchOptions) => Promise<FetchAnswer>;

/** Who is calling, from the extension context: HubSpot's portal and user ids. */
export interface Caller {
  portalId: number;
  userId: number;
}

export class ApiUrlError extends Error {
  override readonly name = 'ApiUrlError';
}

function checkId(name: string, value: number): string {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new ApiUrlError(`${name} ${value} must be a positive whole number from the HubSpot context`);
  return String(value);
}

/**
 * The URL of an API path for this caller: `https://origin/api/v1/records?crmId=7&portalId=1&userId=2`.
 * `path` starts with `/` (relative to /api/v1, or absolute from the origin with `fromOrigin`).
 */
export function apiUrl(
  path: string,
  caller: Caller,
  query: Record<string, string> = {},
  { fromOrigin = false, origin = API_ORIGIN }: { fromOrigin?: boolean; origin?: string } = {},
): string {
  if (!path.startsWith('/')) throw new ApiUrlError(`API path "${path}" must start with "/"`);
  const url = new URL(`${fromOrigin ? '' : API_BASE_PATH}${path}`, origin);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  url.searchParams.set('portalId', checkId('portal id', caller.portalId));
  url.searchParams.set('userId', checkId('user id', caller.userId));
  return url.toString();
}

/** The record answer of one HubSpot contact: GET /api/v1/records?crmId=<contact id>. */
export function recordUrl(caller: Caller, contactId: number | string, origin = API_ORIGIN): string {
  const id = String(contactId);
  if (!/^\d{1,20}$/.test(id))
    throw new ApiUrlError(`contact id "${id}" must be the HubSpot record id (digits) from the CRM context`);
  return apiUrl('/records', caller, { crmId: id }, { origin });
}

export interface FieldProblem {
  field: string;
  message: string;
}

export type FailureKind =
  | 'not-scored'
  | 'not-installed'
  | 'unauthenticated'
  | 'forbidden'
  | 'invalid'
  | 'conflict'
  | 'unavailable'
  | 'network'
  | 'unexpected';

export interface ApiFailure {
  kind: FailureKind;
  /** HTTP status, or null when no answer came. */
  status: number | null;
  code: string | null;
  message: string;
  requestId: string | null;
  problems: FieldProblem[];
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Field problems of either error shape: the API's `problems` or the auth layer's `details`. */
function problemsOf(error: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const item of [error.problems, error.details].flatMap((list) => (Array.isArray(list) ? list : []))) {
    if (!isRecord(item)) continue;
    const field = text(item.field);
    const message = text(item.message) ?? text(item.problem);
    if (field !== null && message !== null) problems.push({ field, message });
  }
  return problems;
}

function kindOf(status: number, code: string | null): FailureKind {
  if (status === 404) return code === 'TENANT_NOT_INSTALLED' ? 'not-installed' : 'not-scored';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 413 || status === 415) return 'invalid';
  if (status === 429 || status >= 500) return 'unavailable';
  return 'unexpected';
}

/** The failure an error answer describes: `{error:{code, message, requestId?, problems? | details?}}`. */
export function failureOf(status: number, body: unknown): ApiFailure {
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const code = text(error.code);
  return {
    kind: kindOf(status, code),
    status,
    code,
    message: text(error.message) ?? `LeadScore answered HTTP ${status}`,
    requestId: text(error.requestId),
    problems: problemsOf(error),
  };
}

async function jsonOf(answer: FetchAnswer): Promise<unknown> {
  try {
    return await answer.json();
  } catch {
    return null;
  }
}

/** Calls the API; every outcome, including no answer at all, comes back as a value. */
export async function callApi(
  fetcher: Fetcher,
  url: string,
  method: ApiMethod = 'GET',
  body?: Record<string, unknown>,
): Promise<ApiResult<unknown>> {
  let answer: FetchAnswer;
  try {
    answer = await fetcher(url, body === undefined ? { method } : { method, body });
  } catch (error) {
    return {
      ok: false,
      failure: {
        kind: 'network',
        status: null,
        code: null,
        message: error instanceof Error && error.message !== '' ? error.message : 'no answer from LeadScore',
        requestId: null,
        problems: [],
      },
    };
  }
  const value = await jsonOf(answer);
  if (!answer.ok) return { ok: false, failure: failureOf(answer.status, value) };
  return { ok: true, value };
}

/** What the person can do about a failure, in one sentence after the server's own message. */
export function adviceFor(failure: ApiFailure): string {
  switch (failure.kind) {
    case 'not-scored':
      return 'LeadScore scores a contact after its first sync; a new contact gets a score within a few minutes. Refresh in a minute.';
    case 'not-installed':
      return 'A HubSpot super admin installs LeadScore from the App Marketplace, then scores appear after the first sync.';
    case 'unauthenticated':
      return 'HubSpot could not prove who is asking: reload the page. If it keeps happening, an admin reconnects LeadScore.';
    case 'forbidden':
      return 'An admin reconnects or resumes LeadScore in its settings, or gives you the LeadScore admin role.';
    case 'conflict':
      return 'Someone else saved in the meantime: reload, then apply your change again.';
    case 'invalid':
      return 'Correct the fields named above and try again.';
    case 'unavailable':
      return 'LeadScore or HubSpot is busy: try again in a minute.';
    case 'network':
      return 'LeadScore could not be reached: check your connection and try again.';
    default:
      return 'Try again; if it keeps happening, contact LeadScore support with the request id.';
  }
}
