import { useCallback, useEffect, useRef, useState } from 'react';
import { type PanelApi, PanelApiError } from '../api/client.ts';
import type { components } from '../api/openapi.d.ts';
import { type AuditAnswer, type AuditRow, auditRows } from './audit-trail.ts';
import { draftOf, type SettingsDraft, type SettingsVersion, settingsOfDraft } from './settings-draft.ts';
import { type MappedProblems, mapProblems, problemsOf } from './settings-problems.ts';

type SavedSettings = components['schemas']['SavedSettings'];

export type SaveState =
  | { status: 'idle' }
  | { status: 'saving' }
  | { status: 'saved'; version: number; rescoringQueued: boolean; changes: number }
  | { status: 'invalid'; problems: MappedProblems }
  | { status: 'conflict'; message: string }
  | { status: 'failed'; message: string; requestId?: string | undefined };

export type AuditState =
  | { status: 'loading' }
  | { status: 'ready'; rows: AuditRow[] }
  | { status: 'error'; message: string };

export type SettingsPageState =
  | { status: 'loading' }
  | { status: 'error'; error: PanelApiError }
  | { status: 'ready'; loaded: SettingsVersion; draft: SettingsDraft; save: SaveState; audit: AuditState };

export function asPanelError(error: unknown): PanelApiError {
  return error instanceof PanelApiError
    ? error
    : new PanelApiError({
        status: 0,
        code: 'PANEL_ERROR',
        message: 'The panel could not read the answer: reload the page',
      });
}

/** What a refused save becomes: problems next to their fields, a conflict to reload, or a failure. */
export function saveStateOfError(error: unknown, draft: SettingsDraft): SaveState {
  const failure = asPanelError(error);
  if (failure.status === 400) {
    const problems = problemsOf(failure.details);
    return {
      status: 'invalid',
      problems:
        problems.length > 0
          ? mapProblems(problems, draft.segments)
          : { byField: new Map(), all: [failure.message] },
    };
  }
  if (failure.status === 409) return { status: 'conflict', message: failure.message };
  return { status: 'failed', message: failure.message, requestId: failure.requestId };
}

/** The settings page's data: the saved settings, the admin's draft, the save, the audit trail. */
export function useSettingsPage(api: PanelApi) {
  const [state, setState] = useState<SettingsPageState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(0);

  const loadAudit = useCallback(
    (call: number) => {
      api.get<AuditAnswer>('/settings/audit').then(
        (answer) => {
          if (latest.current !== call) return;
          setState((previous) =>
            previous.status === 'ready'
              ? { ...previous, audit: { status: 'ready', rows: auditRows(answer) } }
              : previous,
          );
        },
        (error: unknown) => {
          if (latest.current !== call) return;
          setState((previous) =>
            previous.status === 'ready'
              ? { ...previous, audit: { status: 'error', message: asPanelError(error).message } }
              : previous,
          );
        },
      );
    },
    [api],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is the reload trigger
  useEffect(() => {
    const call = latest.current + 1;
    latest.current = call;
    setState({ status: 'loading' });
    api.get<SettingsVersion>('/settings').then(
      (loaded) => {
        if (latest.current !== call) return;
        setState({
          status: 'ready',
          loaded,
          draft: draftOf(loaded.settings),
          save: { status: 'idle' },
          audit: { status: 'loading' },
        });
        loadAudit(call);
      },
      (error: unknown) => {
        if (latest.current === call) setState({ status: 'error', error: asPanelError(error) });
      },
    );
  }, [api, attempt, loadAudit]);

  const reload = useCallback(() => setAttempt((count) => count + 1), []);

  const edit = useCallback((change: (draft: SettingsDraft) => SettingsDraft) => {
    setState((previous) =>
      previous.status === 'ready'
        ? {
            ...previous,
            draft: change(previous.draft),
            // A saved notice goes once the admin edits again; problems stay until the next save.
            save: previous.save.status === 'saved' ? { status: 'idle' } : previous.save,
          }
        : previous,
    );
  }, []);

  const save = useCallback(() => {
    if (state.status !== 'ready' || state.save.status === 'saving') return;
    const { draft, loaded } = state;
    const call = latest.current;
    setState({ ...state, save: { status: 'saving' } });
    api
      .send<SavedSettings>('PUT', '/settings', {
        expectedVersion: loaded.version,
        settings: settingsOfDraft(draft),
      })
      .then(
        (saved) => {
          if (latest.current !== call) return;
          setState((previous) =>
            previous.status === 'ready'
              ? {
                  ...previous,
                  loaded: {
                    version: saved.version,
                    savedAt: saved.savedAt,
                    savedBy: saved.savedBy,
                    settings: saved.settings,
                  },
                  draft: draftOf(saved.settings),
                  save: {
                    status: 'saved',
                    version: saved.version,
                    rescoringQueued: saved.rescoringQueued,
                    changes: saved.changes.length,
                  },
                }
              : previous,
          );
          loadAudit(call);
        },
        (error: unknown) => {
          if (latest.current !== call) return;
          setState((previous) =>
            previous.status === 'ready'
              ? { ...previous, save: saveStateOfError(error, previous.draft) }
              : previous,
          );
        },
      );
  }, [api, state, loadAudit]);

  return { state, edit, save, reload };
}
