import { inject } from 'vitest';

/** The product the global setup started for this run: its page origin and its sandbox CRM. */
export function product(): { url: string; sandboxUrl: string } {
  const running = inject('leadscore');
  if (running === undefined) {
    throw new Error('no product is running: run the browser tests with npm run test:e2e');
  }
  return running;
}
