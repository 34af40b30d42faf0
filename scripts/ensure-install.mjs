#!/usr/bin/env node
// Runs before `npm start` and `npm test`: installs the dependencies with `npm ci` when node_modules is
// missing or older than package-lock.json, so those two commands work as the first ones on a fresh
// clone. Plain Node, no dependencies: it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Why `root` needs `npm ci` first, or undefined when its node_modules matches its lockfile. */
export function installReason(root) {
  // npm writes node_modules/.package-lock.json at the end of every install: its age is the install's.
  const installedAt = modifiedAt(path.join(root, 'node_modules', '.package-lock.json'));
  const lockfileAt = modifiedAt(path.join(root, 'package-lock.json'));
  if (installedAt === undefined) return 'node_modules is missing';
  if (lockfileAt !== undefined && lockfileAt > installedAt)
    return 'package-lock.json is newer than node_modules';
  return undefined;
}

function modifiedAt(file) {
  try {
    return statSync(file).mtimeMs;
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
}

function ensureInstalled(root) {
  const reason = installReason(root);
  if (reason === undefined) return;
  process.stderr.write(`leadscore: ${reason}: running npm ci first (once, about a minute)\n`);
  // Under npm, npm_execpath is the npm that is running us: use the same one.
  const npm = process.env.npm_execpath
    ? { command: process.execPath, args: [process.env.npm_execpath] }
    : { command: process.platform === 'win32' ? 'npm.cmd' : 'npm', args: [] };
  const result = spawnSync(npm.command, [...npm.args, 'ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    process.stderr.write(
      `leadscore: npm ci failed (exit ${result.status ?? result.signal}); fix the error above, then run it again\n`,
    );
    process.exit(result.status ?? 1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  ensureInstalled(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
}
