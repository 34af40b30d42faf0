import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, sessionSigningKey } from './config.ts';

function errorFor(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(loadConfig({})).toEqual({
      PORT: 3000,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
      WORKER_GRACE_MS: 30_000,
      SYNC_EVERY_MINUTES: 15,
      SYNC_RECONCILE_CRON: '0 2 * * *',
      TENANT_RETENTION_DAYS: 30,
    });
  });

  it('names the worker setting that is wrong', () => {
    expect(() => loadConfig({ SYNC_EVERY_MINUTES: 'often' })).toThrow(
      'Invalid configuration: SYNC_EVERY_MINUTES must be a whole number of minutes between 1 and 1440 (got "often")',
    );
    expect(() => loadConfig({ QUEUE_PREFIX: 'leadscore' })).toThrow(
      'Invalid configuration: QUEUE_PREFIX must be a Redis Cluster hash tag in braces, such as {leadscore} (got "leadscore")',
    );
    expect(() => loadConfig({ SYNC_RECONCILE_CRON: 'nightly' })).toThrow(
      'SYNC_RECONCILE_CRON must be a cron pattern of 5 or 6 fields',
    );
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://x' })).toThrow('PUBLIC_URL must be the public http(s) URL');
    expect(() => loadConfig({ WORKER_GRACE_MS: '-1' })).toThrow(
      'WORKER_GRACE_MS must be a number of milliseconds between 0 and 600000 (got "-1")',
    );
  });

  it('reads every variable it knows and treats empty values as unset', () => {
    const config = loadConfig({
      PORT: '8080',
      REDIS_URL: 'redis://cache:6380',
      LOG_LEVEL: 'debug',
      HOST: '',
      UNRELATED: 'x',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      REDIS_URL: 'redis://cache:6380',
      LOG_LEVEL: 'debug',
      HOST: '127.0.0.1',
    });
  });

  it.each([
    [
      { PORT: 'eighty' },
      'Invalid configuration: PORT must be a port number between 1 and 65535 (got "eighty")',
    ],
    [
      { PORT: '70000' },
      'Invalid configuration: PORT must be a port number between 1 and 65535 (got "70000")',
    ],
    [
      { REDIS_URL: 'http://127.0.0.1:6379' },
      'Invalid configuration: REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379 (got "http://127.0.0.1:6379")',
    ],
    [
      { LOG_LEVEL: 'loud' },
      'Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ],
  ])('stops on %j with one line naming the variable and what it should be', (env, line) => {
    const error = errorFor(env);
    expect(error.message).toBe(line);
    expect(error.message).not.toContain('\n');
  });

  it('never echoes a secret value in its error line', () => {
    const error = errorFor({ TOKEN_ENCRYPTION_KEY: 'my-super-secret-key' });
    expect(error.variable).toBe('TOKEN_ENCRYPTION_KEY');
    expect(error.message).toContain('64 hex characters');
    expect(error.message).not.toContain('my-super-secret-key');
  });

  it('requires the token encryption key and the session signing key in production', () => {
    expect(errorFor({ NODE_ENV: 'production' }).variable).toBe('TOKEN_ENCRYPTION_KEY');
    const withTokenKey = { NODE_ENV: 'production', TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32) };
    expect(errorFor(withTokenKey).message).toBe(
      'Invalid configuration: SESSION_SIGNING_KEY is required when NODE_ENV=production: 64 hex characters from `openssl rand -hex 32`',
    );
    expect(loadConfig({ ...withTokenKey, SESSION_SIGNING_KEY: 'cd'.repeat(32) }).NODE_ENV).toBe('production');
  });

  it('validates the install settings and hides their secrets', () => {
    expect(loadConfig({ TENANT_RETENTION_DAYS: '90' }).TENANT_RETENTION_DAYS).toBe(90);
    expect(errorFor({ TENANT_RETENTION_DAYS: '0' }).message).toBe(
      'Invalid configuration: TENANT_RETENTION_DAYS must be a whole number of days between 1 and 3650 (got "0")',
    );
    expect(errorFor({ TENANT_RETENTION_DAYS: '4000' }).variable).toBe('TENANT_RETENTION_DAYS');
    const badKey = errorFor({ SESSION_SIGNING_KEY: 'not-hex-secret-value' });
    expect(badKey.message).toContain('SESSION_SIGNING_KEY must be 64 hex characters');
    expect(badKey.message).toContain('(value hidden)');
    expect(badKey.message).not.toContain('not-hex-secret-value');
    expect(
      loadConfig({ SALESFORCE_CANVAS_CONSUMER_SECRET: 'canvas' }).SALESFORCE_CANVAS_CONSUMER_SECRET,
    ).toBe('canvas');
  });

  it('makes one random signing key per process outside production, with one warning', () => {
    const warnings: string[] = [];
    const first = sessionSigningKey({ NODE_ENV: 'development' }, (line) => warnings.push(line));
    const second = sessionSigningKey({ NODE_ENV: 'test' }, (line) => warnings.push(line));
    expect(first.length).toBe(32);
    expect(second.equals(first)).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('SESSION_SIGNING_KEY is not set');
    expect(
      sessionSigningKey({ NODE_ENV: 'production', SESSION_SIGNING_KEY: 'ef'.repeat(32) }).toString('hex'),
    ).toBe('ef'.repeat(32));
    expect(() => sessionSigningKey({ NODE_ENV: 'production' })).toThrow(/SESSION_SIGNING_KEY is required/);
  });
});
