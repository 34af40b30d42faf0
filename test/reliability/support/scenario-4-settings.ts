/** What the scenario 4 test and its worker processes share. */
export const scenario4Lock = { lockDurationMs: 2_000, stalledIntervalMs: 1_000 } as const;

export function scenario4StartsKey(tenantId: string): string {
  return `ls:{${tenantId}}:scenario4:starts`;
}
