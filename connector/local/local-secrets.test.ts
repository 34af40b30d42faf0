import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_SECRETS_FILE, resolveLocalSecrets } from './local-secrets.ts';

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'leadscore-secrets-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the demo keys', () => {
  it('are made once in a 0600 file, then read back unchanged', () => {
    const dir = path.join(scratch(), '.redis');
    const first = resolveLocalSecrets(dir, {});
    expect(first.sources).toEqual({
      TOKEN_ENCRYPTION_KEY: 'made',
      SESSION_SIGNING_KEY: 'made',
      SALESFORCE_CANVAS_CONSUMER_SECRET: 'made',
    });
    for (const value of Object.values(first.secrets)) expect(value).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(Object.values(first.secrets)).size).toBe(3);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(first.file, 'utf8'))).toEqual(first.secrets);

    const second = resolveLocalSecrets(dir, {});
    expect(second.secrets).toEqual(first.secrets);
    expect(Object.values(second.sources)).toEqual(['file', 'file', 'file']);
  });

  it('take what the environment sets and save only the others', () => {
    const dir = scratch();
    const fromEnv = 'ab'.repeat(32);
    const resolved = resolveLocalSecrets(dir, { TOKEN_ENCRYPTION_KEY: fromEnv, SESSION_SIGNING_KEY: '' });
    expect(resolved.secrets.TOKEN_ENCRYPTION_KEY).toBe(fromEnv);
    expect(resolved.sources).toMatchObject({
      TOKEN_ENCRYPTION_KEY: 'environment',
      SESSION_SIGNING_KEY: 'made',
    });
    const saved = JSON.parse(readFileSync(path.join(dir, LOCAL_SECRETS_FILE), 'utf8'));
    expect(Object.keys(saved).sort()).toEqual(['SALESFORCE_CANVAS_CONSUMER_SECRET', 'SESSION_SIGNING_KEY']);
  });

  it('refuse a file other users can read, naming it and the fix', () => {
    const dir = scratch();
    const file = path.join(dir, LOCAL_SECRETS_FILE);
    resolveLocalSecrets(dir, {});
    chmodSync(file, 0o644);
    expect(() => resolveLocalSecrets(dir, {})).toThrow(
      `${file} can be read by other users: run chmod 600 ${file}`,
    );
  });

  it('refuse a file with a key that is not 64 hex characters', () => {
    const dir = scratch();
    writeFileSync(path.join(dir, LOCAL_SECRETS_FILE), JSON.stringify({ SESSION_SIGNING_KEY: 'short' }), {
      mode: 0o600,
    });
    expect(() => resolveLocalSecrets(dir, {})).toThrow(
      /SESSION_SIGNING_KEY must be 64 lowercase hex characters/,
    );
    writeFileSync(path.join(dir, LOCAL_SECRETS_FILE), 'not json', { mode: 0o600 });
    expect(() => resolveLocalSecrets(dir, {})).toThrow(/is not JSON: delete it/);
  });
});
