/**
 * Collects items for a short window and hands them over in batches of at most `maxSize`: a full
 * batch leaves at once, a partial one when the window since its first item ends.
 */
export class BatchWindow<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly maxSize: number,
    private readonly windowMs: number,
    private readonly send: (batch: T[]) => void,
  ) {}

  get size(): number {
    return this.pending.length;
  }

  add(item: T): void {
    this.pending.push(item);
    if (this.pending.length >= this.maxSize) {
      this.send(this.pending.splice(0, this.maxSize));
      if (this.pending.length === 0) this.cancelTimer();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.windowMs);
  }

  /** Sends everything pending now, in batches of at most maxSize. */
  flush(): void {
    this.cancelTimer();
    while (this.pending.length > 0) this.send(this.pending.splice(0, this.maxSize));
  }

  /** Drops what is pending and stops the timer; how many items were dropped. */
  close(): number {
    this.cancelTimer();
    return this.pending.splice(0).length;
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
