import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectorError, isConnectorError } from '../../shared/errors.ts';
import { salesforceDailyBudget } from '../../shared/rate-limit/provider-budgets.ts';
import { RedisRollingBucket, rateLimitKey } from '../../shared/rate-limit/redis-rolling-bucket.ts';
import { salesforceDailyPacer } from '../../shared/rate-limit/salesforce-daily-pacer.ts';
import { testRedisUrl } from '../../test/support/redis.ts';
import { connectSalesforceToSandbox } from './connect-to-sandbox.ts';
import { type RunningSandbox, startSandbox } from './start-sandbox.ts';

const pacedTenant = `sf:00D${randomBytes(6).toString('hex').toUpperCase()}AAA`;
let redis: Redis;
const running: RunningSandbox[] = [];
beforeAll(() => {
  redis = new Redis(testRedisUrl);
});
afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.close();
  await redis.del(rateLimitKey(pacedTenant, salesforceDailyBudget({ used: 0, limit: 1 }, 1)));
});
afterAll(async () => {
  await redis.quit();
});

describe('Salesforce daily share', () => {
  it('stops at its share of the org limit read from Sforce-Limit-Info, long before the 403', async () => {
    const sandbox = await startSandbox({ salesforce: { dailyApiLimit: 100 } });
    running.push(sandbox);
    const { connector } = await connectSalesforceToSandbox(
      sandbox,
      { tenantId: 'sf:00D000000000001AAA' },
      { dailyPacer: salesforceDailyPacer(new RedisRollingBucket(redis), pacedTenant, 0.2) },
    );
    const usedBefore = sandbox.salesforce.state.apiUsed;
    let stopped: ConnectorError | undefined;
    for (let round = 0; round < 30 && stopped === undefined; round += 1) {
      await connector.describe().catch((error: unknown) => {
        if (!isConnectorError(error)) throw error;
        stopped = error;
      });
    }
    expect(stopped?.code).toBe('RATE_LIMITED');
    expect(stopped?.context.vendorCode).toBe('LEADSCORE_DAILY_SHARE');
    expect(stopped?.message).toBe(
      "LeadScore's share of the daily API limit is used: 20 of 100 calls in 24 h",
    );
    expect(stopped?.retryAfterMs).toBeGreaterThan(23 * 3_600_000);
    // The first call reads the limit; then 20 (a fifth of 100) and no more.
    expect(sandbox.salesforce.state.apiUsed - usedBefore).toBe(21);
  });
});
