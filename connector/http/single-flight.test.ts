import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.ts';

describe('SingleFlight', () => {
  it('runs the operation once for callers that arrive while it is in flight', async () => {
    const flight = new SingleFlight<number>();
    let calls = 0;
    const operation = async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return calls;
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => flight.run(operation)));
    expect(calls).toBe(1);
    expect(results).toEqual(Array(10).fill(1));
  });

  it('runs again after the previous flight settled, even when it failed', async () => {
    const flight = new SingleFlight<string>();
    await expect(flight.run(async () => Promise.reject(new Error('refresh failed')))).rejects.toThrow(
      'refresh failed',
    );
    expect(flight.busy).toBe(false);
    await expect(flight.run(async () => 'fresh')).resolves.toBe('fresh');
  });
});
