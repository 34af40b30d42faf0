import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { checkRedis } from '../../shared/store/redis-connection.ts';

export interface AppDependencies {
  redis: Redis;
  logger: Logger;
}

/** The HTTP surface. Later routes (OAuth, webhooks, panel API) mount here. */
export function createApp({ redis, logger }: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');

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
