import express, { type Request, type Response, type Router } from 'express';
import { sessionSigningKey } from '../../../shared/config.ts';
import { ConnectorError } from '../../../shared/errors.ts';
import type { Provider } from '../../../shared/schemas/common.ts';
import type { ServerDependencies } from '../server-dependencies.ts';
import { answer } from './install-pages.ts';
import { type InstallProvider, installProviders } from './install-providers.ts';
import { completeInstall } from './install-service.ts';
import { isSafeReturnPath, OAuthStates } from './oauth-state.ts';
import { type TenantQueues, tenantQueuesFor } from './tenant-queues.ts';

/** A refusal in the shape every install answer has: JSON for programs, a short page for admins. */
function refuse(response: Response, status: number, error: string, title: string, message: string): void {
  answer(response, status, { error, message }, { title, lines: [message] });
}

const providerNames: Record<Provider, string> = { salesforce: 'Salesforce', hubspot: 'HubSpot' };
const clientVariables: Record<Provider, string> = {
  salesforce: 'SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET',
  hubspot: 'HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET',
};

export interface InstallRouterOptions {
  /** Defaults to the BullMQ schedulers when deps.queues is BullMQ. */
  tenantQueues?: TenantQueues;
  /** Defaults to the configured OAuth clients (tests may pass their own). */
  providers?: Partial<Record<Provider, InstallProvider>>;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 4096 ? value : undefined;
}

/** Why a failed exchange or provisioning failed, in words for the admin, without vendor internals. */
function failureMessage(error: unknown, provider: Provider): string {
  const name = providerNames[provider];
  if (error instanceof ConnectorError) {
    if (error.code === 'AUTH_REVOKED') return `${name} refused the authorization: start the install again`;
    if (error.code === 'INVALID_INPUT')
      return `${name} answered something LeadScore cannot accept: ${error.message}`;
    if (error.code === 'RATE_LIMITED') return `${name} is rate limiting the org: try again in a few minutes`;
  }
  return `${name} could not be reached or answered unexpectedly: try the install again`;
}

/**
 * `GET /oauth/<provider>/install` (redirect to the CRM's consent screen with a signed single-use
 * state) and `GET /oauth/<provider>/callback` (check the state, exchange the code, provision,
 * create or reconnect the tenant, schedule its first sync). A bad state answers 400 and stores
 * nothing; so does a failed exchange or provisioning (502).
 */
export function installRouter(deps: ServerDependencies, options: InstallRouterOptions = {}): Router {
  const router = express.Router();
  const states = new OAuthStates(
    deps.redis,
    sessionSigningKey(deps.config, (line) => deps.logger.warn(line)),
    deps.now,
  );
  const providers = options.providers ?? installProviders(deps);
  const tenantQueues = options.tenantQueues ?? tenantQueuesFor(deps.queues, deps.config);

  const providerOr404 = (request: Request, response: Response): InstallProvider | undefined => {
    const name = request.params.provider;
    if (name !== 'salesforce' && name !== 'hubspot') {
      answer(
        response,
        404,
        { error: 'not_found', message: 'unknown provider: use salesforce or hubspot' },
        {
          title: 'Not found',
          lines: [
            'LeadScore installs on Salesforce (/oauth/salesforce/install) or HubSpot (/oauth/hubspot/install).',
          ],
        },
      );
      return undefined;
    }
    const provider = providers[name];
    if (provider === undefined) {
      const message = `${providerNames[name]} is not configured on this server: set ${clientVariables[name]}`;
      refuse(response, 503, 'not_configured', 'Not configured', message);
      return undefined;
    }
    if (deps.config.TOKEN_ENCRYPTION_KEY === undefined) {
      // Refused before the admin consents: an exchanged code whose tokens cannot be stored is lost.
      const message =
        'this server cannot store CRM tokens: set TOKEN_ENCRYPTION_KEY (64 hex characters from `openssl rand -hex 32`)';
      refuse(response, 503, 'not_configured', 'Not configured', message);
      return undefined;
    }
    return provider;
  };

  router.get('/oauth/:provider/install', async (request, response, next) => {
    const provider = providerOr404(request, response);
    if (provider === undefined) return;
    const returnTo = text(request.query.return_to);
    if (returnTo !== undefined && !isSafeReturnPath(returnTo)) {
      const message = 'return_to must be a path of this app, such as /settings';
      refuse(response, 400, 'invalid_request', 'Install refused', message);
      return;
    }
    try {
      const state = await states.issue(provider.provider, returnTo);
      response.setHeader('Cache-Control', 'no-store');
      response.redirect(302, provider.authorizeUrl(state));
    } catch (error) {
      next(error);
    }
  });

  router.get('/oauth/:provider/callback', async (request, response, next) => {
    const provider = providerOr404(request, response);
    if (provider === undefined) return;
    const name = providerNames[provider.provider];
    const denied = text(request.query.error);
    if (denied !== undefined) {
      const message = `${name} did not authorize LeadScore (${denied.slice(0, 80)}): start the install again`;
      refuse(response, 400, 'access_denied', 'Install cancelled', message);
      return;
    }
    try {
      const state = text(request.query.state);
      const checked = await states.consume(provider.provider, state);
      if (!checked.ok || state === undefined) {
        const message = checked.ok ? 'the state parameter is missing' : checked.reason;
        refuse(response, 400, 'invalid_state', 'Install refused', message);
        return;
      }
      const code = text(request.query.code);
      if (code === undefined) {
        const message = `the callback carries no authorization code from ${name}: start the install again`;
        refuse(response, 400, 'invalid_request', 'Install refused', message);
        return;
      }
      let result: Awaited<ReturnType<typeof completeInstall>>;
      try {
        result = await completeInstall(deps, tenantQueues, await provider.exchange(code, state));
      } catch (error) {
        deps.logger.warn({ err: error, provider: provider.provider }, 'install failed: nothing stored');
        const message = failureMessage(error, provider.provider);
        refuse(response, 502, 'install_failed', 'Install failed', message);
        return;
      }
      const summary = {
        tenantId: result.tenantId,
        provider: result.provider,
        reconnected: result.reconnected,
        namespace: result.namespace,
        fieldsCreated: result.fieldsCreated,
        firstSync: result.syncJobId,
        returnTo: checked.returnTo,
      };
      answer(
        response,
        200,
        { installed: true, ...summary },
        {
          title: result.reconnected ? 'LeadScore reconnected' : 'LeadScore installed',
          lines: [
            `LeadScore is connected to ${name}. The first sync has started; scores appear once it and the first training finish.`,
            ...(checked.returnTo === null ? [] : [`Continue at ${checked.returnTo}.`]),
          ],
        },
      );
    } catch (error) {
      next(error);
    }
  });
  return router;
}
