/** The work's result, or a rejection naming `what` once `ms` have passed; never waits longer. */
export async function withinMs<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
    // The slower side may still reject; nobody waits for it any more.
    work.catch(() => {});
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
