import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { checkRedis, createFailFastRedis } from '../../shared/store/redis-connection.ts';
import { checkRedisPolicy } from '../../shared/store/redis-policy.ts';
import { createApp } from './app.ts';
import { resolveRedis } from './local-redis.ts';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.LOG_LEVEL, name: 'leadscore' });
const dataDir = fileURLToPath(new URL('../../.redis', import.meta.url));

const localRedis = await resolveRedis(config.REDIS_URL, logger, dataDir);
const redis = createFailFastRedis(localRedis.url);
let lastRedisError = '';
redis.on('error', (error: Error) => {
  // ioredis reports every reconnect attempt; log each distinct failure once.
  if (error.message !== lastRedisError) logger.warn({ reason: error.message }, 'redis connection error');
  lastRedisError = error.message;
});
redis.on('ready', () => {
  lastRedisError = '';
});

await new Promise((resolve) => setTimeout(resolve, 300));
if ((await checkRedis(redis)).ok) {
  const policy = await checkRedisPolicy(redis);
  if (!policy.ok) {
    logger.fatal(
      { problems: policy.problems },
      `refusing to start: Redis would lose data. ${policy.problems.join('; ')}`,
    );
    redis.disconnect();
    localRedis.stop();
    process.exit(2);
  }
}

const app = createApp({ redis, logger });
const server = app.listen(config.PORT, config.HOST, () => {
  logger.info(
    { url: `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}` },
    'LeadScore is listening',
  );
});
server.on('error', (error: NodeJS.ErrnoException) => {
  logger.fatal(
    { reason: error.message },
    error.code === 'EADDRINUSE' ? `port ${config.PORT} is in use: set PORT to a free port` : 'server failed',
  );
  process.exit(1);
});

function shutdown(signal: string): void {
  logger.info({ signal }, 'shutting down');
  server.close(() => {
    redis.disconnect();
    localRedis.stop();
    process.exit(0);
  });
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
