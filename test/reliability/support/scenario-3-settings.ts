/** Scenario 3's job lock: short, so a blocked event loop outlives it quickly. */
export const scenario3Lock = { lockDurationMs: 1_000, stalledIntervalMs: 500 } as const;
