import { z } from 'zod';

/**
 * The panel's one way to the LeadScore API: JSON over `fetch` with a Bearer session token, a 15 s
 * deadline, errors in one shape, and one renewal of the session on a 401 (the host decides how).
 */

export const REQUEST_TIMEOUT_MS = 15_000;

export type Role = 'admin' | 'rep';

export interface PanelSession {
  token: string;
  expiresAt: string;
  tenantId: string;
  userId: string;
  role: Role;
}

export class PanelApiError extends Error {
  override readonly name = 'PanelApiError';
  readonly status: number;
  readonly code: string;
  readonly requestId?: string;
  readonly details?: unknown;

  constructor(input: {
    status: number;
    code: string;
    message: string;
    requestId?: string;
    details?: unknown;
  }) {
    super(input.message);
    this.status = input.status;
    this.code = input.code;
    if (input.requestId !== undefined) this.requestId = input.requestId;
    if (input.details !== undefined) this.details = input.details;
  }
}

export interface PanelApi {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
  readonly session: { tenantId: string; userId: string; role: Role };
}

/** The client as the shell holds it: the API plus the current token, for links that open a new tab. */
export interface PanelClient extends PanelApi {
  sessionToken(): string;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What a session exchange answers (201): the token and whom it is for. */
export const sessionAnswerSchema = z.object({
  token: z.string().min(1),
  expiresAt: z.string().min(1),
  tenantId: z.string().min(1),
  userId: z.string().min(1),
  role: z.enum(['admin', 'rep']),
});

/** `{error: {code, message, requestId?, details? | problems?}}`: both error shapes the server answers. */
const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string().optional(),
    details: z.unknown().optional(),
    problems: z.unknown().optional(),
  }),
});

/** The error of an answer that is not a success, from its body when it has the server's shape. */
export function errorOfAnswer(status: number, body: unknown, requestIdHeader?: string | null): PanelApiError {
  const parsed = errorBodySchema.safeParse(body);
  const requestId = parsed.success ? (parsed.data.error.requestId ?? requestIdHeader) : requestIdHeader;
  const common = requestId === undefined || requestId === null ? {} : { requestId };
  if (!parsed.success)
    return new PanelApiError({
      status,
      code: `HTTP_${status}`,
      message: `LeadScore answered ${status} without an explanation`,
      ...common,
    });
  const details = parsed.data.error.details ?? parsed.data.error.problems;
  return new PanelApiError({
    status,
    code: parsed.data.error.code,
    message: parsed.data.error.message,
    ...common,
    ...(details === undefined ? {} : { details }),
  });
}

export function sessionExpiredError(cause?: PanelApiError): PanelApiError {
  return new PanelApiError({
    status: 401,
    code: 'SESSION_EXPIRED',
    message: 'Your LeadScore session expired: reload the page to sign in again',
    ...(cause?.requestId === undefined ? {} : { requestId: cause.requestId }),
  });
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * One HTTP call with the panel's deadline: a timeout or a failed network becomes a PanelApiError
 * (status 0) that says what happened and what to do.
 */
export async function fetchJson(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<{ status: number; body: unknown; requestId: string | null }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchImpl(url, { ...init, signal: controller.signal });
    const body = await readJson(response);
    return { status: response.status, body, requestId: response.headers.get('x-request-id') };
  } catch (error) {
    if (controller.signal.aborted)
      throw new PanelApiError({
        status: 0,
        code: 'TIMEOUT',
        message: `LeadScore did not answer within ${Math.round(timeoutMs / 1000)} seconds: check your connection and retry`,
      });
    if (error instanceof PanelApiError) throw error;
    throw new PanelApiError({
      status: 0,
      code: 'NETWORK',
      message: `Could not reach LeadScore at ${new URL(url).origin}: check your connection, then retry`,
    });
  } finally {
    clearTimeout(timer);
  }
}

export interface PanelApiOptions {
  /** Absolute, e.g. `http://localhost:3000/api/v1`. */
  apiBase: string;
  session: PanelSession;
  /** A fresh session after a 401; absent when the host offers no way to renew. */
  renew?: () => Promise<PanelSession>;
  fetch?: FetchLike;
  timeoutMs?: number;
}

function isRenewable(error: PanelApiError): boolean {
  return error.status === 401;
}

/** The API client over a session; renews it at most once per refused call, one renewal at a time. */
export function createPanelApi(options: PanelApiOptions): PanelClient {
  const base = options.apiBase.replace(/\/+$/, '');
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let session = options.session;
  let renewing: Promise<PanelSession> | undefined;

  const renewOnce = (): Promise<PanelSession> => {
    const renew = options.renew;
    if (renew === undefined) return Promise.reject(sessionExpiredError());
    renewing ??= renew().finally(() => {
      renewing = undefined;
    });
    return renewing;
  };

  const call = async (method: string, path: string, body: unknown, token: string) => {
    if (!path.startsWith('/')) throw new TypeError(`API path "${path}" must start with "/"`);
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const answer = await fetchJson(
      fetchImpl,
      `${base}${path}`,
      { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
      options.timeoutMs,
    );
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    throw errorOfAnswer(answer.status, answer.body, answer.requestId);
  };

  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const used = session;
    try {
      return (await call(method, path, body, used.token)) as T;
    } catch (error) {
      if (!(error instanceof PanelApiError) || !isRenewable(error)) throw error;
      let renewed: PanelSession;
      try {
        // Another call may have renewed already while this one was in flight.
        renewed = session === used ? await renewOnce() : session;
      } catch (renewal) {
        throw renewal instanceof PanelApiError && renewal.code !== 'SESSION_EXPIRED'
          ? renewal
          : sessionExpiredError(error);
      }
      session = renewed;
      try {
        return (await call(method, path, body, renewed.token)) as T;
      } catch (retry) {
        if (retry instanceof PanelApiError && isRenewable(retry)) throw sessionExpiredError(retry);
        throw retry;
      }
    }
  };

  return {
    get: <T>(path: string) => request<T>('GET', path),
    send: <T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
      request<T>(method, path, body),
    sessionToken: () => session.token,
    get session() {
      return { tenantId: session.tenantId, userId: session.userId, role: session.role };
    },
  };
}

/** Checks an exchange's answer: a 201 with a session, else the error it carries. */
export function sessionOfAnswer(
  answer: { status: number; body: unknown; requestId?: string | null },
  what: string,
): PanelSession {
  if (answer.status !== 200 && answer.status !== 201)
    throw errorOfAnswer(answer.status, answer.body, answer.requestId);
  const parsed = sessionAnswerSchema.safeParse(answer.body);
  if (!parsed.success)
    throw new PanelApiError({
      status: answer.status,
      code: 'BAD_SESSION_ANSWER',
      message: `${what} answered without a session token: reload the page; if it persists, tell your LeadScore admin`,
    });
  return parsed.data;
}
