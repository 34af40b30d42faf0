import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { DEFAULT_REDIS_URL } from '../../shared/store/redis-connection.ts';

export interface ResolvedRedis {
  url: string;
  /** Stops the private redis-server, when one was started. */
  stop: () => void;
}

async function freePort(): Promise<number> {
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

async function answersPing(url: string, timeoutMs: number): Promise<boolean> {
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

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Where the demo keeps its data: REDIS_URL when set; otherwise a private redis-server (AOF on,
 * noeviction) under .redis/ on a free port, so the demo never touches another Redis; otherwise the
 * default local Redis, with one clear line on how to get one when none answers.
 */
export async function resolveRedis(
  configuredUrl: string | undefined,
  logger: Logger,
  dataDir: string,
): Promise<ResolvedRedis> {
  if (configuredUrl) return { url: configuredUrl, stop: () => {} };
  if (!hasRedisServer()) {
    if (!(await answersPing(DEFAULT_REDIS_URL, 1_000))) {
      logger.error(
        'Redis is not reachable at redis://127.0.0.1:6379 and redis-server is not installed: install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL',
      );
    }
    return { url: DEFAULT_REDIS_URL, stop: () => {} };
  }
  const port = await freePort();
  mkdirSync(dataDir, { recursive: true });
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      path.resolve(dataDir),
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stop);
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await answersPing(url, 200)) {
      logger.info({ port }, 'started a private redis-server for the demo');
      return { url, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  stop();
  logger.error({ port }, 'redis-server did not start within 5 s: set REDIS_URL to a running Redis');
  return { url: DEFAULT_REDIS_URL, stop: () => {} };
}
