import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadManifest, type Manifest } from '../../../shared/manifest.ts';
import { describeDrift, driftOf, PROJECT_ROOT, parseArguments } from '../generate.ts';
import {
  DEFAULT_PUBLIC_URL,
  formatJson,
  GENERATE_COMMAND,
  projectFiles,
  publicOrigin,
  webhookSubscriptions,
} from '../project-files.ts';

const manifest = loadManifest();
const files = projectFiles(manifest, { publicUrl: DEFAULT_PUBLIC_URL });
const json = (path: string): Record<string, unknown> => {
  const file = files.find((item) => item.path === path);
  if (file === undefined) throw new Error(`${path} is not generated`);
  return JSON.parse(file.content);
};
const read = (path: string): unknown => JSON.parse(readFileSync(join(PROJECT_ROOT, path), 'utf8'));

describe('HubSpot project files', () => {
  it('match manifest.json: run the generator when this fails', () => {
    const drift = driftOf(files);
    expect(drift, drift.length === 0 ? '' : describeDrift(drift)).toEqual([]);
  });

  it('declare platform 2025.2 and the scopes of manifest.json', () => {
    expect(read('hsproject.json')).toEqual({ name: 'leadscore', srcDir: 'src', platformVersion: '2025.2' });
    const app = json('src/app/app-hsmeta.json') as {
      uid: string;
      type: string;
      config: Record<string, unknown>;
    };
    expect(app.type).toBe('app');
    expect(app.config).toMatchObject({
      name: manifest.name,
      distribution: 'marketplace',
      auth: {
        type: 'oauth',
        redirectUrls: ['https://leadscore.example.com/oauth/hubspot/callback'],
        requiredScopes: manifest.hubspot.oauthScopes,
        optionalScopes: manifest.hubspot.optionalScopes,
      },
      permittedUrls: { fetch: ['https://leadscore.example.com'] },
    });
    expect(manifest.hubspot.oauthScopes).toContain('crm.objects.contacts.read');
  });

  it('subscribe to every webhook of the manifest, where HubSpot expects each kind', () => {
    const hooks = json('src/app/webhooks/webhooks-hsmeta.json') as {
      type: string;
      config: {
        settings: Record<string, unknown>;
        subscriptions: Record<
          string,
          { subscriptionType: string; objectType?: string; propertyName?: string }[]
        >;
      };
    };
    expect(hooks.type).toBe('webhooks');
    expect(hooks.config.settings).toEqual({
      targetUrl: 'https://leadscore.example.com/webhooks/hubspot',
      maxConcurrentRequests: 10,
    });
    const { crmObjects = [], legacyCrmObjects = [], hubEvents = [] } = hooks.config.subscriptions;
    expect(hubEvents).toEqual([{ subscriptionType: 'contact.privacyDeletion', active: true }]);
    expect(legacyCrmObjects).toContainEqual({ subscriptionType: 'contact.deletion', active: true });
    expect(legacyCrmObjects).toContainEqual({
      subscriptionType: 'contact.propertyChange',
      propertyName: 'lifecyclestage',
      active: true,
    });
    expect(crmObjects).toContainEqual({
      subscriptionType: 'object.creation',
      objectType: 'meeting',
      active: true,
    });
    const generated = [...crmObjects, ...legacyCrmObjects, ...hubEvents].map((item) =>
      item.subscriptionType === 'object.creation'
        ? `object.creation:${item.objectType}`
        : `${item.subscriptionType}:${item.propertyName ?? ''}`,
    );
    const expected = manifest.hubspot.webhooks.map((hook) =>
      hook.subscriptionType === 'object.creation'
        ? `object.creation:${hook.objectType}`
        : `${hook.subscriptionType}:${'propertyName' in hook ? hook.propertyName : ''}`,
    );
    expect(generated.sort()).toEqual(expected.sort());
  });

  it('place the card and the settings page as the manifest says', () => {
    expect(json('src/app/cards/leadscore-card-hsmeta.json')).toEqual({
      uid: 'leadscore-record-card',
      type: 'card',
      config: {
        name: manifest.hubspot.card.title,
        description: expect.stringContaining('five factors'),
        location: 'crm.record.tab',
        objectTypes: ['contacts'],
        entrypoint: '/app/cards/LeadScoreCard.tsx',
      },
    });
    expect(json('src/app/settings/leadscore-settings-hsmeta.json')).toEqual({
      uid: 'leadscore-settings',
      type: 'settings',
      config: { name: 'LeadScore settings', entrypoint: '/app/settings/LeadScoreSettings.tsx' },
    });
    for (const entry of ['src/app/cards/LeadScoreCard.tsx', 'src/app/settings/LeadScoreSettings.tsx'])
      expect(readFileSync(join(PROJECT_ROOT, entry), 'utf8')).toContain('hubspot.extend<');
  });

  it('follow a change of the manifest', () => {
    const changed: Manifest = structuredClone(manifest);
    changed.hubspot.optionalScopes = [];
    changed.hubspot.card = { ...changed.hubspot.card, location: 'crm.record.sidebar', title: 'Lead score' };
    changed.hubspot.webhooks = changed.hubspot.webhooks.filter(
      (hook) => hook.subscriptionType !== 'object.creation',
    );
    const next = projectFiles(changed, { publicUrl: 'https://tunnel.example.net' });
    const app = JSON.parse(next.find((file) => file.path === 'src/app/app-hsmeta.json')?.content ?? '{}');
    expect(app.config.auth.optionalScopes).toEqual([]);
    expect(app.config.permittedUrls.fetch).toEqual(['https://tunnel.example.net']);
    const card = JSON.parse(
      next.find((file) => file.path === 'src/app/cards/leadscore-card-hsmeta.json')?.content ?? '{}',
    );
    expect(card.config).toMatchObject({ location: 'crm.record.sidebar', name: 'Lead score' });
    expect(webhookSubscriptions(changed.hubspot.webhooks).crmObjects).toEqual([]);
    const config = next.find((file) => file.path === 'src/app/cards/lib/project-config.ts')?.content ?? '';
    expect(config).toContain("export const API_ORIGIN = 'https://tunnel.example.net';");
    expect(config).toContain("export const CARD_TITLE = 'Lead score';");
    const drift = driftOf(next).map((item) => item.path);
    expect(drift).toEqual([
      'src/app/app-hsmeta.json',
      'src/app/cards/leadscore-card-hsmeta.json',
      'src/app/webhooks/webhooks-hsmeta.json',
      'src/app/cards/lib/project-config.ts',
    ]);
  });

  it('refuses a public URL hubspot.fetch cannot call, saying why', () => {
    expect(publicOrigin('https://leadscore.example.com/')).toBe('https://leadscore.example.com');
    expect(() => publicOrigin('http://leadscore.example.com')).toThrow(
      /must use https: hubspot.fetch calls HTTPS URLs only/,
    );
    expect(() => publicOrigin('https://localhost:3000')).toThrow(/names this machine/);
    expect(() => publicOrigin('https://leadscore.example.com/api')).toThrow(/must be an origin without path/);
    expect(() => publicOrigin('leadscore')).toThrow(/is not a URL/);
    expect(() => parseArguments(['--public-url'])).toThrow(/--public-url needs a value/);
    expect(() => parseArguments(['--force'])).toThrow(/unknown argument "--force"/);
    expect(parseArguments(['--check', '--public-url=https://a.example'])).toEqual({
      check: true,
      publicUrl: 'https://a.example',
    });
  });

  it('writes JSON the way the formatter does', () => {
    expect(formatJson({ a: ['x', 'y'], b: {}, c: [], d: [{ e: 1 }] })).toBe(
      '{\n  "a": ["x", "y"],\n  "b": {},\n  "c": [],\n  "d": [\n    {\n      "e": 1\n    }\n  ]\n}\n',
    );
    const long = Array.from({ length: 12 }, (_, index) => `crm.objects.scope${index}.read`);
    expect(formatJson({ scopes: long }).split('\n')).toHaveLength(long.length + 5);
  });
});

