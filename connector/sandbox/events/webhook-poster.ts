/**
 * POSTs webhook batches the way the CRMs deliver them: a bounded number in flight, a timeout per
 * attempt, retries with backoff on 5xx, 429 (honouring Retry-After) and network errors or timeouts,
 * never on another 4xx. Closing cancels waits, retries and requests in flight.
 */

export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Wait before the second attempt; doubles each time up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export type DeliveryResult =
  | { outcome: 'delivered'; attempts: number; status: number }
  | { outcome: 'rejected'; attempts: number; status: number }
  | { outcome: 'exhausted'; attempts: number; reason: string }
  | { outcome: 'cancelled'; attempts: number };

type AttemptResult =
  | { kind: 'ok'; status: number }
  | { kind: 'reject'; status: number }
  | { kind: 'retry'; reason: string; afterMs?: number };

export interface WebhookPosterOptions {
  maxConcurrent: number;
  /** A slower answer counts as a failure and is retried (HubSpot: 5 s). */
  timeoutMs: number;
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export class WebhookPoster {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly shutdown = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: WebhookPosterOptions) {}

  get closed(): boolean {
    return this.shutdown.signal.aborted;
  }

  /** POSTs until delivered or given up; `build(attempt)` makes each attempt's request (0 first). */
  async deliver(
    build: (attempt: number) => PostRequest,
    policy: RetryPolicy,
    onAttempt: (attempt: number) => void = () => {},
  ): Promise<DeliveryResult> {
    let last = 'no attempt made';
    for (let attempt = 0; attempt < policy.maxAttempts; attempt += 1) {
      if (this.closed) return { outcome: 'cancelled', attempts: attempt };
      const result = await this.withSlot(() => {
        onAttempt(attempt);
        return this.attempt(build(attempt));
      });
      if (result === null || this.closed) return { outcome: 'cancelled', attempts: attempt + 1 };
      if (result.kind === 'ok') return { outcome: 'delivered', attempts: attempt + 1, status: result.status };
      if (result.kind === 'reject')
        return { outcome: 'rejected', attempts: attempt + 1, status: result.status };
      last = result.reason;
      if (attempt + 1 < policy.maxAttempts) {
        const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
        await this.sleep(result.afterMs ?? backoff);
      }
    }
    return { outcome: 'exhausted', attempts: policy.maxAttempts, reason: last };
  }

  /** Stops everything: waiting attempts and retries end as cancelled, requests in flight are aborted. */
  close(): void {
    this.shutdown.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const wake of this.waiting.splice(0)) wake();
  }

  private async attempt(request: PostRequest): Promise<AttemptResult> {
    const signal = AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(this.options.timeoutMs)]);
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal,
      });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      return { kind: 'retry', reason: timedOut ? 'timed out' : 'network error' };
    }
    // The answer's body is not used; reading it frees the connection.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { kind: 'ok', status: response.status };
    if (response.status === 429) {
      const afterMs = retryAfterMs(response.headers.get('retry-after'));
      return { kind: 'retry', reason: 'HTTP 429', ...(afterMs === undefined ? {} : { afterMs }) };
    }
    if (response.status >= 500) return { kind: 'retry', reason: `HTTP ${response.status}` };
    return { kind: 'reject', status: response.status };
  }

  /** Runs `task` once fewer than maxConcurrent are in flight; null when closed while waiting. */
  private async withSlot<T>(task: () => Promise<T>): Promise<T | null> {
    if (this.active >= this.options.maxConcurrent) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (this.closed) return null;
    } else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so the count stays right.
      if (next && !this.closed) next();
      else this.active -= 1;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      const wake = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.shutdown.signal.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.timers.add(timer);
      this.shutdown.signal.addEventListener('abort', wake, { once: true });
    });
  }
}
