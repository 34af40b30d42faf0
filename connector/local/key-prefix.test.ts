import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.ts';
import { keyPrefix, storeKeyPrefix, tenantKeys, withKeyPrefix } from '../../shared/store/keys.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** What a fresh process with this environment builds (the prefix is read when keys.ts loads). */
function keysIn(env: NodeJS.ProcessEnv) {
  const script = `
    import { tenantKeys, tenantRegistryKey, opsKeys, oauthStateKey } from './shared/store/keys.ts';
    const keys = tenantKeys('sf:00D000000000001AAA');
    console.log(JSON.stringify([keys.leads, keys.activities('00Q1'), tenantRegistryKey, opsKeys.workers, oauthStateKey('a'.repeat(22))]));
  `;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('the store key prefix (STORE_KEY_PREFIX)', () => {
  it('is ls unless set, in config and in keys', () => {
    expect(loadConfig({}).STORE_KEY_PREFIX).toBeUndefined();
    expect(loadConfig({ STORE_KEY_PREFIX: 'lsdemo' }).STORE_KEY_PREFIX).toBe('lsdemo');
    expect(storeKeyPrefix({})).toBe('ls');
    expect(storeKeyPrefix({ STORE_KEY_PREFIX: '' })).toBe('ls');
    expect(keyPrefix).toBe(process.env.STORE_KEY_PREFIX || 'ls');
  });

  it('starts every key a process builds, tenant, registry, ops and OAuth state alike', () => {
    const run = keysIn({ STORE_KEY_PREFIX: 'lsdemo' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([
      'lsdemo:{sf:00D000000000001AAA}:leads',
      'lsdemo:{sf:00D000000000001AAA}:act:00Q1',
      'lsdemo:{registry}:tenants',
      'lsdemo:{ops}:workers',
      `lsdemo:{oauth}:state:${'a'.repeat(22)}`,
    ]);
  });

  it.each(['LS', 'ls:x', 'l{s}', '1ls', 'a'.repeat(33)])(
    'refuses %j, naming the variable and the rule',
    (value) => {
      expect(() => loadConfig({ STORE_KEY_PREFIX: value })).toThrow(
        /STORE_KEY_PREFIX must be 1-32 lowercase letters, digits or hyphens, starting with a letter/,
      );
      expect(() => storeKeyPrefix({ STORE_KEY_PREFIX: value })).toThrow(
        /Invalid configuration: STORE_KEY_PREFIX/,
      );
    },
  );

  it('stops a process that loads the keys with a bad prefix, saying which variable', () => {
    const run = keysIn({ STORE_KEY_PREFIX: 'ls:x' });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Invalid configuration: STORE_KEY_PREFIX must be');
    expect(run.stderr).toContain('(got "ls:x")');
  });

  it('moves a key built here under another prefix, and nothing else', () => {
    const leads = tenantKeys('hs:2431623').leads;
    expect(withKeyPrefix(leads, 'lsdemo')).toBe(`lsdemo${leads.slice(keyPrefix.length)}`);
    expect(() => withKeyPrefix(leads, 'bad:prefix')).toThrow(/is not a STORE_KEY_PREFIX/);
    expect(() => withKeyPrefix('other:{x}:y', 'lsdemo')).toThrow(/does not start with/);
  });
});
