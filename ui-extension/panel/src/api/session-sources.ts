import { z } from 'zod';
import {
  errorOfAnswer,
  type FetchLike,
  fetchJson,
  PanelApiError,
  type PanelSession,
  REQUEST_TIMEOUT_MS,
  sessionOfAnswer,
} from './client.ts';

/** Where a panel session comes from on each host, and how it is renewed after a 401. */

/** The auth routes live at the API's origin, beside `/api/v1`. */
export function apiOrigin(apiBase: string): string {
  return new URL(apiBase).origin;
}

const bridgeAnswerSchema = z.object({ status: z.number().int(), body: z.unknown() });

/**
 * HubSpot: `POST /auth/hubspot/session?portalId=P&userId=U` through the host's fetch bridge (which
 * signs it like hubspot.fetch); answers the session the exchange issued.
 */
export async function hubspotBridgeSession(input: {
  fetch: FetchLike;
  fetchBridge: string;
  apiBase: string;
  portalId: number;
  userId: number;
  timeoutMs?: number;
}): Promise<PanelSession> {
  const query = new URLSearchParams({ portalId: String(input.portalId), userId: String(input.userId) });
  const url = `${apiOrigin(input.apiBase)}/auth/hubspot/session?${query.toString()}`;
  const answer = await fetchJson(
    input.fetch,
    input.fetchBridge,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      // No body: the exchange reads the signed URL only, and hubspot.fetch signs an empty body as ''.
      body: JSON.stringify({ url, method: 'POST' }),
    },
    input.timeoutMs ?? REQUEST_TIMEOUT_MS,
  );
  if (answer.status < 200 || answer.status >= 300) {
    const refused = errorOfAnswer(answer.status, answer.body, answer.requestId);
    if (!refused.code.startsWith('HTTP_')) throw refused;
    throw new PanelApiError({
      status: answer.status,
      code: 'BRIDGE_FAILED',
      message: `The HubSpot connection of this page answered ${answer.status}: reload the page`,
      ...(refused.requestId === undefined ? {} : { requestId: refused.requestId }),
    });
  }
  const bridged = bridgeAnswerSchema.safeParse(answer.body);
  if (!bridged.success)
    throw new PanelApiError({
      status: answer.status,
      code: 'BRIDGE_FAILED',
      message: 'The HubSpot connection of this page answered without {status, body}: reload the page',
    });
  return sessionOfAnswer(bridged.data, 'The HubSpot session exchange');
}

/** The host page around the panel's frame (window.parent), as far as the panel talks to it. */
export interface ParentChannel {
  post(message: { type: string }): void;
  /** Calls the listener with each message the parent sends; returns the unsubscribe. */
  listen(listener: (data: unknown) => void): () => void;
}

/** The real window.parent: only messages whose source is the parent are passed on. */
export function windowParentChannel(view: Window): ParentChannel {
  return {
    post(message) {
      view.parent.postMessage(message, '*');
    },
    listen(listener) {
      const onMessage = (event: MessageEvent) => {
        if (event.source === view.parent) listener(event.data);
      };
      view.addEventListener('message', onMessage);
      return () => view.removeEventListener('message', onMessage);
    },
  };
}

const signedRequestMessageSchema = z.object({
  type: z.literal('leadscore:signed-request'),
  signedRequest: z.string().min(1),
});

/**
 * Salesforce Canvas: asks the host for a fresh signed request (`leadscore:renew`), waits up to 15 s
 * for `leadscore:signed-request`, and exchanges it at `POST /auth/salesforce/canvas`.
 */
export async function salesforceCanvasRenewal(input: {
  parent: ParentChannel;
  fetch: FetchLike;
  apiBase: string;
  waitMs?: number;
  timeoutMs?: number;
}): Promise<PanelSession> {
  const waitMs = input.waitMs ?? REQUEST_TIMEOUT_MS;
  const signedRequest = await new Promise<string>((resolve, reject) => {
    let stop = () => {};
    const timer = setTimeout(() => {
      stop();
      reject(
        new PanelApiError({
          status: 401,
          code: 'SESSION_EXPIRED',
          message: `Salesforce did not renew the LeadScore session within ${Math.round(waitMs / 1000)} seconds: reload the page`,
        }),
      );
    }, waitMs);
    stop = input.parent.listen((data) => {
      const message = signedRequestMessageSchema.safeParse(data);
      if (!message.success) return;
      clearTimeout(timer);
      stop();
      resolve(message.data.signedRequest);
    });
    input.parent.post({ type: 'leadscore:renew' });
  });
  const answer = await fetchJson(
    input.fetch,
    `${apiOrigin(input.apiBase)}/auth/salesforce/canvas`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ signedRequest }),
    },
    input.timeoutMs ?? REQUEST_TIMEOUT_MS,
  );
  return sessionOfAnswer(answer, 'The Salesforce session exchange');
}

const tokenClaimsSchema = z.object({
  t: z.string().min(1),
  u: z.string().min(1),
  r: z.enum(['admin', 'rep']),
  e: z.number().int().positive(),
});

function base64UrlDecode(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  return new TextDecoder().decode(Uint8Array.from(binary, (character) => character.charCodeAt(0)));
}

/**
 * A session from a token alone (a `#session=` link): who it is for is read from the token's own
 * claims, only to choose what to show; the server verifies every call.
 */
export function sessionOfToken(token: string): PanelSession {
  const payload = token.split('.')[0] ?? '';
  let claims: z.infer<typeof tokenClaimsSchema> | undefined;
  try {
    const parsed = tokenClaimsSchema.safeParse(JSON.parse(base64UrlDecode(payload)));
    if (parsed.success) claims = parsed.data;
  } catch {
    claims = undefined;
  }
  if (claims === undefined || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token))
    throw new PanelApiError({
      status: 0,
      code: 'INVALID_SESSION_LINK',
      message:
        'The #session= part of this link is not a LeadScore session: open LeadScore again from a lead record',
    });
  return {
    token,
    expiresAt: new Date(claims.e).toISOString(),
    tenantId: claims.t,
    userId: claims.u,
    role: claims.r,
  };
}
