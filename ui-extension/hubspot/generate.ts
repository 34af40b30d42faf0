import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifest, type Manifest } from '../../shared/manifest.ts';
import {
  DEFAULT_PUBLIC_URL,
  GENERATE_COMMAND,
  type GeneratedFile,
  ProjectOptionsError,
  projectFiles,
} from './project-files.ts';

/**
 * Writes the HubSpot project's generated files from manifest.json:
 *   node --import tsx ui-extension/hubspot/generate.ts [--public-url https://host] [--check]
 * `--check` writes nothing and fails, naming each file, when a committed file differs.
 * `--public-url` builds for another server (a tunnel in development); commit only the default.
 */

export const PROJECT_ROOT = dirname(fileURLToPath(import.meta.url));

export interface Drift {
  path: string;
  problem: 'missing' | 'differs' | 'not generated';
}

/** Every `*-hsmeta.json` under src, relative to the project root. */
function hsmetaFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && entry.name.endsWith('-hsmeta.json')) found.push(relative(root, path));
    }
  };
  walk(join(root, 'src'));
  return found.sort();
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** How the files under `root` differ from the generated ones, including hsmeta files nobody generates. */
export function driftOf(files: readonly GeneratedFile[], root = PROJECT_ROOT): Drift[] {
  const drift: Drift[] = [];
  for (const file of files) {
    const committed = readOrUndefined(join(root, file.path));
    if (committed === undefined) drift.push({ path: file.path, problem: 'missing' });
    else if (committed !== file.content) drift.push({ path: file.path, problem: 'differs' });
  }
  const generated = new Set(files.map((file) => file.path));
  for (const path of hsmetaFiles(root))
    if (!generated.has(path)) drift.push({ path, problem: 'not generated' });
  return drift;
}

export function describeDrift(drift: readonly Drift[]): string {
  const lines = drift.map((item) => {
    const where = `ui-extension/hubspot/${item.path}`;
    if (item.problem === 'missing') return `${where} is missing`;
    if (item.problem === 'differs') return `${where} differs from what manifest.json gives`;
    return `${where} is a component manifest.json does not describe: remove it or add it to project-files.ts`;
  });
  return `${lines.join('\n')}\nrun ${GENERATE_COMMAND}`;
}

export function writeProject(files: readonly GeneratedFile[], root = PROJECT_ROOT): string[] {
  const written: string[] = [];
  for (const file of files) {
    const path = join(root, file.path);
    if (readOrUndefined(path) === file.content) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
    written.push(file.path);
  }
  return written;
}

interface Arguments {
  check: boolean;
  publicUrl: string;
}

export function parseArguments(args: readonly string[]): Arguments {
  const parsed: Arguments = { check: false, publicUrl: DEFAULT_PUBLIC_URL };
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--check') parsed.check = true;
    else if (arg.startsWith('--public-url=')) parsed.publicUrl = arg.slice('--public-url='.length);
    else if (arg === '--public-url') {
      const value = args[index + 1];
      if (value === undefined || value.startsWith('--'))
        throw new ProjectOptionsError(
          '--public-url needs a value, such as --public-url https://leadscore.example.com',
        );
      parsed.publicUrl = value;
      index += 1;
    } else
      throw new ProjectOptionsError(
        `unknown argument "${arg}": use --check and --public-url <https origin> (see ${GENERATE_COMMAND})`,
      );
  }
  return parsed;
}

export function main(args: readonly string[], manifest: Manifest = loadManifest()): number {
  const options = parseArguments(args);
  const files = projectFiles(manifest, { publicUrl: options.publicUrl });
  if (options.check) {
    const drift = driftOf(files);
    if (drift.length > 0) {
      process.stderr.write(`${describeDrift(drift)}\n`);
      return 1;
    }
    process.stdout.write(`HubSpot project files match manifest.json (${files.length} files)\n`);
    return 0;
  }
  const written = writeProject(files);
  process.stdout.write(
    written.length === 0
      ? `HubSpot project files already match manifest.json (${files.length} files)\n`
      : `wrote ${written.map((path) => `ui-extension/hubspot/${path}`).join(', ')}\n`,
  );
  if (options.publicUrl !== DEFAULT_PUBLIC_URL)
    process.stdout.write(
      `built for ${options.publicUrl}: run ${GENERATE_COMMAND} without --public-url before committing\n`,
    );
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
