import { describe, expect, it } from 'vitest';
import type { TenantId } from '../../shared/schemas/common.ts';
import { TenantTurns } from './tenant-turns.ts';

const tenant = 'hs:9123' as TenantId;
const other = 'hs:9456' as TenantId;

function fakeClock() {
  let now = 1_000;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    sleeps,
  };
}

describe('TenantTurns', () => {
  it('runs a tenant’s turns one at a time, in order, and spaces each by the calls of the one before', async () => {
    const clock = fakeClock();
    const turns = new TenantTurns(10, clock.now, clock.sleep);
    const order: string[] = [];
    let running = 0;
    const turn = (name: string, calls: number) =>
      turns.run(tenant, async () => {
        running += 1;
        expect(running).toBe(1);
        order.push(`${name}@${clock.now()}`);
        await Promise.resolve();
        running -= 1;
        return { value: name, calls };
      });
    const results = await Promise.all([turn('a', 8), turn('b', 3), turn('c', 0)]);
    expect(results).toEqual(['a', 'b', 'c']);
    // 8 calls at 10 a second: the next turn starts 800 ms after the first; 3 calls: 300 ms later.
    expect(order).toEqual(['a@1000', 'b@1800', 'c@2100']);
    expect(clock.sleeps).toEqual([800, 300]);
  });

  it('does not hold one tenant behind another, and a failed turn neither blocks nor spaces the next', async () => {
    const clock = fakeClock();
    const turns = new TenantTurns(10, clock.now, clock.sleep);
    await turns.run(tenant, async () => ({ value: 1, calls: 50 }));
    expect(await turns.run(other, async () => ({ value: 2, calls: 1 }))).toBe(2);
    expect(clock.sleeps).toEqual([]);
    clock.advance(5_000);
    await expect(turns.run(tenant, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await turns.run(tenant, async () => ({ value: 3, calls: 1 }))).toBe(3);
    expect(clock.sleeps).toEqual([]);
  });

  it('a turn asked for while another waits to start gives its place back; one asked while a turn runs queues', async () => {
    const clock = fakeClock();
    const turns = new TenantTurns(10, clock.now, clock.sleep);
    let finishFirst: () => void = () => {};
    const first = turns.run(tenant, async () => {
      await new Promise<void>((resolve) => {
        finishFirst = resolve;
      });
      return { value: 'first', calls: 5 };
    });
    await Promise.resolve();
    // The first is running: the second queues behind it.
    const second = turns.runUnlessQueued(tenant, async () => ({ value: 'second', calls: 1 }));
    // The second waits to start: a third is not needed, the second will take its leads.
    expect(await turns.runUnlessQueued(tenant, async () => ({ value: 'third', calls: 1 }))).toBeUndefined();
    // Another tenant is never held back.
    expect(await turns.runUnlessQueued(other, async () => ({ value: 'other', calls: 1 }))).toBe('other');
    finishFirst();
    expect(await first).toBe('first');
    expect(await second).toBe('second');
    expect(clock.sleeps).toEqual([500]);
    // Nobody waits any more: the next turn runs.
    expect(await turns.runUnlessQueued(tenant, async () => ({ value: 'fourth', calls: 0 }))).toBe('fourth');
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TenantTurns(0)).toThrow(/callsPerSecond must be > 0/);
  });
});
