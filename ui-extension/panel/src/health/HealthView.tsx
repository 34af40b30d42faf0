import { type RefObject, useEffect, useId, useMemo, useRef } from 'react';
import type { PanelApi } from '../api/client.ts';
import { StateMessage } from '../app/StateMessage.tsx';
import { CalibrationPlot, LiftChart } from './EvaluationCharts.tsx';
import {
  dateTimeText,
  defaultSelection,
  metricText,
  rangeText,
  segmentNames,
  type VersionRow,
  versionRows,
} from './health-model.ts';
import type { ModelEvaluation, Models, ModelVersion, SegmentChampions, SyncStatus } from './health-types.ts';
import { RollbackDialog, type RollbackRequest } from './RollbackDialog.tsx';
import { HygieneSection, SyncSection } from './SyncSections.tsx';
import { type Loadable, type RetrainState, useHealthPage } from './use-health.ts';
import { VersionsTable } from './VersionsTable.tsx';
import './health.css';

function LoadError({
  what,
  error,
  onRetry,
}: {
  what: string;
  error: { message: string; requestId?: string | undefined };
  onRetry: () => void;
}) {
  return (
    <StateMessage
      tone="error"
      title={`${what} could not be loaded`}
      requestId={error.requestId}
      action={{ label: 'Try again', onClick: onRetry }}
    >
      <p>{error.message}.</p>
    </StateMessage>
  );
}

function RetrainControl({
  retrain,
  canAct,
  onRetrain,
}: {
  retrain: RetrainState;
  canAct: boolean;
  onRetrain: () => void;
}) {
  if (!canAct) return null;
  return (
    <div className="ls-retrain">
      <button type="button" className="ls-button" disabled={retrain.status === 'queuing'} onClick={onRetrain}>
        Retrain now
      </button>
      <p role="status" className="ls-muted">
        {retrain.status === 'queuing' ? 'Asking for a retraining…' : ''}
        {retrain.status === 'queued'
          ? `Retraining queued (job ${retrain.jobId}). New versions appear in the table when training finishes; a challenger replaces the champion only if it is not worse on the newest test window.`
          : ''}
      </p>
      {retrain.status === 'error' ? (
        <p role="alert" className="ls-field-error">
          Retraining could not be queued: {retrain.message}.
        </p>
      ) : null}
    </div>
  );
}

