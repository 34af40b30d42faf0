import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Vitest global setup: the suite needs a Redis, and `npm test` must work as the first command on a
 * machine that has none running. REDIS_URL wins when set; else the local default 127.0.0.1:6379 when
 * it answers; else a private redis-server on a free port for this run (stopped at the end); else one
 * line saying what to install.
 */
let privateRedis: { child: ChildProcess; dir: string } | undefined;

function answersPing(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(String(data).startsWith('+PONG')));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function setup(): Promise<void> {
  if (process.env.REDIS_URL) return;
  if (await answersPing('127.0.0.1', 6379)) return;
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(
      'the tests need Redis: none answers at 127.0.0.1:6379 and redis-server is not installed. Install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL',
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'leadscore-test-redis-'));
  const child = spawn(
    'redis-server',
    // The same policy the product requires (AOF, noeviction), so the tests see what production sees.
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
      ...['--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', ''],
    ],
    { stdio: 'ignore' },
  );
  privateRedis = { child, dir };
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await answersPing('127.0.0.1', port, 200)) {
      // Workers start after global setup and inherit this environment.
      process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
      process.stderr.write(
        `tests: no Redis at 127.0.0.1:6379, started redis-server on port ${port} for this run\n`,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await teardown();
  throw new Error(`redis-server did not answer on port ${port} within 5 s: set REDIS_URL to a running Redis`);
}

export async function teardown(): Promise<void> {
  if (privateRedis === undefined) return;
  const { child, dir } = privateRedis;
  privateRedis = undefined;
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}
