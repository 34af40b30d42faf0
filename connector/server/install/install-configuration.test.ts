import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../../test/support/redis.ts';
import { serveApp, testServerDependencies } from '../server-test-support.ts';

const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
afterAll(async () => {
  await redis.quit();
});

describe('install on a server that cannot store tokens', () => {
  it('answers 503 naming TOKEN_ENCRYPTION_KEY before sending the admin to the CRM', async () => {
    const deps = testServerDependencies(redis);
    const app = await serveApp({ ...deps, config: { ...deps.config, TOKEN_ENCRYPTION_KEY: undefined } });
    try {
      const response = await fetch(`${app.baseUrl}/oauth/hubspot/install`, {
        redirect: 'manual',
        headers: { accept: 'application/json' },
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('location')).toBeNull();
      expect(JSON.stringify(await response.json())).toContain('TOKEN_ENCRYPTION_KEY');
    } finally {
      await app.close();
    }
  });
});
