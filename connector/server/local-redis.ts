import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { DEFAULT_REDIS_URL } from '../../shared/store/redis-connection.ts';

export interface ResolvedRedis {
  url: string;
  /** Where the data lives, in words and without credentials (for the home page). */
  description: string;
  /** Stops the private redis-server, when one was started, and waits (at most 2 s) until it has exited. */
  stop: () => Promise<void>;
}

const nothingToStop = async (): Promise<void> => {};

/** host:port of a Redis URL, never its user or password. */
function redisAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '6379'}`;
}

/** A port of 127.0.0.1 nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a Redis answers PING at the URL within the timeout. */
export async function answersPing(url: string, timeoutMs: number): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Whether `redis-server` is on the PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Where the demo keeps its data: REDIS_URL when set; otherwise a private redis-server (AOF on,
 * noeviction) under .redis/ on a free port, so the demo never touches another Redis; otherwise the
 * default local Redis, with one clear line on how to get one when none answers.
 */
/**
 * How LeadScore runs a redis-server of its own: 127.0.0.1 only, data in `dataDir`, AOF on and
 * `noeviction` (what the worker demands, shared/store/redis-policy.ts), no RDB snapshots.
 */
export function privateRedisArguments(port: number, dataDir: string): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    path.resolve(dataDir),
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
  ];
}

export async function resolveRedis(
  configuredUrl: string | undefined,
  logger: Logger,
  dataDir: string,
): Promise<ResolvedRedis> {
  if (configuredUrl) {
    return {
      url: configuredUrl,
      description: `the Redis at ${redisAddress(configuredUrl)} (REDIS_URL)`,
      stop: nothingToStop,
    };
  }
  const localDefault = {
    url: DEFAULT_REDIS_URL,
    description: `the local Redis at ${redisAddress(DEFAULT_REDIS_URL)}`,
    stop: nothingToStop,
  };
  if (!hasRedisServer()) {
    if (!(await answersPing(DEFAULT_REDIS_URL, 1_000))) {
      logger.error(
        'Redis is not reachable at redis://127.0.0.1:6379 and redis-server is not installed: install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL',
      );
    }
    return localDefault;
  }
  const port = await freePort();
  mkdirSync(dataDir, { recursive: true });
  const child: ChildProcess = spawn('redis-server', privateRedisArguments(port, dataDir), {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signalStop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  // Whatever ends this process, the private Redis ends with it.
  process.once('exit', signalStop);
  const stop = async (): Promise<void> => {
    signalStop();
    const gaveUp = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 2_000).unref()),
    ]);
    if (gaveUp) child.kill('SIGKILL');
  };
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await answersPing(url, 200)) {
      logger.info({ port }, 'started a private redis-server for the demo');
      return { url, description: `a private redis-server on port ${port} (data in .redis/)`, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  logger.error({ port }, 'redis-server did not start within 5 s: set REDIS_URL to a running Redis');
  return localDefault;
}
