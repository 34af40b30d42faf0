import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { checkRedis } from '../../shared/store/redis-connection.ts';
import { renderHomePage } from './home-page.ts';

export interface AppDependencies {
  redis: Redis;
  logger: Logger;
  /** How the server reaches Redis, for the home page; never a URL with credentials. */
  redisDescription?: string;
}

/** The HTTP surface. Later routes (OAuth, webhooks, panel API) mount here. */
export function createApp({ redis, logger, redisDescription = 'Redis' }: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  const startedAt = new Date();

  app.get('/', async (_request, response) => {
    const redisReachable = (await checkRedis(redis)).ok;
    response.type('html').send(renderHomePage({ redisDescription, redisReachable, startedAt }));
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

  return app;
}
