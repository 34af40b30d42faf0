import type { TenantId } from '../../shared/schemas/common.ts';

/**
 * A busy HubSpot portal's rescore windows, one at a time and spaced by the calls they made. Each
 * window costs about the same few batched calls whatever its size (a contact read, the association
 * and batch reads of the engagement types its events named, one web-events listing, the write), so
 * a window opening every 400 ms would ask for twice the portal's 10 calls a second: the pacer then
 * makes every call wait, the windows pile up behind each other and latency grows for the whole load.
 * Spacing window starts by `calls / callsPerSecond` keeps the portal inside its budget and lets the
 * next window take everything that arrived meanwhile (the take takes all pending leads), so under
 * load an event waits at most one window's spacing (under a second) instead of a growing queue.
 * Within one worker process: another process's windows are paced by the shared rolling bucket.
 */
export class TenantTurns {
  private readonly turns = new Map<TenantId, Promise<void>>();
  private readonly notBefore = new Map<TenantId, number>();
  /** Per tenant, the turns queued that have not started their work yet. */
  private readonly waiting = new Map<TenantId, number>();

  constructor(
    private readonly callsPerSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    if (!(callsPerSecond > 0)) throw new RangeError(`callsPerSecond must be > 0, got ${callsPerSecond}`);
  }

  /**
   * As run, unless the tenant already has a turn waiting to start: that turn takes everything
   * pending when it starts, this one's leads included, so this one gives its place back (undefined)
   * rather than holding a queue worker's slot for nothing (other tenants' windows need them).
   */
  async runUnlessQueued<T>(
    tenantId: TenantId,
    work: () => Promise<{ value: T; calls: number }>,
  ): Promise<T | undefined> {
    if ((this.waiting.get(tenantId) ?? 0) > 0) return undefined;
    return this.run(tenantId, work);
  }

  /**
   * Runs `work` after the tenant's earlier turns and its spacing; `work` returns how many calls it
   * made, which sets when the tenant's next turn may start.
   */
  async run<T>(tenantId: TenantId, work: () => Promise<{ value: T; calls: number }>): Promise<T> {
    const previous = this.turns.get(tenantId) ?? Promise.resolve();
    let release: () => void = () => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const chained = previous.then(() => mine);
    this.turns.set(tenantId, chained);
    let waiting = true;
    const stopWaiting = () => {
      if (!waiting) return;
      waiting = false;
      const left = (this.waiting.get(tenantId) ?? 1) - 1;
      if (left > 0) this.waiting.set(tenantId, left);
      else this.waiting.delete(tenantId);
    };
    this.waiting.set(tenantId, (this.waiting.get(tenantId) ?? 0) + 1);
    try {
      await previous;
      const wait = (this.notBefore.get(tenantId) ?? 0) - this.now();
      if (wait > 0) await this.sleep(wait);
      stopWaiting();
      const startedAt = this.now();
      try {
        const { value, calls } = await work();
        this.notBefore.set(tenantId, startedAt + (calls * 1000) / this.callsPerSecond);
        return value;
      } catch (error) {
        this.notBefore.delete(tenantId);
        throw error;
      }
    } finally {
      stopWaiting();
      release();
      if (this.turns.get(tenantId) === chained) this.turns.delete(tenantId);
    }
  }
}
