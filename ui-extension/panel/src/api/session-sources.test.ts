import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectPanel } from '../app/connect.ts';
import { parseBootstrap } from '../bootstrap.ts';
import { PanelApiError } from './client.ts';
import { fakeFetch } from './fake-fetch.ts';
import {
  hubspotBridgeSession,
  type ParentChannel,
  salesforceCanvasRenewal,
  sessionOfToken,
} from './session-sources.ts';

const API = 'http://localhost:3000/api/v1';
const issued = (token: string) => ({
  token,
  expiresAt: '2026-10-31T12:15:00.000Z',
  tenantId: 'hs:12345',
  userId: '678',
  role: 'admin',
});
const expired = {
  status: 401,
  body: { error: { code: 'UNAUTHENTICATED', message: 'session token expired', requestId: 'r1' } },
};

/** A parent window that answers a renew request with a signed request (or stays silent). */
function fakeParent(answer: ((post: (data: unknown) => void) => void) | null) {
  const posted: unknown[] = [];
  let listener: ((data: unknown) => void) | undefined;
  const channel: ParentChannel = {
    post(message) {
      posted.push(message);
      if (answer !== null && listener !== undefined) {
        const deliver = listener;
        answer((data) => deliver(data));
      }
    },
    listen(next) {
      listener = next;
      return () => {
        listener = undefined;
      };
    },
  };
  return {
    channel,
    posted,
    listening: () => listener !== undefined,
    send: (data: unknown) => listener?.(data),
  };
}

