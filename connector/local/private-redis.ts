import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { answersPing, freePort, hasRedisServer, privateRedisArguments } from '../server/local-redis.ts';

export interface PrivateRedis {
  url: string;
  port: number;
  /** The redis-server process id. */
  pid: number;
  /** SIGTERM (Redis finishes its AOF writes), SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

export const INSTALL_REDIS_HINT =
  'install redis-server (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL to a Redis with appendonly yes and maxmemory-policy noeviction';

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * A redis-server of the demo's own on a free port of 127.0.0.1, its data (the AOF) in `dataDir`.
 * It runs the way the worker demands (appendonly yes, maxmemory-policy noeviction, see
 * shared/store/redis-policy.ts) and in its own process group, so a terminal's Ctrl-C reaches only
 * the demo, which stops Redis last, after the worker has drained.
 */
export async function startPrivateRedis(dataDir: string): Promise<PrivateRedis> {
  if (!hasRedisServer()) {
    throw new RedisUnavailableError(`redis-server is not installed: ${INSTALL_REDIS_HINT}`);
  }
  const port = await freePort();
  mkdirSync(dataDir, { recursive: true });
  const child: ChildProcess = spawn('redis-server', privateRedisArguments(port, dataDir), {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + String(chunk)).slice(-2_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  // Whatever ends this process, the private Redis ends with it.
  const killOnExit = () => {
    if (running()) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (!running()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (!running()) break;
    if (await answersPing(url, 200)) return { url, port, pid: child.pid ?? -1, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new RedisUnavailableError(
    `redis-server did not answer on port ${port} within 10 s${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}; set REDIS_URL to a running Redis`,
  );
}
