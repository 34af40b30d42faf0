import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/logger.ts';
import { ensurePanelBundle, panelSourceHash, SOURCE_HASH_FILE } from './panel-bundle.ts';

/** A tiny Vite project shaped like the panel's: index.html, vite.config.ts, src/. */
function tinyProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'leadscore-tiny-panel-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><html><head><title>tiny</title><script type="module" src="/src/main.js"></script></head><body></body></html>\n',
  );
  writeFileSync(
    join(root, 'vite.config.ts'),
    "export default { base: '/panel/', build: { outDir: 'dist' } };\n",
  );
  writeFileSync(join(root, 'src', 'main.js'), "document.title = 'built one';\n");
  return root;
}

function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info' }, stream) };
}

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('ensurePanelBundle', () => {
  it('builds when dist is missing, skips when the sources are unchanged, rebuilds when they change or when forced', async () => {
    const root = tinyProject();
    roots.push(root);
    const { lines, logger } = memoryLogger();

    const first = await ensurePanelBundle({ logger, root });
    expect(first).toMatchObject({ built: true, dist: join(root, 'dist') });
    expect(first.seconds).toBeGreaterThan(0);
    const html = readFileSync(join(root, 'dist', 'index.html'), 'utf8');
    expect(html).toMatch(/src="\/panel\/assets\/index-[A-Za-z0-9_-]+\.js"/);
    expect(readFileSync(join(root, 'dist', SOURCE_HASH_FILE), 'utf8').trim()).toBe(
      await panelSourceHash(root),
    );
    expect(lines.join('')).toContain('dist/index.html is missing');

    expect(await ensurePanelBundle({ logger, root })).toMatchObject({ built: false });
    expect(lines.join('')).toContain('the panel bundle is up to date');

    writeFileSync(join(root, 'src', 'main.js'), "document.title = 'built two';\n");
    expect(await ensurePanelBundle({ logger, root })).toMatchObject({ built: true });
    expect(lines.join('')).toContain('the sources changed since the last build');

    expect(await ensurePanelBundle({ logger, root, force: true })).toMatchObject({ built: true });
    expect(lines.join('')).toContain('a build was asked for');
  }, 60_000);

  it('hashes names as well as contents, and only the panel sources', async () => {
    const root = tinyProject();
    roots.push(root);
    const before = await panelSourceHash(root);
    writeFileSync(join(root, 'README.md'), 'not a source\n');
    expect(await panelSourceHash(root)).toBe(before);
    rmSync(join(root, 'src', 'main.js'));
    writeFileSync(join(root, 'src', 'other.js'), "document.title = 'built one';\n");
    expect(await panelSourceHash(root)).not.toBe(before);
  });

  it('refuses a folder that is not the panel project, naming what is missing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'leadscore-not-a-panel-'));
    roots.push(root);
    await expect(ensurePanelBundle({ logger: memoryLogger().logger, root })).rejects.toThrow(
      /needs index\.html and vite\.config\.ts/,
    );
    expect(existsSync(join(root, 'dist'))).toBe(false);
  });
});
