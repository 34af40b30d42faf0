import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../../shared/logger.ts';

/** The panel's Vite project: `index.html`, `vite.config.ts` and `src/`, built into `dist/`. */
export const PANEL_ROOT = fileURLToPath(new URL('../../../ui-extension/panel/', import.meta.url));
/** Where the bundle is served from: the Vite project's `dist/`. */
export const PANEL_DIST = join(PANEL_ROOT, 'dist');
/** Written after a build: the hash of the sources the bundle was built from. */
export const SOURCE_HASH_FILE = '.source-hash';

export interface PanelBundleOptions {
  logger: Logger;
  /** Build even when the bundle is up to date. */
  force?: boolean;
  /** The Vite project (default ui-extension/panel); its config is `vite.config.ts` there. */
  root?: string;
}

export interface PanelBundleResult {
  built: boolean;
  seconds: number;
  dist: string;
}

async function filesUnder(directory: string): Promise<string[]> {
  if (!existsSync(directory)) return [];
  const entries = await readdir(directory, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/**
 * SHA-256 over the panel's sources (index.html, vite.config.ts, every file under src/): each file's
 * path relative to the project, then its bytes, in path order, so a rename changes it too.
 */
export async function panelSourceHash(root: string = PANEL_ROOT): Promise<string> {
  const files = [
    join(root, 'index.html'),
    join(root, 'vite.config.ts'),
    ...(await filesUnder(join(root, 'src'))),
  ]
    .filter((file) => existsSync(file))
    .map((file) => ({ file, name: relative(root, file).split(sep).join('/') }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hash = createHash('sha256');
  for (const { file, name } of files) {
    hash.update(`${name}\0`);
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/**
 * Builds the panel with Vite's Node API when its bundle is missing (no dist/index.html) or was built
 * from other sources (dist/.source-hash differs), or when forced; otherwise does nothing. Logs which.
 */
export async function ensurePanelBundle(options: PanelBundleOptions): Promise<PanelBundleResult> {
  const root = options.root ?? PANEL_ROOT;
  const dist = join(root, 'dist');
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 10) / 100;
  const configFile = join(root, 'vite.config.ts');
  if (!existsSync(join(root, 'index.html')) || !existsSync(configFile))
    throw new Error(`the panel's Vite project is incomplete: ${root} needs index.html and vite.config.ts`);

  const sourceHash = await panelSourceHash(root);
  const hasIndex = existsSync(join(dist, 'index.html'));
  const builtFrom = await readText(join(dist, SOURCE_HASH_FILE));
  const reason = options.force
    ? 'a build was asked for'
    : !hasIndex
      ? 'dist/index.html is missing'
      : builtFrom !== sourceHash
        ? 'the sources changed since the last build'
        : undefined;
  if (reason === undefined) {
    options.logger.info({ dist }, 'the panel bundle is up to date');
    return { built: false, seconds: seconds(), dist };
  }

  options.logger.info({ reason }, 'building the panel');
  const { build } = await import('vite');
  await build({ root, configFile, logLevel: 'error', clearScreen: false });
  if (!existsSync(join(dist, 'index.html')))
    throw new Error(
      `the panel build finished without ${join(dist, 'index.html')}: check build.outDir in ${configFile}`,
    );
  await writeFile(join(dist, SOURCE_HASH_FILE), `${sourceHash}\n`);
  const took = seconds();
  options.logger.info({ seconds: took, dist }, 'built the panel');
  return { built: true, seconds: took, dist };
}
