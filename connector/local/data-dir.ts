import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DemoDataDir {
  /** Where the private Redis keeps its AOF and the processes their logs (`<dir>/logs`). */
  dir: string;
  logDir: string;
  /** True for `.redis/` itself; false for a scratch directory, used while another run holds `.redis/`. */
  shared: boolean;
  /** Gives `.redis/` back (or removes the scratch directory). */
  release(): void;
}

const LOCK_FILE = 'local.pid';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it lives, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holder(lockFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `.redis/` for one run at a time: its Redis data and logs would be overwritten by a second run
 * (two terminals, the browser tests beside `npm start`). The first run takes it (a pid file); a run
 * that finds it taken by a live process works in `<scratchRoot>/leadscore-local-<pid>/` instead,
 * removed when it stops.
 */
export function claimDataDir(preferred: string, scratchRoot: string): DemoDataDir & { heldBy?: number } {
  mkdirSync(preferred, { recursive: true });
  const lockFile = path.join(preferred, LOCK_FILE);
  const heldBy = holder(lockFile);
  if (heldBy === undefined) {
    writeFileSync(lockFile, `${process.pid}\n`);
    const logDir = path.join(preferred, 'logs');
    mkdirSync(logDir, { recursive: true });
    return {
      dir: preferred,
      logDir,
      shared: true,
      release: () => {
        if (holder(lockFile) === undefined) rmSync(lockFile, { force: true });
      },
    };
  }
  const dir = path.join(scratchRoot, `leadscore-local-${process.pid}`);
  const logDir = path.join(dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  return { dir, logDir, shared: false, heldBy, release: () => rmSync(dir, { recursive: true, force: true }) };
}
