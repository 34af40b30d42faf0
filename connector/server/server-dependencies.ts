import type { Config } from '../../shared/config.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Manifest } from '../../shared/manifest.ts';
import type { RedisClient, Store } from '../../shared/store/store.ts';
import type { JobQueue } from '../../worker/queues/job-queue.ts';

/**
 * What every router of the server is built from (the composition root, connector/server/main.ts,
 * makes one). Routers take this and return an express.Router; none reaches for globals.
 */
export interface ServerDependencies {
  config: Config;
  /** The fail-fast client (`enableOfflineQueue: false`): a handler fails in milliseconds when Redis is down. */
  redis: RedisClient;
  store: Store;
  /** Producer of jobs (BullMQ in production). Job data carries ids only. */
  queues: JobQueue;
  manifest: Manifest;
  logger: Logger;
  /**
   * The public base URL the CRMs call, without a trailing slash (config PUBLIC_URL, else the local
   * address). Signatures cover it: a signed URI is this plus the request's path and query.
   */
  publicUrl: string;
  /**
   * Base URLs and accepted hosts of the sandbox CRM when the server runs against it (npm start,
   * tests, benchmarks); absent in production.
   */
  sandbox?: { baseUrl: string; host: string };
  now: () => number;
}
