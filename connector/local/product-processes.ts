import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export type ProductProcessName = 'server' | 'worker';

export interface ProductProcess {
  readonly name: ProductProcessName;
  readonly child: ChildProcess;
  /** Resolves with the exit code (null after a signal) when the process ends, whoever ended it. */
  readonly exited: Promise<number | null>;
  /** The last lines it wrote to stderr/stdout, for a failure message. */
  tail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface ProductProcessOptions {
  /** Every line the process writes, as one JSON object a line (pino's own lines kept as they are). */
  logFile?: string;
  /**
   * Its own process group, so a terminal's Ctrl-C reaches only the parent, which then stops the
   * processes in order (the worker drains before Redis goes away).
   */
  detached?: boolean;
}

const TAIL_LINES = 40;

/** Starts `npm start`'s server or `npm run worker`'s worker as its own Node process. */
export function startProductProcess(
  name: ProductProcessName,
  env: Record<string, string>,
  options: ProductProcessOptions = {},
): ProductProcess {
  const entry = name === 'server' ? 'connector/server/main.ts' : 'worker/main.ts';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  const lines: string[] = [];
  // BENCH_LOG_DIR keeps each process's whole log (set BENCH_LOG_LEVEL=info to see every job).
  const logDir = process.env.BENCH_LOG_DIR;
  const logFile =
    options.logFile ?? (logDir !== undefined && logDir !== '' ? path.join(logDir, `${name}.log`) : undefined);
  const file: WriteStream | undefined = logFile === undefined ? undefined : createWriteStream(logFile);
  const keep = (stream: 'stdout' | 'stderr') => {
    let partial = '';
    return (chunk: Buffer) => {
      const text = partial + String(chunk);
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (line.trim() === '') continue;
        lines.push(line);
        file?.write(`${structuredLine(name, stream, line)}\n`);
      }
      if (lines.length > TAIL_LINES) lines.splice(0, lines.length - TAIL_LINES);
    };
  };
  child.stdout?.on('data', keep('stdout'));
  child.stderr?.on('data', keep('stderr'));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      file?.end();
      resolve(code);
    }),
  );
  // A start that fails (no node binary, say) is reported by `exited` with no code.
  child.once('error', (error) => {
    lines.push(`could not start the ${name}: ${error.message}`);
  });
  return {
    name,
    child,
    exited,
    tail: () => lines.join('\n'),
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** pino's JSON lines as they are; anything else (a config error on stderr) as a JSON line of its own. */
function structuredLine(name: ProductProcessName, stream: 'stdout' | 'stderr', line: string): string {
  if (line.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed !== null && typeof parsed === 'object') return line;
    } catch {
      // not JSON after all: wrapped below
    }
  }
  return JSON.stringify({
    level: stream === 'stderr' ? 50 : 30,
    time: Date.now(),
    name,
    stream,
    msg: line,
  });
}

/** Polls `check` every `everyMs` until it returns a value, or throws `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A check that throws ends the wait (it knows the answer will not come); one that returns
    // undefined is asked again.
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
