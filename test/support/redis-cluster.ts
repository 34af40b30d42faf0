import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cluster, type ClusterOptions, Redis } from 'ioredis';

/**
 * A private three-node Redis Cluster for tests that must prove slot safety: three
 * `redis-server --cluster-enabled yes` on free loopback ports in a temporary folder, joined with
 * `redis-cli --cluster create`, no replicas. The binaries are found the way scripts/ensure-redis.sh
 * finds redis-server: installed from Debian's package when missing and running as root, otherwise
 * one line saying what to install (and a failure, never a skip).
 *
 *   const cluster = await startRedisCluster();
 *   cluster.client            // an ioredis Cluster, ready
 *   cluster.connect({...})    // another Cluster client with your options (BullMQ: maxRetriesPerRequest: null)
 *   await cluster.stop();     // closes the clients it made, kills the three servers, removes the folder
 */
export interface RedisClusterHandle {
  client: Cluster;
  nodes: { host: string; port: number }[];
  connect(options?: ClusterOptions): Cluster;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

function installed(binary: string): boolean {
  return spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Makes sure redis-server and redis-cli exist, installing Debian's packages when we may. */
export function ensureRedisBinaries(): void {
  if (installed('redis-server') && installed('redis-cli')) return;
  const root = process.getuid?.() === 0;
  if (root && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    process.stderr.write(
      "redis-cluster: redis-server or redis-cli is missing: installing Debian's redis-server package\n",
    );
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server', 'redis-tools'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env,
    });
    if (installed('redis-server') && installed('redis-cli')) return;
  }
  throw new Error(
    'the Redis Cluster suite needs redis-server and redis-cli: install them (Debian/Ubuntu: sudo apt-get install -y redis-server redis-tools; macOS: brew install redis)',
  );
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** A port that is free along with its cluster bus port (port + 10000). */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + 10_000))) {
      taken.add(port);
      taken.add(port + 10_000);
      return port;
    }
  }
  throw new Error('redis-cluster: found no free port pair (port and port + 10000) between 20000 and 39999');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`redis-cluster: ${what} within ${timeoutMs} ms`);
}

async function ask<T>(port: number, question: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // A node that is still starting refuses the connection: connect() rejects, no event needed.
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await question(redis);
  } finally {
    redis.disconnect();
  }
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += String(chunk);
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

export async function startRedisCluster(options: { timeoutMs?: number } = {}): Promise<RedisClusterHandle> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  ensureRedisBinaries();
  const dir = mkdtempSync(path.join(tmpdir(), 'leadscore-redis-cluster-'));
  const taken = new Set<number>();
  const ports = [await freeClusterPort(taken), await freeClusterPort(taken), await freeClusterPort(taken)];
  const servers: ChildProcess[] = [];
  const clients: Cluster[] = [];

  // Should the test process die before stop(), the servers must not outlive it.
  const killOnExit = () => {
    for (const server of servers) if (server.exitCode === null) server.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
    await Promise.all(
      servers.map(async (server) => {
        if (server.exitCode !== null || server.signalCode !== null) return;
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (const port of ports) {
      const server = spawn(
        'redis-server',
        [
          ...['--port', String(port), '--bind', HOST, '--dir', dir],
          ...['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`],
          ...['--cluster-node-timeout', '5000', '--appendonly', 'no', '--save', ''],
          ...['--maxmemory-policy', 'noeviction', '--logfile', path.join(dir, `redis-${port}.log`)],
        ],
        { stdio: 'ignore' },
      );
      servers.push(server);
    }
    for (const port of ports) {
      await waitFor(
        `redis-server on port ${port} did not answer PING`,
        async () => {
          return (await ask(port, (redis) => redis.ping())) === 'PONG';
        },
        timeoutMs,
      );
    }
    const created = await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `${HOST}:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    if (created.code !== 0) {
      throw new Error(
        `redis-cluster: redis-cli --cluster create failed (exit ${created.code}): ${created.output.trim()}`,
      );
    }
    for (const port of ports) {
      await waitFor(
        `node ${port} did not reach cluster_state:ok`,
        async () => {
          const info = await ask(port, (redis) => redis.cluster('INFO'));
          return String(info).includes('cluster_state:ok');
        },
        timeoutMs,
      );
    }
    const nodes = ports.map((port) => ({ host: HOST, port }));
    const connect = (clusterOptions: ClusterOptions = {}) => {
      const client = new Cluster(nodes, clusterOptions);
      clients.push(client);
      return client;
    };
    const client = connect();
    await waitFor(
      'the cluster client did not become ready',
      async () => client.status === 'ready',
      timeoutMs,
    );
    return { client, nodes, connect, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
