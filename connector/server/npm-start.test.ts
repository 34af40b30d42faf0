import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * `npm start` as a person runs it: the npm process gets the signal (a terminal's Ctrl-C, a process
 * manager's SIGTERM), and everything it started, the server and its private redis-server, must end.
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

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
  const environment: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LOG_LEVEL: 'info' };
  // Unset: the server starts its own private redis-server, the case that used to be left running.
  delete environment.REDIS_URL;
  const npm = spawn('npm', ['start'], { cwd: repoRoot, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(npm);
  let output = '';
  npm.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  npm.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  while (!output.includes('LeadScore is listening')) {
    if (Date.now() > deadline || npm.exitCode !== null)
      throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const tree = descendants(npm.pid ?? -1);
  strays.push(...tree.map((row) => row.pid));
  return { npm, port, tree, exited, output: () => output };
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

describe('npm start', () => {
  it('answers GET / with a page that says what is running and links to /healthz', async () => {
    const app = await startWithNpm();
    const response = await fetch(`http://127.0.0.1:${app.port}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const page = await response.text();
    expect(page).toContain('<h1>LeadScore is running</h1>');
    expect(page).toMatch(/a private redis-server on port \d+ \(data in \.redis\/\): reachable/);
    expect(page).toContain('<a href="/healthz">/healthz</a>');
    app.npm.kill('SIGTERM');
    expect(
      await waitUntilGone(
        app.tree.map((row) => row.pid),
        5_000,
      ),
    ).toEqual([]);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops the server and its private redis-server within 5 s when npm gets ${signal}`, async () => {
      const app = await startWithNpm();
      const redisServer = app.tree.find((row) => row.command.startsWith('redis-server'));
      expect(redisServer, 'npm start runs a private redis-server').toBeDefined();
      expect(app.tree.some((row) => row.command.includes('connector/server/main.ts'))).toBe(true);

      app.npm.kill(signal);
      expect(await waitUntilGone([app.npm.pid ?? -1, ...app.tree.map((row) => row.pid)], 5_000)).toEqual([]);
      await app.exited;
      await expect(fetch(`http://127.0.0.1:${app.port}/healthz`)).rejects.toThrow();
    });
  }

  it('stops everything when the node process itself gets SIGTERM, and logs why', async () => {
    const app = await startWithNpm();
    const server = app.tree.find((row) => row.command.includes('connector/server/main.ts'));
    expect(server).toBeDefined();
    process.kill(server?.pid ?? -1, 'SIGTERM');
    expect(await waitUntilGone([app.npm.pid ?? -1, ...app.tree.map((row) => row.pid)], 5_000)).toEqual([]);
    expect(app.npm.exitCode).toBe(0);
    expect(app.output()).toContain('"signal":"SIGTERM","msg":"shutting down"');
  });
});
