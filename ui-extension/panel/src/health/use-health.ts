import { useCallback, useEffect, useRef, useState } from 'react';
import { type PanelApi, PanelApiError } from '../api/client.ts';
import { POOLED, rollbackPlan } from './health-model.ts';
import type {
  ModelEvaluation,
  Models,
  QueuedAnswer,
  RollbackAnswer,
  SegmentChampions,
  SettingsVersion,
  SyncStatus,
} from './health-types.ts';
import type { RollbackRequest } from './RollbackDialog.tsx';

export type Loadable<T> =
  | { status: 'loading' }
  | { status: 'ready'; value: T }
  | { status: 'error'; error: PanelApiError };

export type RetrainState =
  | { status: 'idle' }
  | { status: 'queuing' }
  | { status: 'queued'; jobId: string }
  | { status: 'error'; message: string };

export function asPanelError(error: unknown): PanelApiError {
  return error instanceof PanelApiError
    ? error
    : new PanelApiError({
        status: 0,
        code: 'PANEL_ERROR',
        message: 'The panel could not read the answer: reload the page',
      });
}

function load<T>(promise: Promise<T>, set: (value: Loadable<T>) => void, isCurrent: () => boolean): void {
  promise.then(
    (value) => {
      if (isCurrent()) set({ status: 'ready', value });
    },
    (error: unknown) => {
      if (isCurrent()) set({ status: 'error', error: asPanelError(error) });
    },
  );
}

/** The model health page's data and actions. */
export function useHealthPage(api: PanelApi) {
  const [models, setModels] = useState<Loadable<Models>>({ status: 'loading' });
  const [settings, setSettings] = useState<Loadable<SettingsVersion>>({ status: 'loading' });
  const [sync, setSync] = useState<Loadable<SyncStatus>>({ status: 'loading' });
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [evaluation, setEvaluation] = useState<Loadable<ModelEvaluation>>({ status: 'loading' });
  const [retrain, setRetrain] = useState<RetrainState>({ status: 'idle' });
  const [rollback, setRollback] = useState<RollbackRequest | null>(null);
  const [rolledBack, setRolledBack] = useState<string | null>(null);
  const [histories, setHistories] = useState<Loadable<Map<string, SegmentChampions>>>({ status: 'loading' });
  const [reloads, setReloads] = useState(0);
  const generation = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloads is the reload trigger
  useEffect(() => {
    generation.current += 1;
    const mine = generation.current;
    const isCurrent = () => generation.current === mine;
    load(api.get<Models>('/models'), setModels, isCurrent);
    load(api.get<SettingsVersion>('/settings'), setSettings, isCurrent);
    load(api.get<SyncStatus>('/sync'), setSync, isCurrent);
  }, [api, reloads]);

  // Which versions a rollback can restore: each segment's earlier champions, read once the models are in.
  useEffect(() => {
    if (models.status !== 'ready' || settings.status === 'loading') return;
    let current = true;
    const known = new Set([
      POOLED,
      ...(settings.status === 'ready' ? settings.value.settings.segments.map((one) => one.id) : []),
    ]);
    const segments = [...new Set(models.value.versions.map((version) => version.segment))].filter((segment) =>
      known.has(segment),
    );
    load(
      Promise.all(
        segments.map((segment) =>
          api.get<SegmentChampions>(`/models/${encodeURIComponent(segment)}/champions`),
        ),
      ).then((answers) => new Map(answers.map((answer) => [answer.segment, answer]))),
      setHistories,
      () => current,
    );
    return () => {
      current = false;
    };
  }, [api, models, settings]);

  useEffect(() => {
    if (selected === undefined) return;
    let current = true;
    setEvaluation({ status: 'loading' });
    load(
      api.get<ModelEvaluation>(`/models/${encodeURIComponent(selected)}/evaluation`),
      setEvaluation,
      () => current,
    );
    return () => {
      current = false;
    };
  }, [api, selected]);

  const reload = useCallback(() => setReloads((count) => count + 1), []);

  const startRetrain = useCallback(() => {
    setRetrain({ status: 'queuing' });
    api.send<QueuedAnswer>('POST', '/models/retrain').then(
      (answer) => setRetrain({ status: 'queued', jobId: answer.jobId }),
      (error: unknown) => setRetrain({ status: 'error', message: asPanelError(error).message }),
    );
  }, [api]);

  const openRollback = useCallback(
    (segment: string, segmentName: string, version: string) => {
      setRolledBack(null);
      setRollback({
        segment,
        segmentName,
        version,
        plan: { status: 'loading' },
        running: false,
        error: null,
      });
      api.get<SegmentChampions>(`/models/${encodeURIComponent(segment)}/champions`).then(
        (champions) =>
          setRollback((current) =>
            current?.version === version
              ? { ...current, plan: { status: 'ready', plan: rollbackPlan(version, champions) } }
              : current,
          ),
        (error: unknown) =>
          setRollback((current) =>
            current?.version === version
              ? { ...current, plan: { status: 'error', message: asPanelError(error).message } }
              : current,
          ),
      );
    },
    [api],
  );

  const closeRollback = useCallback(() => setRollback(null), []);

  const confirmRollback = useCallback(async () => {
    if (rollback === null || rollback.plan.status !== 'ready' || rollback.plan.plan.kind !== 'steps') return;
    const { segment, segmentName } = rollback;
    const { steps } = rollback.plan.plan;
    setRollback({ ...rollback, running: true, error: null });
    const answers: RollbackAnswer[] = [];
    try {
      for (let step = 0; step < steps; step += 1) {
        answers.push(
          await api.send<RollbackAnswer>('POST', `/models/${encodeURIComponent(segment)}/rollback`),
        );
      }
    } catch (error) {
      const message = asPanelError(error).message;
      setRollback((current) =>
        current === null
          ? current
          : {
              ...current,
              running: false,
              error:
                answers.length === 0
                  ? `The rollback failed: ${message}.`
                  : `The rollback stopped after ${answers.length} of ${steps} steps (${segmentName} is now on ${answers[answers.length - 1]?.restored}): ${message}.`,
            },
      );
      reload();
      return;
    }
    const last = answers[answers.length - 1];
    const first = answers[0];
    setRolledBack(
      `Rolled back ${segmentName} to ${last?.restored ?? rollback.version}${first?.replaced === null || first === undefined ? '' : `, replacing ${first.replaced}`}. Its leads are being rescored.`,
    );
    setRollback(null);
    reload();
  }, [api, rollback, reload]);

  return {
    models,
    settings,
    histories,
    sync,
    selected,
    select: setSelected,
    evaluation,
    retrain,
    startRetrain,
    rollback,
    rolledBack,
    openRollback,
    closeRollback,
    confirmRollback,
    reload,
  };
}
