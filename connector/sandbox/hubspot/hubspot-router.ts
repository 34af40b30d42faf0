import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { CallCounter, FaultPlan } from '../faults.ts';
import { mountCrmRoutes } from './hubspot-crm-routes.ts';
import { mountEventsRoutes } from './hubspot-events-routes.ts';
import { hubspotError, rateLimitBody } from './hubspot-responses.ts';
import { type HubspotSeed, seedHubspot } from './hubspot-seed.ts';
import { HubspotStore } from './hubspot-store.ts';
import { mountUsersRoutes } from './hubspot-users-routes.ts';

export interface HubspotSandboxOptions {
  /** `expires_in` of issued access tokens; HubSpot's are 1,800 s. */
  tokenLifetimeSeconds?: number;
  /** Searches per rolling second above which the portal answers 429 SECONDLY (HubSpot: about 5). */
  searchesPerSecond?: number;
  /** API calls allowed today; past it every call answers 429 DAILY. Unlimited when absent. */
  dailyLimit?: number;
  /** Non-search calls per rolling 10 s above which the portal answers 429 TEN_SECONDLY_ROLLING (HubSpot: 110). */
  tenSecondlyLimit?: number;
  /** Retry-After of an injected TEN_SECONDLY_ROLLING 429, in seconds (real HubSpot: up to 10). */
  rateLimitRetryAfterSeconds?: number;
  /** False for a portal below Enterprise: the web analytics events API answers 403. */
  webAnalytics?: boolean;
  now?: () => number;
}

export interface HubspotSandboxState {
  accessTokens: Map<string, number>;
  refreshTokens: Set<string>;
  tokensIssued: number;
  apiUsed: number;
  rejected: { secondly: number; daily: number; tenSecondly: number; expired: number };
  searchTimes: number[];
  recentCalls: number[];
}

/** The full path: inside a mounted router `request.path` is relative to the mount point. */
function fullPath(request: Request): string {
  return new URL(request.originalUrl, 'http://sandbox.invalid').pathname;
}

function endpointName(request: Request): string {
  const path = fullPath(request).replace(/\/\d+(?=\/|$)/g, '/:id');
  return `hubspot ${request.method} ${path}`;
}

function mountOAuth(
  router: Router,
  store: HubspotStore,
  state: HubspotSandboxState,
  options: HubspotSandboxOptions,
) {
  const now = options.now ?? Date.now;
  const issue = (response: Response) => {
    const access = `sandbox-access-${randomBytes(12).toString('hex')}`;
    const refresh = `sandbox-refresh-${randomBytes(12).toString('hex')}`;
    const lifetime = options.tokenLifetimeSeconds ?? 1800;
    state.accessTokens.set(access, now() + lifetime * 1000);
    state.refreshTokens.add(refresh);
    state.tokensIssued += 1;
    response.json({
      token_type: 'bearer',
      refresh_token: refresh,
      access_token: access,
      expires_in: lifetime,
    });
  };
  router.get('/oauth/authorize', (request, response) => {
    const redirect = new URL(String(request.query.redirect_uri ?? ''));
    redirect.searchParams.set('code', `sandbox-code-${randomBytes(6).toString('hex')}`);
    if (request.query.state) redirect.searchParams.set('state', String(request.query.state));
    response.redirect(302, redirect.toString());
  });
  router.post('/oauth/v1/token', express.urlencoded({ extended: false }), (request, response) => {
    const form = request.body as Record<string, string>;
    if (form.grant_type === 'authorization_code' && form.code) return issue(response);
    if (form.grant_type === 'refresh_token' && state.refreshTokens.has(form.refresh_token))
      return issue(response);
    const message = 'missing or invalid refresh token';
    const status = form.grant_type === 'refresh_token' ? 'BAD_REFRESH_TOKEN' : 'BAD_AUTH_CODE';
    response.status(400).json({ error: 'invalid_grant', error_description: message, status, message });
  });
  // Deleting a refresh token uninstalls the app: refreshing with it then answers 400 BAD_REFRESH_TOKEN.
  router.delete('/oauth/v1/refresh-tokens/:token', (request, response) => {
    if (!state.refreshTokens.delete(request.params.token)) {
      return hubspotError(response, 404, 'OBJECT_NOT_FOUND', 'Refresh token not found');
    }
    response.status(204).end();
  });
  router.get('/oauth/v1/access-tokens/:token', (request, response) => {
    const expiresAt = state.accessTokens.get(request.params.token);
    if (expiresAt === undefined) return hubspotError(response, 404, 'OBJECT_NOT_FOUND', 'Token not found');
    response.json({
      token: request.params.token,
      hub_id: store.portalId,
      scopes: ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write'],
      app_id: 1,
      expires_in: Math.max(0, Math.round((expiresAt - now()) / 1000)),
      user_id: 1,
      token_type: 'access',
    });
  });
}

