import { createPanelApi, type FetchLike, type PanelClient } from '../api/client.ts';
import {
  hubspotBridgeSession,
  type ParentChannel,
  salesforceCanvasRenewal,
  sessionOfToken,
} from '../api/session-sources.ts';
import type { PanelBootstrap } from '../bootstrap.ts';

export interface PanelEnvironment {
  fetch: FetchLike;
  parent: ParentChannel;
  /** From a `#session=` fragment, already removed from the address bar. */
  fragmentToken?: string;
}

export type Connection = { kind: 'connected'; client: PanelClient } | { kind: 'no-session' };

/**
 * The API client for the host the panel runs in:
 * - salesforce: the Canvas session of the bootstrap, renewed through the parent's signed request;
 * - hubspot: a session exchanged through the fetch bridge, exchanged again once on a 401;
 * - standalone: the bootstrap's session or the `#session=` token, not renewable.
 */
export async function connectPanel(
  bootstrap: PanelBootstrap,
  environment: PanelEnvironment,
): Promise<Connection> {
  const { apiBase } = bootstrap;
  const { fetch } = environment;
  if (bootstrap.host === 'hubspot' && bootstrap.hubspot !== undefined) {
    const { fetchBridge, portalId, userId } = bootstrap.hubspot;
    const exchange = () => hubspotBridgeSession({ fetch, fetchBridge, apiBase, portalId, userId });
    const session = bootstrap.session ?? (await exchange());
    return { kind: 'connected', client: createPanelApi({ apiBase, session, fetch, renew: exchange }) };
  }
  if (bootstrap.host === 'salesforce' && bootstrap.session !== undefined) {
    const renew = () => salesforceCanvasRenewal({ parent: environment.parent, fetch, apiBase });
    return {
      kind: 'connected',
      client: createPanelApi({ apiBase, session: bootstrap.session, fetch, renew }),
    };
  }
  const session =
    bootstrap.session ??
    (environment.fragmentToken === undefined ? undefined : sessionOfToken(environment.fragmentToken));
  if (session === undefined) return { kind: 'no-session' };
  return { kind: 'connected', client: createPanelApi({ apiBase, session, fetch }) };
}
