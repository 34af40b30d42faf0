import { seededRandom } from '../../shared/random.ts';

/** Fault injection of one sandbox run; deterministic for a seed so a failing run can be replayed. */
export interface FaultOptions {
  /** Every Nth API request answers the provider's rate-limit error (Salesforce 403, HubSpot 429). */
  rateLimitEvery?: number;
  /** Share of API requests answered with a 503 before doing anything. */
  serverErrorRate?: number;
  /** Added to every response. */
  latencyMs?: number;
  /** Every Nth API request finds its access token expired (401) and the token is revoked. */
  expireTokensEvery?: number;
  /** Share of records in a batch update failing with a retryable per-record error (row lock). */
  recordLockRate?: number;
  /** These record ids fail their first batch update with the same retryable per-record error. */
  lockRecordsOnce?: string[];
  seed?: number;
}

export type FaultDecision = 'rate-limit' | 'server-error' | 'expire-token' | null;

export class FaultPlan {
  readonly options: FaultOptions;
  private readonly random: () => number;
  private requests = 0;
  readonly injected = { rateLimit: 0, serverError: 0, expiredToken: 0, recordLock: 0 };

  constructor(options: FaultOptions = {}) {
    this.options = options;
    this.random = seededRandom(options.seed ?? 1);
  }

  /** Decides the fate of the next API request (OAuth token calls are never faulted). */
  next(): FaultDecision {
    this.requests += 1;
    const { rateLimitEvery, expireTokensEvery, serverErrorRate } = this.options;
    if (rateLimitEvery && this.requests % rateLimitEvery === 0) {
      this.injected.rateLimit += 1;
      return 'rate-limit';
    }
    if (expireTokensEvery && this.requests % expireTokensEvery === 0) {
      this.injected.expiredToken += 1;
      return 'expire-token';
    }
    if (serverErrorRate && this.random() < serverErrorRate) {
      this.injected.serverError += 1;
      return 'server-error';
    }
    return null;
  }

  private readonly lockedOnce = new Set<string>();

  recordLocked(id?: string): boolean {
    if (id !== undefined && this.options.lockRecordsOnce?.includes(id) && !this.lockedOnce.has(id)) {
      this.lockedOnce.add(id);
      this.injected.recordLock += 1;
      return true;
    }
    const rate = this.options.recordLockRate ?? 0;
    if (rate > 0 && this.random() < rate) {
      this.injected.recordLock += 1;
      return true;
    }
    return false;
  }

  delay(): Promise<void> {
    const ms = this.options.latencyMs ?? 0;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }
}

/** Calls per endpoint, for the benchmark and for tests that assert call budgets. */
export class CallCounter {
  readonly byEndpoint = new Map<string, number>();

  add(endpoint: string): void {
    this.byEndpoint.set(endpoint, (this.byEndpoint.get(endpoint) ?? 0) + 1);
  }

  total(prefix = ''): number {
    let sum = 0;
    for (const [endpoint, count] of this.byEndpoint) if (endpoint.startsWith(prefix)) sum += count;
    return sum;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.byEndpoint.entries()].sort());
  }

  reset(): void {
    this.byEndpoint.clear();
  }
}
