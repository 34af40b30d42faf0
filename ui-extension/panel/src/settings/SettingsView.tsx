import { type FormEvent, useId, useMemo, useState } from 'react';
import type { PanelApi } from '../api/client.ts';
import { StateMessage } from '../app/StateMessage.tsx';
import { AuditTrail } from './AuditTrail.tsx';
import { CheckboxField, SelectField, TextField } from './fields.tsx';
import { SegmentEditor } from './SegmentEditor.tsx';
import {
  addSegment,
  moveSegment,
  removeSegment,
  type SettingsDraft,
  segmentLabel,
  updateSegment,
  updateTenant,
} from './settings-draft.ts';
import { NO_PROBLEMS, tenantField } from './settings-problems.ts';
import { ThresholdPreview } from './ThresholdPreview.tsx';
import { type CurvePoint, curveOf, thresholdOf } from './threshold-preview.ts';
import { type SaveState, type SettingsPageState, useSettingsPage } from './use-settings.ts';
import { type LivePreview, useThresholdPreview } from './use-threshold-preview.ts';
import './settings.css';

const LABEL_OPTIONS = [
  { value: 'converted' as const, label: 'The lead converts' },
  { value: 'won' as const, label: 'An opportunity is won' },
];

function SaveFeedback({ save, onReload }: { save: SaveState; onReload: () => void }) {
  if (save.status === 'saved')
    return (
      <p role="status" className="ls-save-ok">
        Saved version {save.version}
        {save.changes === 0 ? ' (nothing had changed)' : ''}.
        {save.rescoringQueued ? ' Leads are being rescored with the new segments and thresholds.' : ''}
      </p>
    );
  if (save.status === 'saving')
    return (
      <p role="status" className="ls-muted">
        Saving…
      </p>
    );
  if (save.status === 'invalid')
    return (
      <div role="alert" className="ls-alert">
        <p className="ls-alert-title">The settings were not saved: fix these and save again.</p>
        <ul>
          {save.problems.all.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      </div>
    );
  if (save.status === 'conflict')
    return (
      <div role="alert" className="ls-alert">
        <p className="ls-alert-title">Someone else saved the settings while you were editing.</p>
        <p>
          {save.message}. Reload to see their version (your unsaved edits are discarded), then make your
          change again.
        </p>
        <button type="button" className="ls-button" onClick={onReload}>
          Reload settings
        </button>
      </div>
    );
  if (save.status === 'failed')
    return (
      <div role="alert" className="ls-alert">
        <p className="ls-alert-title">The settings could not be saved.</p>
        <p>{save.message}. Your edits are still here: try again.</p>
        {save.requestId === undefined ? null : (
          <p className="ls-muted">
            Request id: <code>{save.requestId}</code>
          </p>
        )}
      </div>
    );
  return null;
}

export interface SettingsPanelProps {
  state: SettingsPageState;
  canEdit: boolean;
  activeKey: string | undefined;
  live: LivePreview;
  curve: readonly CurvePoint[];
  onEdit: (change: (draft: SettingsDraft) => SettingsDraft) => void;
  onActivate: (key: string) => void;
  onSave: () => void;
  onReload: () => void;
}

/** The settings page for a state: pure, so every state renders in tests without a browser. */
export function SettingsPanel({
  state,
  canEdit,
  activeKey,
  live,
  curve,
  onEdit,
  onActivate,
  onSave,
  onReload,
}: SettingsPanelProps) {
  const prefix = useId().replace(/[^A-Za-z0-9_-]/g, '');
  const headingId = `${prefix}-heading`;
  if (state.status === 'loading')
    return (
      <section className="ls-settings" aria-labelledby={headingId}>
        <h1 id={headingId}>Settings</h1>
        <StateMessage tone="loading" title="Loading the settings">
          <p>Reading the segments and thresholds from LeadScore…</p>
        </StateMessage>
      </section>
    );
  if (state.status === 'error')
    return (
      <section className="ls-settings" aria-labelledby={headingId}>
        <h1 id={headingId}>Settings</h1>
        <StateMessage
          tone="error"
          title="The settings could not be loaded"
          requestId={state.error.requestId}
          action={{ label: 'Try again', onClick: onReload }}
        >
          <p>{state.error.message}.</p>
        </StateMessage>
      </section>
    );
  const { draft, save, loaded } = state;
  const problems = save.status === 'invalid' ? save.problems : NO_PROBLEMS;
  const tenantErrors = (field: string) => problems.byField.get(tenantField(field));
  const active = draft.segments.find((segment) => segment.key === activeKey) ?? draft.segments[0];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (canEdit) onSave();
  };
  return (
    <section className="ls-settings" aria-labelledby={headingId}>
      <h1 id={headingId}>Settings</h1>
      <p className="ls-muted">
        Version {loaded.version}
        {loaded.savedBy === null ? '' : `, saved by ${loaded.savedBy}`}
        {loaded.savedAt === null ? '' : ` on ${new Date(loaded.savedAt).toISOString().slice(0, 10)}`}.
        {canEdit ? '' : ' You can read these settings; only LeadScore admins can change them.'}
      </p>
      <form className="ls-settings-form" onSubmit={submit} noValidate>
        <fieldset className="ls-plain" disabled={!canEdit}>
          <legend className="ls-visually-hidden">Scoring settings</legend>
          <section className="ls-card" aria-labelledby={`${prefix}-segments`}>
            <h2 id={`${prefix}-segments`}>Segments</h2>
            <p className="ls-muted">
              A lead belongs to the first segment whose conditions it meets; a segment without conditions
              catches every other lead and must come last.
            </p>
            {draft.segments.map((segment, position) => (
              <SegmentEditor
                key={segment.key}
                segment={segment}
                position={position}
                count={draft.segments.length}
                idPrefix={prefix}
                problems={problems}
                editable={canEdit}
                onChange={(patch) => onEdit((current) => updateSegment(current, segment.key, patch))}
                onMove={(by) => onEdit((current) => moveSegment(current, segment.key, by))}
                onRemove={() => onEdit((current) => removeSegment(current, segment.key))}
                onActivate={() => onActivate(segment.key)}
              />
            ))}
            {canEdit ? (
              <button
                type="button"
                className="ls-button ls-button-secondary"
                onClick={() => onEdit(addSegment)}
              >
                Add segment
              </button>
            ) : null}
          </section>
          <ThresholdPreview
            segmentName={active === undefined ? undefined : segmentLabel(active)}
            live={live}
            curve={curve}
            hot={active === undefined ? undefined : thresholdOf(active.hotThreshold)}
            warm={active === undefined ? undefined : thresholdOf(active.warmThreshold)}
          />
          <section className="ls-card" aria-labelledby={`${prefix}-model`}>
            <h2 id={`${prefix}-model`}>Model and routing</h2>
            <div className="ls-grid">
              <SelectField
                id={`${prefix}-label`}
                label="Predict whether"
                value={draft.label}
                options={LABEL_OPTIONS}
                onChange={(value) => onEdit((current) => updateTenant(current, { label: value }))}
                errors={tenantErrors('label')}
              />
              <TextField
                id={`${prefix}-horizonDays`}
                type="number"
                min={7}
                max={730}
                step={1}
                label="Within (days)"
                hint="The horizon of the prediction: 7 to 730 days."
                value={draft.horizonDays}
                onChange={(value) => onEdit((current) => updateTenant(current, { horizonDays: value }))}
                errors={tenantErrors('horizonDays')}
              />
              <TextField
                id={`${prefix}-retrainCron`}
                label="Retraining schedule (cron, UTC)"
                hint='Five fields, e.g. "0 3 * * 0" for Sundays at 03:00.'
                value={draft.retrainCron}
                onChange={(value) => onEdit((current) => updateTenant(current, { retrainCron: value }))}
                errors={tenantErrors('retrainCron')}
              />
            </div>
            <CheckboxField
              id={`${prefix}-routeAlreadyHot`}
              label="Route leads that are already hot when first scored"
              hint="Off: installing or adding a segment sets a baseline without creating tasks for every hot lead."
              checked={draft.routeAlreadyHot}
              onChange={(checked) => onEdit((current) => updateTenant(current, { routeAlreadyHot: checked }))}
              errors={tenantErrors('routeAlreadyHot')}
            />
            <CheckboxField
              id={`${prefix}-writebackEnabled`}
              label="Write scores, tiers and factors to the CRM"
              checked={draft.writebackEnabled}
              onChange={(checked) =>
                onEdit((current) => updateTenant(current, { writebackEnabled: checked }))
              }
              errors={tenantErrors('writebackEnabled')}
            />
          </section>
        </fieldset>
        <SaveFeedback save={save} onReload={onReload} />
        {canEdit ? (
          <button type="submit" className="ls-button" disabled={save.status === 'saving'}>
            Save settings
          </button>
        ) : null}
      </form>
      <AuditTrail audit={state.audit} />
    </section>
  );
}

