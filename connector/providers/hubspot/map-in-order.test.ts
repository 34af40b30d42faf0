import { describe, expect, it } from 'vitest';
import { mapInOrder } from './map-in-order.ts';

async function* numbers(count: number, pulls: number[] = []) {
  for (let value = 1; value <= count; value += 1) {
    pulls.push(value);
    yield value;
  }
}

/** Work whose later items finish first: item n resolves when `release(n)` is called. */
function gatedWork() {
  const gates = new Map<number, () => void>();
  const underWay = new Set<number>();
  let most = 0;
  const work = (item: number) =>
    new Promise<string>((resolve) => {
      underWay.add(item);
      most = Math.max(most, underWay.size);
      gates.set(item, () => {
        underWay.delete(item);
        resolve(`page ${item}`);
      });
    });
  const release = async (item: number) => {
    for (let tick = 0; tick < 20 && !gates.has(item); tick += 1) await Promise.resolve();
    gates.get(item)?.();
  };
  return { work, release, underWay, most: () => most };
}

describe('mapInOrder', () => {
  it('yields results in source order however the work finishes, with at most the concurrency under way', async () => {
    const gated = gatedWork();
    const results: string[] = [];
    const done = (async () => {
      for await (const result of mapInOrder(numbers(5), gated.work, 2)) results.push(result);
    })();
    await gated.release(2);
    await gated.release(1);
    await gated.release(4);
    await gated.release(3);
    await gated.release(5);
    await done;
    expect(results).toEqual(['page 1', 'page 2', 'page 3', 'page 4', 'page 5']);
    expect(gated.most()).toBe(2);
  });

  it('starts the next items before the caller has finished with the current one', async () => {
    const pulls: number[] = [];
    const started: number[] = [];
    const pages = mapInOrder(
      numbers(4, pulls),
      async (item) => {
        started.push(item);
        return item;
      },
      2,
    );
    const first = await pages.next();
    expect(first.value).toBe(1);
    for (let tick = 0; tick < 20; tick += 1) await Promise.resolve();
    // While the caller holds item 1, items 2 and 3 are already under way.
    expect(started).toEqual([1, 2, 3]);
    expect(pulls).toEqual([1, 2, 3]);
    await pages.return(undefined);
  });

  it('hands over every result before a failure, then the failure', async () => {
    const results: number[] = [];
    const run = async () => {
      for await (const result of mapInOrder(
        numbers(5),
        async (item) => {
          if (item === 3) throw new Error('batch read of emails failed');
          return item;
        },
        2,
      ))
        results.push(result);
    };
    await expect(run()).rejects.toThrow('batch read of emails failed');
    expect(results).toEqual([1, 2]);
  });

  it('stops pulling the source when the caller stops early', async () => {
    const pulls: number[] = [];
    for await (const result of mapInOrder(numbers(100, pulls), async (item) => item, 2)) {
      if (result === 2) break;
    }
    expect(pulls.length).toBeLessThanOrEqual(4);
  });
});
