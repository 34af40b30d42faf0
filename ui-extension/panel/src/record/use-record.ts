import { useCallback, useEffect, useRef, useState } from 'react';
import { type PanelApi, PanelApiError } from '../api/client.ts';
import type { LeadRecord } from '../api/types.ts';

export type RecordState =
  | { status: 'loading' }
  | {
      status: 'ready';
      record: LeadRecord;
      refreshing: boolean;
      /** A reload failed: the score shown is the one loaded before. */
      refreshError?: PanelApiError;
    }
  | { status: 'not-scored' }
  | { status: 'error'; error: PanelApiError };

/** The path of the record route for a CRM id (see connector/server/api/record.routes.ts). */
export function recordPath(crmId: string): string {
  return `/records?crmId=${encodeURIComponent(crmId)}`;
}

/** What a failed load becomes: a 404 is "not scored yet", anything else an error to show. */
export function failedState(error: unknown): RecordState {
  if (error instanceof PanelApiError && error.status === 404) return { status: 'not-scored' };
  if (error instanceof PanelApiError) return { status: 'error', error };
  return {
    status: 'error',
    error: new PanelApiError({
      status: 0,
      code: 'PANEL_ERROR',
      message: 'The panel could not read the answer: reload the page',
    }),
  };
}

/** After a failed reload, a score already shown stays, with the error beside it. */
export function afterFailedLoad(previous: RecordState, error: unknown): RecordState {
  const failed = failedState(error);
  if (previous.status === 'ready' && failed.status === 'error')
    return { status: 'ready', record: previous.record, refreshing: false, refreshError: failed.error };
  return failed;
}

/**
 * Loads a lead's score; reloads when `refreshKey` changes (the host saw the score change) or on
 * retry, keeping the shown score until the new one arrives. A stale answer never replaces a newer one.
 */
export function useRecord(api: PanelApi, crmId: string, refreshKey: number) {
  const [state, setState] = useState<RecordState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey and attempt are reload triggers
  useEffect(() => {
    const call = latest.current + 1;
    latest.current = call;
    setState((previous) =>
      previous.status === 'ready'
        ? { status: 'ready', record: previous.record, refreshing: true }
        : { status: 'loading' },
    );
    api.get<LeadRecord>(recordPath(crmId)).then(
      (record) => {
        if (latest.current === call) setState({ status: 'ready', record, refreshing: false });
      },
      (error: unknown) => {
        if (latest.current === call) setState((previous) => afterFailedLoad(previous, error));
      },
    );
  }, [api, crmId, refreshKey, attempt]);

  const retry = useCallback(() => setAttempt((count) => count + 1), []);
  return { state, retry };
}