/** Counting, latency, token checks, injected faults, limit headers and the HubSpot limits themselves. */
function apiGate(
  state: HubspotSandboxState,
  faults: FaultPlan,
  calls: CallCounter,
  options: HubspotSandboxOptions,
) {
  const now = options.now ?? Date.now;
  return async (request: Request, response: Response, next: NextFunction) => {
    calls.add(endpointName(request));
    await faults.delay();
    const at = now();
    state.apiUsed += 1;
    const isSearch = fullPath(request).endsWith('/search');
    const limit = options.tenSecondlyLimit ?? 110;
    state.recentCalls = state.recentCalls.filter((time) => at - time < 10_000);
    // Searches have their own per-second budget; only accepted calls use up the rolling window.
    const overTenSecondly = !isSearch && state.recentCalls.length >= limit;
    if (!isSearch && !overTenSecondly) state.recentCalls.push(at);
    response.setHeader('X-HubSpot-RateLimit-Max', String(limit));
    response.setHeader(
      'X-HubSpot-RateLimit-Remaining',
      String(Math.max(0, limit - state.recentCalls.length)),
    );
    response.setHeader('X-HubSpot-RateLimit-Interval-Milliseconds', '10000');
    if (options.dailyLimit !== undefined) {
      response.setHeader('X-HubSpot-RateLimit-Daily', String(options.dailyLimit));
      response.setHeader(
        'X-HubSpot-RateLimit-Daily-Remaining',
        String(Math.max(0, options.dailyLimit - state.apiUsed)),
      );
    }
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const expiresAt = token ? state.accessTokens.get(token) : undefined;
    if (expiresAt === undefined) {
      return hubspotError(response, 401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found.');
    }
    if (expiresAt <= at) {
      state.rejected.expired += 1;
      return hubspotError(
        response,
        401,
        'EXPIRED_AUTHENTICATION',
        'The OAuth token used to make this call expired.',
      );
    }
    if (options.dailyLimit !== undefined && state.apiUsed > options.dailyLimit) {
      state.rejected.daily += 1;
      return response.status(429).json(rateLimitBody('DAILY', 'You have reached your daily limit.'));
    }
    if (overTenSecondly) {
      state.rejected.tenSecondly += 1;
      // The oldest call in the window leaves it first: that is when one more fits.
      response.setHeader(
        'Retry-After',
        String(Math.max(1, Math.ceil((state.recentCalls[0] + 10_000 - at) / 1000))),
      );
      return response
        .status(429)
        .json(rateLimitBody('TEN_SECONDLY_ROLLING', 'You have reached your ten_secondly_rolling limit.'));
    }
    // Real HubSpot never expires a token early, so 'expire-token' faults do not apply here.
    const decision = faults.next();
    if (decision === 'rate-limit') {
      state.rejected.tenSecondly += 1;
      response.setHeader('Retry-After', String(options.rateLimitRetryAfterSeconds ?? 1));
      return response
        .status(429)
        .json(rateLimitBody('TEN_SECONDLY_ROLLING', 'You have reached your ten_secondly_rolling limit.'));
    }
    if (decision === 'server-error') {
      return response.status(503).type('text/html').send('<html><body>503 Service Unavailable</body></html>');
    }
    if (isSearch) {
      state.searchTimes = state.searchTimes.filter((time) => at - time < 1_000);
      if (state.searchTimes.length >= (options.searchesPerSecond ?? 5)) {
        state.rejected.secondly += 1;
        return response.status(429).json(rateLimitBody('SECONDLY', 'You have reached your secondly limit.'));
      }
      state.searchTimes.push(at);
    }
    next();
  };
}

/** The HubSpot API subset the provider calls, on one Express router (mounted by the sandbox shell). */
export function hubspotRouter(
  seed: unknown,
  faults: FaultPlan,
  calls: CallCounter,
  options: HubspotSandboxOptions = {},
): { router: Router; store: HubspotStore; state: HubspotSandboxState } {
  const store = new HubspotStore();
  if (seed) seedHubspot(store, seed as HubspotSeed);
  const state: HubspotSandboxState = {
    accessTokens: new Map(),
    refreshTokens: new Set(),
    tokensIssued: 0,
    apiUsed: 0,
    rejected: { secondly: 0, daily: 0, tenSecondly: 0, expired: 0 },
    searchTimes: [],
    recentCalls: [],
  };
  const router = express.Router();
  mountOAuth(router, store, state, options);
  const gate = apiGate(state, faults, calls, options);
  router.use(['/crm/v3', '/crm/v4'], express.json({ limit: '5mb' }), gate);
  mountCrmRoutes(router, store, faults, options.now ?? Date.now);
  router.use('/events/v3', gate);
  mountEventsRoutes(router, store, { webAnalytics: options.webAnalytics });
  mountUsersRoutes(router, store, gate);
  return { router, store, state };
}
