import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalProduct } from '../../../connector/local/start.ts';
import type { FirstCycleOutcome } from './product.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The running product, as `npm start` serves it. */
    leadscore: { url: string; sandboxUrl: string; firstCycleFile: string };
  }
}

/**
 * Vitest global setup for the browser tests: one product for the whole run (the first scoring cycle
 * of the seeded CRMs costs about a minute, so every file shares it), on a private redis-server so the
 * run starts from nothing and leaves nothing behind. E2E_LEADS_PER_CRM makes the seed smaller (at
 * least 1,000 labelled leads per CRM keep real models rather than the transparent rules).
 */
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
    socket.setTimeout(200, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(String(data).startsWith('+PONG')));
  });
}

async function startPrivateRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'leadscore-e2e-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
      ...['--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', ''],
    ],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 50; attempt += 1) {
    if (await answersPing(port)) return { url: `redis://127.0.0.1:${port}`, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(
    `redis-server did not answer on port ${port} within 5 s: the browser tests need redis-server (apt-get install -y redis-server)`,
  );
}

const seconds = (since: number): string => `${Math.round((Date.now() - since) / 1000)} s`;

function leadsPerCrm(): number | undefined {
  const configured = process.env.E2E_LEADS_PER_CRM;
  if (configured === undefined || configured === '') return undefined;
  const count = Number(configured);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`E2E_LEADS_PER_CRM=${configured} is not a whole number of leads: use e.g. 2000`);
  }
  return count;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const startedAt = Date.now();
  const redis = await startPrivateRedis();
  const count = leadsPerCrm();
  let product: Awaited<ReturnType<typeof startLocalProduct>>;
  try {
    product = await startLocalProduct({
      port: await freePort(),
      redisUrl: redis.url,
      quiet: true,
      ...(count === undefined ? {} : { leadsPerCrm: count }),
    });
  } catch (error) {
    await redis.stop();
    throw error;
  }
  process.stderr.write(`e2e: product at ${product.url} after ${seconds(startedAt)}\n`);
  // Files that need scores wait for this file (see firstCycleDone); the others start at once.
  const markerDir = mkdtempSync(path.join(tmpdir(), 'leadscore-e2e-'));
  const firstCycleFile = path.join(markerDir, 'first-cycle.json');
  let stopped = false;
  const mark = (outcome: FirstCycleOutcome) => {
    // A run that ends before the first cycle stops the product: its rejection then means nothing.
    if (!stopped) writeFileSync(firstCycleFile, JSON.stringify(outcome));
  };
  product.firstCycle.then(
    (report) => {
      const tenants = report.tenants.map(
        (tenant) => `${tenant.provider} ${tenant.scored} scored (${tenant.outcome})`,
      );
      const summary = `first scoring cycle done after ${seconds(startedAt)}: ${tenants.join(', ')}`;
      process.stderr.write(`e2e: ${summary}\n`);
      mark({ ok: true, summary });
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (stopped) return;
      process.stderr.write(`e2e: the first scoring cycle failed: ${message}\n`);
      mark({ ok: false, summary: message });
    },
  );
  // A crash later in the run would otherwise show only as timeouts in the tests.
  void product.failed.then((failure) => {
    process.stderr.write(
      `e2e: the product's ${failure.process} stopped (exit ${failure.exitCode}): ${failure.message}\n`,
    );
  });
  project.provide('leadscore', { url: product.url, sandboxUrl: product.sandboxUrl, firstCycleFile });
  return async () => {
    stopped = true;
    await product.stop();
    await redis.stop();
    rmSync(markerDir, { recursive: true, force: true });
  };
}
