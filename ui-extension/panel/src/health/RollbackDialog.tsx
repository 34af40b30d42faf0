import { type KeyboardEvent, useEffect, useId, useRef } from 'react';
import type { RollbackPlan } from './health-model.ts';

export type RollbackRequest = {
  segment: string;
  segmentName: string;
  version: string;
  /** Loading while the segment's earlier champions are read. */
  plan:
    | { status: 'loading' }
    | { status: 'ready'; plan: RollbackPlan }
    | { status: 'error'; message: string };
  running: boolean;
  error: string | null;
};

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The dialog's explanation of what the rollback does. */
export function planText(request: RollbackRequest): string {
  if (request.plan.status === 'loading') return `Reading the earlier champions of ${request.segmentName}…`;
  if (request.plan.status === 'error')
    return `The earlier champions could not be read: ${request.plan.message}.`;
  const { plan } = request.plan;
  if (plan.kind === 'unreachable') return plan.reason;
  const replaced = plan.replaces === null ? '' : `, replacing ${plan.replaces}`;
  const steps =
    plan.steps === 1
      ? ''
      : ` This takes ${plan.steps} rollbacks, one champion at a time: ${plan.passes.join(', ')} ${plan.passes.length === 1 ? 'is' : 'are'} restored on the way and replaced again.`;
  return `${plan.restores} becomes the champion of ${request.segmentName} again${replaced}.${steps} The segment's leads are then rescored with it.`;
}

export type DialogKeyAction = 'close' | 'focus-first' | 'focus-last' | null;

/**
 * What a key does in the dialog: Escape closes it (not while the rollback runs), Tab past the last
 * control goes to the first and Shift+Tab before the first goes to the last (`activeIndex` is the
 * focused control's place among the dialog's controls, -1 for the dialog itself).
 */
export function dialogKeyAction(
  key: string,
  shiftKey: boolean,
  activeIndex: number,
  controls: number,
  running: boolean,
): DialogKeyAction {
  if (key === 'Escape') return running ? null : 'close';
  if (key !== 'Tab' || controls === 0) return null;
  if (shiftKey && activeIndex <= 0) return 'focus-last';
  if (!shiftKey && activeIndex === controls - 1) return 'focus-first';
  return null;
}

export interface RollbackDialogProps {
  request: RollbackRequest;
  onConfirm: () => void;
  onClose: () => void;
}

/**
 * A modal dialog: focus moves to it when it opens and stays inside (Tab wraps), Escape or Cancel
 * closes it; the page puts focus back where it was.
 */
export function RollbackDialog({ request, onConfirm, onClose }: RollbackDialogProps) {
  const titleId = useId();
  const textId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    cancel.current?.focus();
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const focusable =
      dialog.current === null ? [] : [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const active = document.activeElement;
    const activeIndex = active instanceof HTMLElement ? focusable.indexOf(active) : -1;
    const action = dialogKeyAction(event.key, event.shiftKey, activeIndex, focusable.length, request.running);
    if (action === null) {
      if (event.key === 'Escape') event.preventDefault();
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (action === 'close') onClose();
    else if (action === 'focus-first') focusable[0]?.focus();
    else focusable[focusable.length - 1]?.focus();
  };

  const ready = request.plan.status === 'ready' && request.plan.plan.kind === 'steps';
  return (
    <div className="ls-dialog-backdrop">
      <div
        ref={dialog}
        className="ls-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={textId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="ls-dialog-title">
          Roll back model
        </h2>
        <p className="ls-dialog-subtitle">
          {request.segmentName} to {request.version}
        </p>
        <p id={textId}>{planText(request)}</p>
        {request.error === null ? null : (
          <p role="alert" className="ls-alert">
            {request.error}
          </p>
        )}
        <div className="ls-dialog-actions">
          {ready ? (
            <button type="button" className="ls-button" disabled={request.running} onClick={onConfirm}>
              {request.running ? 'Rolling back…' : 'Roll back'}
            </button>
          ) : null}
          <button
            ref={cancel}
            type="button"
            className="ls-button ls-button-secondary"
            disabled={request.running}
            onClick={onClose}
          >
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
