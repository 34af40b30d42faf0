import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installReason } from '../scripts/ensure-install.mjs';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function checkout(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'leadscore-install-'));
  folders.push(root);
  writeFileSync(path.join(root, 'package-lock.json'), '{}');
  return root;
}

function installAt(root: string, seconds: number): void {
  mkdirSync(path.join(root, 'node_modules'), { recursive: true });
  writeFileSync(path.join(root, 'node_modules', '.package-lock.json'), '{}');
  utimesSync(path.join(root, 'node_modules', '.package-lock.json'), seconds, seconds);
}

describe('the install step before npm start and npm test', () => {
  it('installs on a fresh clone, where node_modules is missing', () => {
    expect(installReason(checkout())).toBe('node_modules is missing');
  });

  it('installs again when the lockfile changed after the last install', () => {
    const root = checkout();
    installAt(root, 1_000_000);
    utimesSync(path.join(root, 'package-lock.json'), 2_000_000, 2_000_000);
    expect(installReason(root)).toBe('package-lock.json is newer than node_modules');
  });

  it('does nothing when node_modules is as new as the lockfile', () => {
    const root = checkout();
    utimesSync(path.join(root, 'package-lock.json'), 1_000_000, 1_000_000);
    installAt(root, 2_000_000);
    expect(installReason(root)).toBeUndefined();
  });
});
