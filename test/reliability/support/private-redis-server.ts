import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A redis-server of a test's own (free port, temporary folder), for scenarios that restart Redis,
 * kill its connections or change its policy: never done to the shared test Redis.
 */
export interface PrivateRedisServer {
  url: string;
  port: number;
  /** Stops the server (SHUTDOWN: the AOF is flushed) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder: the data comes back from the AOF. */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  destroy(): Promise<void>;
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

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(300, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(String(data).startsWith('+PONG')));
  });
}

export async function startPrivateRedis(
  policy: { maxmemoryPolicy?: string; appendonly?: 'yes' | 'no'; debugCommand?: boolean } = {},
): Promise<PrivateRedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'leadscore-scenario-redis-'));
  let child: ChildProcess | undefined;
  const args = [
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
    ...['--appendonly', policy.appendonly ?? 'yes', '--appendfsync', 'always'],
    ...['--maxmemory-policy', policy.maxmemoryPolicy ?? 'noeviction'],
    // DEBUG SLEEP makes the server slow on purpose (off by default since Redis 7).
    ...(policy.debugCommand ? ['--enable-debug-command', 'yes'] : []),
  ];
  const server: PrivateRedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn('redis-server', args, { stdio: 'ignore' });
      for (let attempt = 0; attempt < 100; attempt += 1) {
        if (await answersPing(port)) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`private redis-server did not answer on port ${port}`);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      // SIGTERM makes redis-server shut down cleanly, flushing the AOF.
      running.kill('SIGTERM');
      await exited;
    },
    async destroy() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
