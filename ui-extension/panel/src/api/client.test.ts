import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPanelApi, PanelApiError, type PanelSession } from './client.ts';
import { fakeFetch } from './fake-fetch.ts';

const API = 'http://localhost:3000/api/v1';
const session = (token: string, role: 'admin' | 'rep' = 'rep'): PanelSession => ({
  token,
  expiresAt: '2026-10-31T12:15:00.000Z',
  tenantId: 'sf:00D000000000001EAA',
  userId: '005000000000001AAA',
  role,
});
const expired = {
  status: 401,
  body: { error: { code: 'UNAUTHENTICATED', message: 'session token expired', requestId: 'req-401' } },
};

afterEach(() => {
  vi.useRealTimers();
});

async function failure(promise: Promise<unknown>): Promise<PanelApiError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof PanelApiError)) throw new Error(`expected a PanelApiError, got ${String(error)}`);
  return error;
}

describe('the panel API client', () => {
  it('calls under the API base with the Bearer token and JSON bodies', async () => {
    const { fetch, calls } = fakeFetch([
      { status: 200, body: { score: 73 } },
      { status: 200, body: { ok: true } },
    ]);
    const api = createPanelApi({ apiBase: `${API}/`, session: session('t1', 'admin'), fetch });
    await expect(api.get('/records?crmId=00Q1')).resolves.toEqual({ score: 73 });
    await expect(api.send('PUT', '/settings', { version: 3 })).resolves.toEqual({ ok: true });
    expect(calls[0]).toMatchObject({
      url: `${API}/records?crmId=00Q1`,
      method: 'GET',
      headers: { authorization: 'Bearer t1', accept: 'application/json' },
    });
    expect(calls[0]?.headers['content-type']).toBeUndefined();
    expect(calls[1]).toMatchObject({
      method: 'PUT',
      body: { version: 3 },
      headers: { 'content-type': 'application/json' },
    });
    expect(api.session).toEqual({
      tenantId: 'sf:00D000000000001EAA',
      userId: '005000000000001AAA',
      role: 'admin',
    });
  });

  it('turns the API error shape into PanelApiError with code, message, request id and problems', async () => {
    const { fetch } = fakeFetch([
      {
        status: 400,
        body: {
          error: {
            code: 'invalid_request',
            message: 'hot threshold must be above warm',
            problems: [{ field: 'body.segments.0.hotThreshold', message: 'too low' }],
          },
        },
        headers: { 'x-request-id': 'req-header-1' },
      },
      { status: 404, body: { error: { code: 'NOT_FOUND', message: 'not found', requestId: 'req-body-2' } } },
      { status: 502, body: 'Bad gateway' },
    ]);
    const api = createPanelApi({ apiBase: API, session: session('t1'), fetch });
    const invalid = await failure(api.send('PUT', '/settings', {}));
    expect(invalid).toMatchObject({
      status: 400,
      code: 'invalid_request',
      message: 'hot threshold must be above warm',
      requestId: 'req-header-1',
    });
    expect(invalid.details).toEqual([{ field: 'body.segments.0.hotThreshold', message: 'too low' }]);
    expect(await failure(api.get('/records?crmId=x'))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      requestId: 'req-body-2',
    });
    expect(await failure(api.get('/models'))).toMatchObject({
      status: 502,
      code: 'HTTP_502',
      message: 'LeadScore answered 502 without an explanation',
    });
  });

  it('says when the network fails, naming the server', async () => {
    const { fetch } = fakeFetch(['network-error']);
    const api = createPanelApi({ apiBase: API, session: session('t1'), fetch });
    const error = await failure(api.get('/settings'));
    expect(error).toMatchObject({ status: 0, code: 'NETWORK' });
    expect(error.message).toBe(
      'Could not reach LeadScore at http://localhost:3000: check your connection, then retry',
    );
  });

  it('gives up after 15 seconds with a timeout error', async () => {
    vi.useFakeTimers();
    const { fetch } = fakeFetch(['hang']);
    const api = createPanelApi({ apiBase: API, session: session('t1'), fetch });
    const pending = failure(api.get('/settings'));
    await vi.advanceTimersByTimeAsync(14_999);
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await pending;
    expect(error).toMatchObject({ status: 0, code: 'TIMEOUT' });
    expect(error.message).toContain('did not answer within 15 seconds');
  });

  it('renews the session once on a 401 and repeats the call with the new token', async () => {
    const { fetch, calls } = fakeFetch([
      expired,
      { status: 200, body: { score: 73 } },
      { status: 200, body: { n: 2 } },
    ]);
    const renew = vi.fn(async () => session('t2'));
    const api = createPanelApi({ apiBase: API, session: session('t1'), fetch, renew });
    await expect(api.get('/records?crmId=1')).resolves.toEqual({ score: 73 });
    await expect(api.get('/settings')).resolves.toEqual({ n: 2 });
    expect(renew).toHaveBeenCalledTimes(1);
    expect(calls.map((call) => call.headers.authorization)).toEqual(['Bearer t1', 'Bearer t2', 'Bearer t2']);
  });

  it('renews once for calls refused together', async () => {
    const { fetch, calls } = fakeFetch([
      expired,
      expired,
      { status: 200, body: 1 },
      { status: 200, body: 2 },
    ]);
    let release: (value: PanelSession) => void = () => {};
    const renew = vi.fn(() => new Promise<PanelSession>((resolve) => (release = resolve)));
    const api = createPanelApi({ apiBase: API, session: session('t1'), fetch, renew });
    const both = Promise.all([api.get('/a'), api.get('/b')]);
    await vi.waitFor(() => expect(renew).toHaveBeenCalled());
    await new Promise((resolve) => setTimeout(resolve, 10));
    release(session('t2'));
    await expect(both).resolves.toEqual([1, 2]);
    expect(renew).toHaveBeenCalledTimes(1);
    expect(calls.slice(2).map((call) => call.headers.authorization)).toEqual(['Bearer t2', 'Bearer t2']);
  });

  it('says the session expired when a renewed call is refused again or nothing can renew it', async () => {
    const twice = fakeFetch([expired, expired]);
    const api = createPanelApi({
      apiBase: API,
      session: session('t1'),
      fetch: twice.fetch,
      renew: async () => session('t2'),
    });
    const error = await failure(api.get('/settings'));
    expect(error).toMatchObject({ status: 401, code: 'SESSION_EXPIRED', requestId: 'req-401' });
    expect(error.message).toBe('Your LeadScore session expired: reload the page to sign in again');

    const once = fakeFetch([expired]);
    const standalone = createPanelApi({ apiBase: API, session: session('t1'), fetch: once.fetch });
    expect(await failure(standalone.get('/settings'))).toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(once.calls).toHaveLength(1);
  });

  it('passes on why a renewal failed when it knows', async () => {
    const { fetch } = fakeFetch([expired]);
    const renew = async () => {
      throw new PanelApiError({ status: 0, code: 'NETWORK', message: 'Could not reach LeadScore' });
    };
    const api = createPanelApi({ apiBase: API, session: session('t1'), fetch, renew });
    expect(await failure(api.get('/settings'))).toMatchObject({ code: 'NETWORK' });
  });

  it('refuses a path without a leading slash', async () => {
    const { fetch } = fakeFetch([]);
    const api = createPanelApi({ apiBase: API, session: session('t1'), fetch });
    await expect(api.get('settings')).rejects.toThrow('API path "settings" must start with "/"');
  });
});
