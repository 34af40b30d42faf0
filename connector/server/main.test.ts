import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'connector/server/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk) => {
    output.stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output.stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

async function waitForOutput(output: { stdout: string }, text: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!output.stdout.includes(text)) {
    if (Date.now() - started > timeoutMs) throw new Error(`no "${text}" in output:\n${output.stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm start entry point', () => {
  it('keeps serving and answers 503 with a reason when Redis is unreachable, then exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port), REDIS_URL: 'redis://127.0.0.1:1' });
    await waitForOutput(server.output, 'LeadScore is listening');
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { reason: string }).reason).toContain('redis connection is');
    await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(server.output.stdout.match(/redis is unreachable/g)).toHaveLength(1);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  const badVariables: [string, string, string][] = [
    ['PORT', 'eighty', 'must be a port number between 1 and 65535'],
    ['LOG_LEVEL', 'loud', 'must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    ['REDIS_URL', 'http://127.0.0.1:6379', 'must be a redis:// or rediss:// URL'],
    ['NODE_ENV', 'prod', 'must be development, test or production'],
    ['TOKEN_ENCRYPTION_KEY', 'abc', 'must be 64 hex characters'],
  ];
  for (const [variable, value, problem] of badVariables) {
    it(`stops with exit code 2 and one line when ${variable}=${value}`, async () => {
      const server = startServer({ [variable]: value });
      expect(await server.exited).toBe(2);
      const lines = server.output.stderr.trim().split('\n');
      expect(lines).toEqual([expect.stringContaining(`Invalid configuration: ${variable} ${problem}`)]);
      expect(server.output.stdout).toBe('');
    });
  }

  it('never prints the value of a secret variable it refuses', async () => {
    const server = startServer({ TOKEN_ENCRYPTION_KEY: 'not-a-key-but-secret' });
    expect(await server.exited).toBe(2);
    expect(server.output.stderr).toContain('(value hidden)');
    expect(server.output.stderr).not.toContain('not-a-key-but-secret');
  });

  it('says a port in use in one line and exits with code 2', async () => {
    const busy = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => busy.once('listening', resolve));
    const address = busy.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const server = startServer({ PORT: String(port), REDIS_URL: 'redis://127.0.0.1:1' });
      expect(await server.exited).toBe(2);
      expect(server.output.stderr.trim()).toBe(`port ${port} is in use: set PORT to a free port`);
    } finally {
      busy.close();
    }
  });
});