/** Settings: segments, thresholds with their live preview, routing, the audit trail (admins edit). */
export function SettingsView({ api }: { api: PanelApi }) {
  const { state, edit, save, reload } = useSettingsPage(api);
  const [activeKey, setActiveKey] = useState<string | undefined>(undefined);
  const ready = state.status === 'ready' ? state : undefined;
  const savedIds = useMemo(
    () => ready?.loaded.settings.segments.map((segment) => segment.id) ?? [],
    [ready?.loaded.settings],
  );
  const active =
    ready?.draft.segments.find((segment) => segment.key === activeKey) ?? ready?.draft.segments[0];
  const { sweep, live } = useThresholdPreview(api, ready?.loaded.version ?? null, savedIds, active);
  const curve = useMemo(() => {
    const segmentId = active?.savedId ?? null;
    if (segmentId === null) return [];
    const answers = live.status === 'ready' ? [...sweep, { segments: [live.answer] }] : sweep;
    return curveOf(answers, segmentId);
  }, [sweep, live, active?.savedId]);
  return (
    <SettingsPanel
      state={state}
      canEdit={api.session.role === 'admin'}
      activeKey={activeKey}
      live={live}
      curve={curve}
      onEdit={edit}
      onActivate={setActiveKey}
      onSave={save}
      onReload={reload}
    />
  );
}