/** Per segment: the champion in use and the challenger, with their headline metrics. */
function ChampionsSection({ models, rows }: { models: Models; rows: readonly VersionRow[] }) {
  const headingId = useId();
  const segments = [...new Set(rows.map((row) => row.segment))];
  const byId = new Map(models.versions.map((version) => [version.id, version]));
  const describe = (version: ModelVersion | undefined) =>
    version === undefined
      ? 'none'
      : `${version.id} (ROC AUC ${metricText(version.metrics.rocAuc)}, calibration error ${metricText(version.metrics.ece)})`;
  return (
    <section className="ls-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Champions and challengers</h2>
      {segments.length === 0 ? (
        <p className="ls-muted">No model has been trained yet: leads are scored by the transparent rules.</p>
      ) : null}
      <ul className="ls-facts">
        {segments.map((segment) => {
          const segmentRows = rows.filter((row) => row.segment === segment);
          const champion = segmentRows.find((row) => row.status === 'Champion');
          const challenger = segmentRows.find((row) => row.status === 'Challenger');
          return (
            <li key={segment}>
              <strong>{segmentRows[0]?.segmentName}</strong>: champion{' '}
              {describe(champion === undefined ? undefined : byId.get(champion.id))}
              {challenger === undefined
                ? ''
                : `; challenger ${describe(byId.get(challenger.id))}, not promoted`}
              .
            </li>
          );
        })}
      </ul>
      {models.drift.length === 0 ? null : (
        <>
          <h3 className="ls-subtitle">Drift alerts</h3>
          <ul className="ls-facts">
            {models.drift.map((alert) => (
              <li key={`${alert.at}-${alert.message}`}>
                {dateTimeText(alert.at)}: {alert.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function EvaluationSection({
  selected,
  evaluation,
}: {
  selected: string | undefined;
  evaluation: Loadable<ModelEvaluation>;
}) {
  const headingId = useId();
  return (
    <section className="ls-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Evaluation{selected === undefined ? '' : ` of ${selected}`}</h2>
      {selected === undefined ? (
        <p className="ls-muted">Train a model to see its calibration and lift.</p>
      ) : null}
      {selected !== undefined && evaluation.status === 'loading' ? (
        <p role="status" className="ls-muted">
          Reading the test window of {selected}…
        </p>
      ) : null}
      {selected !== undefined && evaluation.status === 'error' ? (
        <p className="ls-field-error">
          No evaluation for {selected}: {evaluation.error.message}.
        </p>
      ) : null}
      {evaluation.status === 'ready' && evaluation.value.version === selected ? (
        <>
          <p className="ls-muted">
            {evaluation.value.window.examples.toLocaleString('en-US')} test examples from{' '}
            {dateTimeText(evaluation.value.window.from)} to {dateTimeText(evaluation.value.window.to)},{' '}
            {evaluation.value.window.positives.toLocaleString('en-US')} converted.
          </p>
          <div className="ls-charts">
            <CalibrationPlot evaluation={evaluation.value} />
            <LiftChart evaluation={evaluation.value} />
          </div>
        </>
      ) : null}
    </section>
  );
}

function DataWindowSection({ version }: { version: ModelVersion | undefined }) {
  const headingId = useId();
  return (
    <section className="ls-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Data window</h2>
      {version === undefined ? (
        <p className="ls-muted">No model version selected.</p>
      ) : (
        <>
          <p className="ls-muted">
            Snapshots of {version.id}, split by time: the newest ones test the model it learned from the
            oldest.
          </p>
          <dl className="ls-window">
            <dt>Training</dt>
            <dd>{rangeText(version.window.train)}</dd>
            <dt>Validation (calibration)</dt>
            <dd>{rangeText(version.window.valid)}</dd>
            <dt>Test</dt>
            <dd>{rangeText(version.window.test)}</dd>
          </dl>
        </>
      )}
    </section>
  );
}

export interface HealthPanelProps {
  models: Loadable<Models>;
  settingsNames: ReadonlyMap<string, string>;
  /** Each segment's champion and earlier champions: which versions a rollback can restore. */
  histories: Loadable<ReadonlyMap<string, SegmentChampions>>;
  sync: Loadable<SyncStatus>;
  selected: string | undefined;
  evaluation: Loadable<ModelEvaluation>;
  retrain: RetrainState;
  rollback: RollbackRequest | null;
  rolledBack: string | null;
  canAct: boolean;
  resultRef?: RefObject<HTMLParagraphElement> | undefined;
  onSelect: (version: string) => void;
  onRetrain: () => void;
  onRollBack: (row: VersionRow, opener: HTMLElement) => void;
  onConfirmRollback: () => void;
  onCloseRollback: () => void;
  onReload: () => void;
}

/** The model health page for a state: pure, so every state renders in tests without a browser. */
export function HealthPanel(props: HealthPanelProps) {
  const {
    models,
    settingsNames,
    histories,
    sync,
    selected,
    evaluation,
    retrain,
    rollback,
    rolledBack,
    canAct,
  } = props;
  const headingId = useId();
  const rows =
    models.status === 'ready'
      ? versionRows(models.value, settingsNames, histories.status === 'ready' ? histories.value : undefined)
      : [];
  const selectedVersion =
    models.status === 'ready' ? models.value.versions.find((version) => version.id === selected) : undefined;
  return (
    <section className="ls-health" aria-labelledby={headingId}>
      <h1 id={headingId}>Model health</h1>
      <RetrainControl retrain={retrain} canAct={canAct} onRetrain={props.onRetrain} />
      <p
        ref={props.resultRef}
        role="status"
        tabIndex={-1}
        className={rolledBack === null ? 'ls-visually-hidden' : 'ls-save-ok'}
      >
        {rolledBack ?? ''}
      </p>
      {models.status === 'loading' ? (
        <StateMessage tone="loading" title="Loading the models">
          <p>Reading the model versions and their metrics…</p>
        </StateMessage>
      ) : null}
      {models.status === 'error' ? (
        <LoadError what="The models" error={models.error} onRetry={props.onReload} />
      ) : null}
      {models.status === 'ready' ? (
        <>
          <ChampionsSection models={models.value} rows={rows} />
          <section className="ls-card" aria-labelledby={`${headingId}-versions`}>
            <h2 id={`${headingId}-versions`}>Versions</h2>
            {rows.length === 0 ? (
              <p className="ls-muted">No model version yet.</p>
            ) : (
              <VersionsTable
                rows={rows}
                selected={selected}
                canAct={canAct}
                onSelect={props.onSelect}
                onRollBack={props.onRollBack}
              />
            )}
            {canAct &&
            rows.length > 0 &&
            histories.status === 'ready' &&
            !rows.some((row) => row.canRollBack) ? (
              <p className="ls-muted">
                No rollback yet: a segment can roll back once a newer version has replaced its champion.
              </p>
            ) : null}
            {canAct && histories.status === 'error' ? (
              <p className="ls-field-error">
                The earlier champions could not be read, so rollback is unavailable: {histories.error.message}
                .
              </p>
            ) : null}
          </section>
          <EvaluationSection selected={selected} evaluation={evaluation} />
          <DataWindowSection version={selectedVersion} />
        </>
      ) : null}
      {sync.status === 'ready' ? (
        <>
          <SyncSection sync={sync.value} />
          <HygieneSection sync={sync.value} />
        </>
      ) : null}
      {sync.status === 'loading' ? <p className="ls-muted">Loading the sync status…</p> : null}
      {sync.status === 'error' ? (
        <LoadError what="The sync status" error={sync.error} onRetry={props.onReload} />
      ) : null}
      {rollback === null ? null : (
        <RollbackDialog
          request={rollback}
          onConfirm={props.onConfirmRollback}
          onClose={props.onCloseRollback}
        />
      )}
    </section>
  );
}

/** Model health: versions and their metrics, calibration and lift, retrain and rollback, sync and hygiene. */
export function HealthView({ api }: { api: PanelApi }) {
  const page = useHealthPage(api);
  const opener = useRef<HTMLElement | null>(null);
  const result = useRef<HTMLParagraphElement>(null);
  const names = useMemo(
    () => segmentNames(page.settings.status === 'ready' ? page.settings.value : undefined),
    [page.settings],
  );
  const { models, selected, select } = page;

  useEffect(() => {
    if (selected !== undefined || models.status !== 'ready') return;
    const first = defaultSelection(versionRows(models.value, names));
    if (first !== undefined) select(first);
  }, [models, names, selected, select]);

  const dialogOpen = page.rollback !== null;
  const succeeded = page.rolledBack !== null;
  const wasOpen = useRef(false);
  useEffect(() => {
    if (wasOpen.current && !dialogOpen) {
      // After a rollback its result (the button that opened the dialog may go with the reloaded table);
      // after Cancel or Escape, the button that opened it.
      const target = succeeded || opener.current?.isConnected !== true ? result.current : opener.current;
      target?.focus();
    }
    wasOpen.current = dialogOpen;
  }, [dialogOpen, succeeded]);

  return (
    <HealthPanel
      models={page.models}
      settingsNames={names}
      histories={page.histories}
      sync={page.sync}
      selected={selected}
      evaluation={page.evaluation}
      retrain={page.retrain}
      rollback={page.rollback}
      rolledBack={page.rolledBack}
      canAct={api.session.role === 'admin'}
      resultRef={result}
      onSelect={select}
      onRetrain={page.startRetrain}
      onRollBack={(row, element) => {
        opener.current = element;
        page.openRollback(row.segment, row.segmentName, row.id);
      }}
      onConfirmRollback={() => {
        void page.confirmRollback();
      }}
      onCloseRollback={page.closeRollback}
      onReload={page.reload}
    />
  );
}
