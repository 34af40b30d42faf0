import express, { type Express } from 'express';
import { sessionSigningKey } from '../../shared/config.ts';
import { erasePerson } from '../../shared/store/erase-person.ts';
import { checkRedis } from '../../shared/store/redis-connection.ts';
import { apiRouter, apiRoutes, openApiDocument } from './api/api-router.ts';
import {
  connectorTokensFromStore,
  createRoleResolver,
  createSessionTokens,
  errorHandler,
  methodGuard,
  noStore,
  notFoundHandler,
  panelAuth,
  panelSessionRouter,
  requestId,
  securityHeaders,
} from './auth/index.ts';
import { demoRouter } from './demo/demo-routes.ts';
import { renderHomePage } from './home-page.ts';
import { installRouter } from './install/install.routes.ts';
import { uninstallRouter } from './install/uninstall.routes.ts';
import { opsRouter, type QueueInspector, requestLogger } from './ops/index.ts';
import { panelRouter } from './panel/panel-routes.ts';
import type { ServerDependencies } from './server-dependencies.ts';
import { hubspotWebhooksRouter, salesforceWebhooksRouter } from './webhooks/index.ts';

export interface AppOptions {
  /** How the server reaches Redis, for the home page; never a URL with credentials. */
  redisDescription?: string;
  /** What /readyz and /metrics count (the BullMQ queues in production). */
  queueInspector: QueueInspector;
  /** The built panel bundle (default ui-extension/panel/dist). */
  panelDist?: string;
}

/**
 * The HTTP surface, in the order requests meet it: request log and id, security headers, the
 * public endpoints (health, readiness, metrics, webhooks, OAuth install, panel session exchange,
 * the API document), then the panel API behind its authentication, then one error handler.
 * Every router brings its own body parser: webhooks and signed panel calls verify the raw body.
 */
export function createApp(deps: ServerDependencies, options: AppOptions): Express {
  const { redis, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  const startedAt = new Date();
  const sessionTokens = createSessionTokens({
    signingKey: sessionSigningKey(deps.config, (line) => logger.warn(line)),
    now: deps.now,
  });
  const roles = createRoleResolver({ redis, logger, connectorTokens: connectorTokensFromStore(deps) });

  app.use(requestLogger(logger));
  app.use(requestId());
  // The local demo page frames the panel itself; production allows only the CRMs' hosts.
  app.use(securityHeaders({ extraFrameAncestors: deps.sandbox ? ["'self'"] : [] }));
  app.use(methodGuard());

  // In sandbox mode `/` is the demo's home (CRM-like pages around the panel); elsewhere a status page.
  if (deps.sandbox) app.use(demoRouter(deps, { ...(options.panelDist ? { dist: options.panelDist } : {}) }));
  app.get('/', async (_request, response) => {
    const redisReachable = (await checkRedis(redis)).ok;
    response.type('html').send(
      renderHomePage({
        redisDescription: options.redisDescription ?? 'Redis',
        redisReachable,
        startedAt,
      }),
    );
  });

  let redisWasDown = false;
  app.get('/healthz', async (_request, response) => {
    const redisHealth = await checkRedis(redis);
    if (redisHealth.ok) {
      if (redisWasDown) logger.info('redis is reachable again');
      redisWasDown = false;
      response.json({ status: 'ok', redis: 'ok' });
      return;
    }
    // One line when Redis goes away, not one per probe.
    if (!redisWasDown)
      logger.error({ reason: redisHealth.reason }, 'redis is unreachable: answering 503 until it is back');
    redisWasDown = true;
    response.status(503).json({ status: 'unavailable', redis: 'unreachable', reason: redisHealth.reason });
  });
  app.use(opsRouter(deps, { queues: options.queueInspector }));

  const secretFor = (tenantId: string) => deps.store.tenants.webhookSecret(tenantId);
  app.use(
    hubspotWebhooksRouter(deps, {
      erasePerson: async (tenantId, leadId) => {
        const queuePrefix = deps.config.QUEUE_PREFIX;
        await erasePerson(
          { redis, store: deps.store, ...(queuePrefix ? { queuePrefix } : {}) },
          tenantId,
          leadId,
        );
      },
    }),
  );
  app.use(salesforceWebhooksRouter(deps, { secretFor }));
  app.use(installRouter(deps));
  app.use(
    panelSessionRouter(deps, {
      sessionTokens,
      roles,
      canvasConsumerSecret: deps.config.SALESFORCE_CANVAS_CONSUMER_SECRET,
      secretFor,
    }),
  );
  app.use(
    panelRouter(deps, {
      sessionTokens,
      roles,
      canvasConsumerSecret: deps.config.SALESFORCE_CANVAS_CONSUMER_SECRET,
      ...(options.panelDist ? { dist: options.panelDist } : {}),
    }),
  );

  const document = openApiDocument(apiRoutes(deps), deps.publicUrl);
  app.get('/api/v1/openapi.json', (_request, response) => {
    response.json(document);
  });
  app.use('/api/v1', noStore(), panelAuth(deps, { sessionTokens, roles }));
  app.use(uninstallRouter(deps));
  app.use('/api/v1', apiRouter(deps));

  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  return app;
}