function tokenFor(claims: object): string {
  return `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('HubSpot sessions through the fetch bridge', () => {
  it('posts the exchange to the bridge as {url, method, body} and reads the session from its answer', async () => {
    const { fetch, calls } = fakeFetch([{ status: 200, body: { status: 201, body: issued('hs-token') } }]);
    const session = await hubspotBridgeSession({
      fetch,
      fetchBridge: '/demo/hubspot/fetch',
      apiBase: API,
      portalId: 12345,
      userId: 678,
    });
    expect(session).toEqual(issued('hs-token'));
    expect(calls[0]).toMatchObject({
      url: '/demo/hubspot/fetch',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: {
        url: 'http://localhost:3000/auth/hubspot/session?portalId=12345&userId=678',
        method: 'POST',
      },
    });
    expect(Object.keys(calls[0]?.body ?? {})).toEqual(['url', 'method']);
  });

  it('passes on the exchange’s refusal and refuses an answer that is not the bridge shape', async () => {
    const refused = fakeFetch([
      {
        status: 200,
        body: {
          status: 401,
          body: {
            error: {
              code: 'UNAUTHENTICATED',
              message: 'HubSpot signature refused: too old',
              requestId: 'r9',
            },
          },
        },
      },
    ]);
    const input = { fetchBridge: '/bridge', apiBase: API, portalId: 1, userId: 2 };
    await expect(hubspotBridgeSession({ ...input, fetch: refused.fetch })).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
      message: 'HubSpot signature refused: too old',
      requestId: 'r9',
    });
    const odd = fakeFetch([{ status: 200, body: { token: 'direct' } }]);
    await expect(hubspotBridgeSession({ ...input, fetch: odd.fetch })).rejects.toMatchObject({
      code: 'BRIDGE_FAILED',
    });
    const down = fakeFetch([{ status: 500 }]);
    await expect(hubspotBridgeSession({ ...input, fetch: down.fetch })).rejects.toThrow(
      /answered 500: reload the page/,
    );
  });

  it('connects a hubspot panel: exchange first, Bearer calls after, one re-exchange on a 401', async () => {
    const bootstrap = parseBootstrap(
      JSON.stringify({
        host: 'hubspot',
        view: 'record',
        crmId: '51',
        apiBase: API,
        hubspot: { portalId: 12345, userId: 678, fetchBridge: '/bridge' },
      }),
    );
    const { fetch, calls } = fakeFetch([
      { status: 200, body: { status: 201, body: issued('first') } },
      expired,
      { status: 200, body: { status: 201, body: issued('second') } },
      { status: 200, body: { score: 73 } },
    ]);
    const connection = await connectPanel(bootstrap, { fetch, parent: fakeParent(null).channel });
    if (connection.kind !== 'connected') throw new Error('expected a connection');
    expect(connection.client.session.role).toBe('admin');
    await expect(connection.client.get('/records?crmId=51')).resolves.toEqual({ score: 73 });
    expect(calls.map((call) => `${call.url} ${call.headers.authorization ?? '-'}`)).toEqual([
      '/bridge -',
      `${API}/records?crmId=51 Bearer first`,
      '/bridge -',
      `${API}/records?crmId=51 Bearer second`,
    ]);
    expect(connection.client.sessionToken()).toBe('second');
  });
});

describe('Salesforce renewal through the Canvas parent', () => {
  it('asks the parent for a signed request and exchanges it', async () => {
    const parent = fakeParent((reply) => {
      reply({ type: 'something-else' });
      reply({ type: 'leadscore:signed-request', signedRequest: 'sig.payload' });
    });
    const { fetch, calls } = fakeFetch([
      { status: 201, body: { ...issued('sf-2'), tenantId: 'sf:00D000000000001EAA' } },
    ]);
    const session = await salesforceCanvasRenewal({ parent: parent.channel, fetch, apiBase: API });
    expect(parent.posted).toEqual([{ type: 'leadscore:renew' }]);
    expect(session.token).toBe('sf-2');
    expect(calls[0]).toMatchObject({
      url: 'http://localhost:3000/auth/salesforce/canvas',
      method: 'POST',
      body: { signedRequest: 'sig.payload' },
    });
    expect(parent.listening()).toBe(false);
  });

  it('gives up after 15 seconds without an answer from the parent', async () => {
    vi.useFakeTimers();
    const parent = fakeParent(null);
    const { fetch, calls } = fakeFetch([]);
    const pending = salesforceCanvasRenewal({ parent: parent.channel, fetch, apiBase: API }).catch(
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(15_000);
    const error = await pending;
    expect(error).toBeInstanceOf(PanelApiError);
    expect(error).toMatchObject({
      code: 'SESSION_EXPIRED',
      message: expect.stringContaining('within 15 seconds'),
    });
    expect(calls).toHaveLength(0);
    expect(parent.listening()).toBe(false);
  });

  it('connects a salesforce panel with the bootstrap session and renews it on a 401', async () => {
    const bootstrap = parseBootstrap(
      JSON.stringify({
        host: 'salesforce',
        view: 'record',
        crmId: '00Q1',
        apiBase: API,
        session: { ...issued('sf-1'), tenantId: 'sf:00D000000000001EAA', role: 'rep' },
      }),
    );
    const parent = fakeParent((reply) => reply({ type: 'leadscore:signed-request', signedRequest: 'fresh' }));
    const { fetch, calls } = fakeFetch([
      expired,
      { status: 201, body: { ...issued('sf-2'), role: 'rep' } },
      { status: 200, body: { ok: 1 } },
    ]);
    const connection = await connectPanel(bootstrap, { fetch, parent: parent.channel });
    if (connection.kind !== 'connected') throw new Error('expected a connection');
    await expect(connection.client.get('/records?crmId=00Q1')).resolves.toEqual({ ok: 1 });
    expect(calls.map((call) => call.headers.authorization ?? call.url)).toEqual([
      'Bearer sf-1',
      'http://localhost:3000/auth/salesforce/canvas',
      'Bearer sf-2',
    ]);
  });
});

describe('standalone sessions', () => {
  it('reads who a #session= token is for from its claims', () => {
    const token = tokenFor({
      t: 'sf:00D000000000001EAA',
      u: '005000000000001AAA',
      r: 'admin',
      v: 'canvas',
      e: 1_790_000_000_000,
    });
    expect(sessionOfToken(token)).toEqual({
      token,
      expiresAt: new Date(1_790_000_000_000).toISOString(),
      tenantId: 'sf:00D000000000001EAA',
      userId: '005000000000001AAA',
      role: 'admin',
    });
    expect(() => sessionOfToken('not-a-token')).toThrow(/not a LeadScore session/);
    expect(() => sessionOfToken(tokenFor({ t: 'x' }))).toThrow(/not a LeadScore session/);
  });

  it('connects with the fragment token, and says when there is no session at all', async () => {
    const bootstrap = parseBootstrap(JSON.stringify({ host: 'standalone', view: 'settings', apiBase: API }));
    const token = tokenFor({ t: 'hs:12345', u: '678', r: 'rep', v: 'hubspot-fetch', e: 1_790_000_000_000 });
    const { fetch } = fakeFetch([]);
    const parent = fakeParent(null).channel;
    const connected = await connectPanel(bootstrap, { fetch, parent, fragmentToken: token });
    expect(connected.kind === 'connected' && connected.client.session.role).toBe('rep');
    await expect(connectPanel(bootstrap, { fetch, parent })).resolves.toEqual({ kind: 'no-session' });
  });
});