describe('generator drift check', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('names the file that differs and the command to run', () => {
    dir = mkdtempSync(join(tmpdir(), 'leadscore-hubspot-'));
    cpSync(join(PROJECT_ROOT, 'src'), join(dir, 'src'), { recursive: true });
    cpSync(join(PROJECT_ROOT, 'hsproject.json'), join(dir, 'hsproject.json'));
    expect(driftOf(files, dir)).toEqual([]);
    const path = join(dir, 'src/app/webhooks/webhooks-hsmeta.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"contact.deletion"', '"contact.merge"'));
    writeFileSync(join(dir, 'src/app/cards/old-card-hsmeta.json'), '{}\n');
    rmSync(join(dir, 'hsproject.json'));
    const drift = driftOf(files, dir);
    expect(drift).toEqual([
      { path: 'hsproject.json', problem: 'missing' },
      { path: 'src/app/webhooks/webhooks-hsmeta.json', problem: 'differs' },
      { path: 'src/app/cards/old-card-hsmeta.json', problem: 'not generated' },
    ]);
    const message = describeDrift(drift);
    expect(message).toContain(
      'ui-extension/hubspot/src/app/webhooks/webhooks-hsmeta.json differs from what manifest.json gives',
    );
    expect(message).toContain(`run ${GENERATE_COMMAND}`);
  });

  it('passes --check on the committed files', () => {
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'generate.ts'), '--check'],
      {
        encoding: 'utf8',
      },
    );
    expect(output).toBe('HubSpot project files match manifest.json (6 files)\n');
  });
});

describe('UI package.json files', () => {
  const root = JSON.parse(readFileSync(join(PROJECT_ROOT, '../../package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const rootVersions: Record<string, string> = { ...root.dependencies, ...root.devDependencies };

  for (const folder of ['src/app/cards', 'src/app/settings']) {
    it(`${folder}/package.json pins the root's exact versions`, () => {
      const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, folder, 'package.json'), 'utf8')) as {
        type?: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      // ESM like the rest of the repository: TypeScript and Node read these folders' .ts files as modules.
      expect(pkg.type).toBe('module');
      expect(pkg.dependencies).toMatchObject({ '@hubspot/ui-extensions': '0.17.0', react: '18.3.1' });
      const listed = { ...pkg.dependencies, ...pkg.devDependencies };
      for (const [name, version] of Object.entries(listed)) {
        expect(rootVersions[name], `${name} is not in the root package.json`).toBeDefined();
        expect(version, `${folder}/package.json ${name}`).toBe(rootVersions[name]);
      }
    });
  }
});
