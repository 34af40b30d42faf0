import type { MouseEvent } from 'react';
import type { Role } from '../api/client.ts';
import type { PanelView } from '../bootstrap.ts';

export const VIEW_LABELS: Record<PanelView, string> = {
  record: 'Score',
  settings: 'Settings',
  health: 'Model health',
};

/** Which views a role may open: reps read scores; admins also change settings and watch the model. */
export function viewsFor(role: Role): PanelView[] {
  return role === 'admin' ? ['record', 'settings', 'health'] : ['record'];
}

export interface PanelNavProps {
  current: PanelView;
  role: Role;
  /** A link that opens the view in a new tab (its session in the fragment). */
  hrefFor: (view: PanelView) => string;
  onNavigate: (view: PanelView) => void;
}

function isPlainClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

/** The panel's views; a plain click switches in the frame, a modified click opens a new tab. */
export function PanelNav({ current, role, hrefFor, onNavigate }: PanelNavProps) {
  return (
    <nav className="ls-nav" aria-label="LeadScore">
      <ul className="ls-nav-list">
        {viewsFor(role).map((view) => (
          <li key={view}>
            <a
              className="ls-nav-link"
              href={hrefFor(view)}
              aria-current={view === current ? 'page' : undefined}
              onClick={(event) => {
                if (!isPlainClick(event)) return;
                event.preventDefault();
                onNavigate(view);
              }}
            >
              {VIEW_LABELS[view]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
