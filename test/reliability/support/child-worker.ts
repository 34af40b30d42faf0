import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/**
 * A worker script of a scenario run as its own Node process, so a test can kill it with -9, block
 * its event loop, or abandon it when it hangs, without the test process being affected.
 */
export interface ChildWorker {
  readonly process: ChildProcess;
  /** Lines it has printed on stdout so far. */
  readonly lines: string[];
  /** Resolves with the first line (already printed or to come) that starts with `prefix`. */
  waitForLine(prefix: string, timeoutMs: number): Promise<string>;
  isAlive(): boolean;
  /** Sends `signal` and waits for the exit; SIGKILL after `graceMs`. Resolves with how it ended. */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<{ code: number | null; forced: boolean }>;
}

export function startChildWorker(script: string, env: Record<string, string>): ChildWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: { prefix: string; resolve: (line: string) => void }[] = [];
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += String(chunk);
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      lines.push(line);
      for (const waiter of waiters.filter((candidate) => line.startsWith(candidate.prefix))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  const isAlive = () => exitCode === undefined;
  return {
    process: child,
    lines,
    isAlive,
    waitForLine(prefix, timeoutMs) {
      const printed = lines.find((line) => line.startsWith(prefix));
      if (printed !== undefined) return Promise.resolve(printed);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${script} printed no "${prefix}" line within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          prefix,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`${script} exited (${code}) before printing a "${prefix}" line`));
        });
      });
    },
    async stop(signal, graceMs) {
      if (!isAlive()) return { code: exitCode ?? null, forced: false };
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const first = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (first !== 'timeout') return { code: first, forced: false };
      child.kill('SIGKILL');
      return { code: await exited, forced: true };
    },
  };
}
