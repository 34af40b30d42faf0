import { searchRequestsPerSecond, tenSecondlyWindowMs } from './constants.ts';

/** OAuth apps get about 110 calls per rolling 10 s per portal (searches apart); 105 leaves room for calls in flight. */
export const generalRequestsPerTenSeconds = 105;

/** Time source; tests swap in fake timers, which replace both Date.now and setTimeout. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Anything that resolves when the next request may go out: the in-process bucket or a shared one in Redis. */
export interface CallPacer {
  acquire(): Promise<void>;
}

/**
 * A token bucket whose spent tokens come back one interval after they were spent, so no rolling
 * interval ever holds more than `capacity` grants (a classic refill-per-tick bucket would allow a
 * burst plus a refill inside one second). Grants are handed out in arrival order.
 */
export class RollingTokenBucket implements CallPacer {
  private readonly grants: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly capacity: number,
    private readonly intervalMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Resolves when the caller may send its request. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      while (this.grants.length > 0 && now - this.grants[0] >= this.intervalMs) this.grants.shift();
      if (this.grants.length < this.capacity) {
        this.grants.push(now);
        return;
      }
      await this.clock.sleep(this.grants[0] + this.intervalMs - now);
    }
  }
}

const bucketsByPortal = new Map<string, RollingTokenBucket>();

/** One search budget per portal, shared by every connector instance of that portal in this process. */
export function searchBucketFor(portalKey: string, clock: Clock = systemClock): RollingTokenBucket {
  let bucket = bucketsByPortal.get(portalKey);
  if (!bucket) {
    bucket = new RollingTokenBucket(searchRequestsPerSecond, 1_000, clock);
    bucketsByPortal.set(portalKey, bucket);
  }
  return bucket;
}

const generalBucketsByPortal = new Map<string, RollingTokenBucket>();

/** One budget for every non-search call of a portal in this process, paced below HubSpot's 110 per 10 s. */
export function callBucketFor(portalKey: string, clock: Clock = systemClock): RollingTokenBucket {
  let bucket = generalBucketsByPortal.get(portalKey);
  if (!bucket) {
    bucket = new RollingTokenBucket(generalRequestsPerTenSeconds, tenSecondlyWindowMs, clock);
    generalBucketsByPortal.set(portalKey, bucket);
  }
  return bucket;
}
