import type { ParentChannel } from '../api/session-sources.ts';

/** True for the host's `{type: 'leadscore:refresh'}`: the lead's score field changed in the CRM. */
export function isRefreshMessage(data: unknown): boolean {
  return typeof data === 'object' && data !== null && 'type' in data && data.type === 'leadscore:refresh';
}

/** Calls onRefresh on each refresh message from the parent; returns the unsubscribe. */
export function listenForRefresh(parent: ParentChannel, onRefresh: () => void): () => void {
  return parent.listen((data) => {
    if (isRefreshMessage(data)) onRefresh();
  });
}
