import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * `npm start` as a person runs it, kept quick: it comes up (Redis, the sandbox CRM, server and
 * worker, both tenants installed) with a few hundred leads, answers its pages, and everything it
 * started ends when npm gets a terminal's Ctrl-C or a process manager's SIGTERM, or when one of its
 * processes dies. The whole first cycle (sync, training, write-back) is the browser tests' to cover.
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const START_SCRIPT = 'exec node --import tsx connector/local/start.ts';

interface ProcessRow {
  pid: number;
  ppid: number;
  state: string;
  command: string;
}

function processTable(): ProcessRow[] {
  return execFileSync('ps', ['-e', '-o', 'pid=,ppid=,stat=,args='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const [pid, ppid, state, ...command] = line.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), state: state ?? '', command: command.join(' ') };
    });
}

/** Every live process below `root`, zombies (exited, not yet reaped) left out. */
function descendants(root: number): ProcessRow[] {
  const table = processTable().filter((row) => !row.state.startsWith('Z'));
  const found: ProcessRow[] = [];
  const parents = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const row of table) {
      if (parents.has(row.ppid) && !parents.has(row.pid)) {
        parents.add(row.pid);
        found.push(row);
        grew = true;
      }
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  const row = processTable().find((candidate) => candidate.pid === pid);
  return row !== undefined && !row.state.startsWith('Z');
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const started: ChildProcess[] = [];
const strays: number[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
});

async function startWithNpm() {
  const port = await freePort();
  const environment: NodeJS.ProcessEnv = { ...process.env };
  // Unset: npm start runs its own private redis-server, the case that must not be left running.
  delete environment.REDIS_URL;
  delete environment.PORT;
  // The test runner silences logs; the children's last lines are part of what is checked.
  environment.LOG_LEVEL = 'info';
  const npm = spawn('npm', ['start', '--', '--port', String(port), '--leads', '300'], {
    cwd: repoRoot,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(npm);
  let output = '';
  npm.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  npm.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 150_000;
  while (!output.includes('installed LeadScore in both CRMs through OAuth')) {
    if (Date.now() > deadline || npm.exitCode !== null)
      throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const sandboxPort = Number(/sandbox CRM at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
  const tree = descendants(npm.pid ?? -1);
  strays.push(...tree.map((row) => row.pid));
  return { npm, port, sandboxPort, tree, exited, output: () => output };
}

async function waitUntilGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    alive = alive.filter(isAlive);
  }
  return alive;
}

async function refuses(url: string): Promise<boolean> {
  return fetch(url).then(
    () => false,
    () => true,
  );
}

describe('npm start', () => {
  it('runs the local product orchestrator', () => {
    const manifest = JSON.parse(readFileSync(`${repoRoot}/package.json`, 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts.start).toBe(START_SCRIPT);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`serves its pages, then stops the worker, server, sandbox CRM and private redis-server when npm gets ${signal}`, async () => {
      const app = await startWithNpm();
      const commands = app.tree.map((row) => row.command);
      expect(commands.some((command) => command.startsWith('redis-server'))).toBe(true);
      expect(commands.some((command) => command.includes('connector/server/main.ts'))).toBe(true);
      expect(commands.some((command) => command.includes('worker/main.ts'))).toBe(true);
      expect(app.output()).toMatch(/Redis: a private redis-server on port \d+/);

      const home = await fetch(`http://127.0.0.1:${app.port}/`);
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toContain('text/html');
      expect((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status).toBe(200);
      expect(await refuses(`http://127.0.0.1:${app.sandboxPort}/`)).toBe(false);

      app.npm.kill(signal);
      expect(await waitUntilGone([app.npm.pid ?? -1, ...app.tree.map((row) => row.pid)], 20_000)).toEqual([]);
      expect(await app.exited).toBe(0);
      expect(await refuses(`http://127.0.0.1:${app.port}/healthz`)).toBe(true);
      expect(await refuses(`http://127.0.0.1:${app.sandboxPort}/`)).toBe(true);
    }, 200_000);
  }

  it('stops everything, with the last lines of the process that died, when the worker dies', async () => {
    const app = await startWithNpm();
    const worker = app.tree.find((row) => row.command.includes('worker/main.ts'));
    expect(worker).toBeDefined();
    process.kill(worker?.pid ?? -1, 'SIGKILL');
    expect(await waitUntilGone([app.npm.pid ?? -1, ...app.tree.map((row) => row.pid)], 20_000)).toEqual([]);
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('the worker stopped unexpectedly (exit code none, killed by a signal)');
    expect(app.output()).toContain('"msg":"worker started"');
    expect(app.output()).toContain('stopping everything.');
    expect(await refuses(`http://127.0.0.1:${app.port}/healthz`)).toBe(true);
  }, 200_000);
});
