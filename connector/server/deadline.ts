/** Raised when Redis (or anything a request waits on) did not answer in time. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

/**
 * The work, or a DeadlineExceeded after `ms`. The fail-fast Redis client rejects at once when it is
 * disconnected, but a command sent just before the connection dropped (or a BullMQ add, whose client
 * waits for Redis) could hang: webhooks and probes must still answer within their deadline.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
    // The losing side may still reject later; nothing waits for it any more.
    work.catch(() => {});
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
