import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

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

  it('requires the token encryption key in production', () => {
    expect(errorFor({ NODE_ENV: 'production' }).variable).toBe('TOKEN_ENCRYPTION_KEY');
    expect(loadConfig({ NODE_ENV: 'production', TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32) }).NODE_ENV).toBe(
      'production',
    );
  });
});
