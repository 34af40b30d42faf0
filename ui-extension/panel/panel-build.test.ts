import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const configFile = fileURLToPath(new URL('./vite.config.ts', import.meta.url));
let outDir: string;
let html: string;
let assets: string[];

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'leadscore-panel-'));
  await build({ configFile, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  html = readFileSync(join(outDir, 'index.html'), 'utf8');
  assets = readdirSync(join(outDir, 'assets'));
}, 120_000);

afterAll(() => {
  if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
});

describe('the panel bundle', () => {
  it('is an HTML page with a root element, a language and a title', () => {
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<title>LeadScore</title>');
    expect(html).toContain('<div id="root"></div>');
    expect(html).toContain('</head>');
  });

  it('loads its script and stylesheet from /panel/assets/ and inlines nothing (CSP default-src self)', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]?.[1]).toMatch(/type="module"[^>]*src="\/panel\/assets\/index-[\w-]+\.js"/);
    expect(scripts[0]?.[2]).toBe('');
    expect(html).toMatch(/<link rel="stylesheet"[^>]*href="\/panel\/assets\/[\w-]+\.css"/);
    expect(html).not.toContain('<style');
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toContain('data:');
  });

  it('publishes no source maps and only files the page references or loads', () => {
    expect(assets.filter((name) => name.endsWith('.map'))).toEqual([]);
    for (const name of assets) expect(html).toContain(`/panel/assets/${name}`);
  });
});
