/**
 * Runs at most one instance of an async operation at a time: callers that arrive while it is in
 * flight share its promise. Token refresh goes through this so N parallel requests refresh once.
 */
export class SingleFlight<T> {
  private inFlight: Promise<T> | null = null;

  run(operation: () => Promise<T>): Promise<T> {
    if (this.inFlight) return this.inFlight;
    const promise = operation().finally(() => {
      if (this.inFlight === promise) this.inFlight = null;
    });
    this.inFlight = promise;
    return promise;
  }

  get busy(): boolean {
    return this.inFlight !== null;
  }
}
