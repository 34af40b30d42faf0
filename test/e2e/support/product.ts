import { existsSync, readFileSync } from 'node:fs';
import { inject } from 'vitest';

/** What the global setup writes once the product's first scoring cycle has ended. */
export interface FirstCycleOutcome {
  ok: boolean;
  /** What was scored, or why the cycle failed. */
  summary: string;
}

/** The product the global setup started for this run: its page origin and its sandbox CRM. */
export function product(): { url: string; sandboxUrl: string } {
  const running = inject('leadscore');
  if (running === undefined) {
    throw new Error('no product is running: run the browser tests with npm run test:e2e');
  }
  return { url: running.url, sandboxUrl: running.sandboxUrl };
}

/** How long the first sync, training and write-back of both CRMs may take on a slow machine. */
export const FIRST_CYCLE_TIMEOUT_MS = 600_000;

/**
 * Waits until both tenants are trained, scored and written back (the first cycle of `npm start`);
 * throws when it failed. Call it in `beforeAll(..., FIRST_CYCLE_TIMEOUT_MS)` of files that need scores.
 */
export async function firstCycleDone(timeoutMs = FIRST_CYCLE_TIMEOUT_MS): Promise<string> {
  const { firstCycleFile } = inject('leadscore');
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(firstCycleFile)) {
    if (Date.now() > deadline) {
      throw new Error(`the product's first scoring cycle did not end within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const outcome = JSON.parse(readFileSync(firstCycleFile, 'utf8')) as FirstCycleOutcome;
  if (!outcome.ok) throw new Error(`the product's first scoring cycle failed: ${outcome.summary}`);
  return outcome.summary;
}
