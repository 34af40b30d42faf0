import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDataDir } from './data-dir.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'leadscore-datadir-'));
  dirs.push(dir);
  return dir;
}

describe('the demo data directory', () => {
  it('is taken with a pid file and given back', () => {
    const root = scratch();
    const preferred = path.join(root, '.redis');
    const claimed = claimDataDir(preferred, path.join(root, 'tmp'));
    expect(claimed).toMatchObject({ dir: preferred, logDir: path.join(preferred, 'logs'), shared: true });
    expect(readFileSync(path.join(preferred, 'local.pid'), 'utf8').trim()).toBe(String(process.pid));
    claimed.release();
    expect(existsSync(path.join(preferred, 'local.pid'))).toBe(false);
  });

  it('sends a second run to a scratch directory while a live process holds it, and removes that after', async () => {
    const root = scratch();
    const preferred = path.join(root, '.redis');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      claimDataDir(preferred, root).release();
      writeFileSync(path.join(preferred, 'local.pid'), `${holder.pid}\n`);
      const second = claimDataDir(preferred, path.join(root, 'tmp'));
      expect(second.shared).toBe(false);
      expect(second.heldBy).toBe(holder.pid);
      expect(second.dir).toBe(path.join(root, 'tmp', `leadscore-local-${process.pid}`));
      expect(existsSync(second.logDir)).toBe(true);
      second.release();
      expect(existsSync(second.dir)).toBe(false);
      expect(readFileSync(path.join(preferred, 'local.pid'), 'utf8').trim()).toBe(String(holder.pid));
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('is taken over from a run that died without giving it back', () => {
    const root = scratch();
    const preferred = path.join(root, '.redis');
    claimDataDir(preferred, root).release();
    // A pid far above any live process (Linux pid_max is at most 4194304).
    writeFileSync(path.join(preferred, 'local.pid'), '4194305\n');
    expect(claimDataDir(preferred, path.join(root, 'tmp')).shared).toBe(true);
  });
});
