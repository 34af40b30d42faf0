#!/usr/bin/env node
// Runs before `npm start` and `npm test`: installs the dependencies with `npm ci` when node_modules is
// missing or older than package-lock.json, so those two commands work as the first ones on a fresh
// clone. Plain Node, no dependencies: it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// npm writes node_modules/.package-lock.json at the end of every install: its age is the install's.
const installedAt = modifiedAt(path.join(root, 'node_modules', '.package-lock.json'));
const lockfileAt = modifiedAt(path.join(root, 'package-lock.json'));

const reason =
  installedAt === undefined
    ? 'node_modules is missing'
    : lockfileAt !== undefined && lockfileAt > installedAt
      ? 'package-lock.json is newer than node_modules'
      : undefined;

if (reason !== undefined) {
  process.stderr.write(`leadscore: ${reason}: running npm ci first (once, about a minute)\n`);
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

function modifiedAt(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}
