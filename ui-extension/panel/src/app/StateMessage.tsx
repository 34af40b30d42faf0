import type { ReactNode } from 'react';
import { useId } from 'react';

export interface StateMessageProps {
  tone: 'loading' | 'empty' | 'error';
  title: string;
  children: ReactNode;
  /** Shown for errors, so support can find the request in the logs. */
  requestId?: string | undefined;
  action?: { label: string; onClick: () => void } | undefined;
}

/** Loading, empty and error states: what happened and what to do, in one look. */
export function StateMessage({ tone, title, children, requestId, action }: StateMessageProps) {
  const headingId = useId();
  return (
    <section
      className={`ls-state ls-state-${tone}`}
      role={tone === 'error' ? 'alert' : 'status'}
      aria-labelledby={headingId}
    >
      <h2 id={headingId} className="ls-state-title">
        {title}
      </h2>
      <div className="ls-state-text">{children}</div>
      {requestId === undefined ? null : (
        <p className="ls-state-request">
          Request id: <code>{requestId}</code>
        </p>
      )}
      {action === undefined ? null : (
        <button type="button" className="ls-button" onClick={action.onClick}>
          {action.label}
        </button>
      )}
    </section>
  );
}
