import type { PanelView } from '../bootstrap.ts';

/** Where the server serves the panel (Vite's `base`). */
export const PANEL_BASE = '/panel/';

/** `/panel/?view=settings#session=<token>`: opens a view in a new tab with the same session. */
export function viewHref(view: PanelView, token: string, crmId?: string): string {
  const query = new URLSearchParams({ view });
  if (view === 'record' && crmId !== undefined) query.set('crmId', crmId);
  return `${PANEL_BASE}?${query.toString()}#session=${encodeURIComponent(token)}`;
}
