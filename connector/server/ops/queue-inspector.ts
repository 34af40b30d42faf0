import type { QueueName } from '../../../worker/queues/queue-names.ts';

/** The queue states whose depth /metrics shows and /readyz reads. */
export const queueStates = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof queueStates)[number];
export type QueueDepths = Record<QueueState, number>;

/** What ops needs from the queues: their names and their job counts. */
export interface QueueInspector {
  names: readonly string[];
  depths(queue: string): Promise<QueueDepths>;
}

interface CountingQueue {
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

/**
 * Reads depths through BullMQ queues (pass `BullmqJobQueue`: its `queue(name)` makes one per name).
 * Prioritized jobs wait too, so they count as waiting.
 */
export function bullmqQueueInspector(
  queues: { queue(name: QueueName): CountingQueue },
  names: readonly QueueName[],
): QueueInspector {
  const known = new Set<string>(names);
  return {
    names,
    async depths(queue) {
      if (!known.has(queue)) throw new Error(`unknown queue ${queue}`);
      const counts = await queues
        .queue(queue as QueueName)
        .getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
      return {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
      };
    },
  };
}
