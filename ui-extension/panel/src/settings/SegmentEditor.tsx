import { FieldError, SelectField, TextField } from './fields.tsx';
import { ROUTING_ACTIONS, type SegmentDraft, type SegmentPatch, segmentLabel } from './settings-draft.ts';
import { type MappedProblems, segmentField } from './settings-problems.ts';

export interface SegmentEditorProps {
  segment: SegmentDraft;
  position: number;
  count: number;
  idPrefix: string;
  problems: MappedProblems;
  editable: boolean;
  onChange: (patch: SegmentPatch) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
  /** The admin is editing this segment's thresholds: the preview follows it. */
  onActivate: () => void;
}

/** One segment: its name and rule, thresholds, routing and holdout. */
export function SegmentEditor({
  segment,
  position,
  count,
  idPrefix,
  problems,
  editable,
  onChange,
  onMove,
  onRemove,
  onActivate,
}: SegmentEditorProps) {
  const name = segmentLabel(segment);
  const id = (field: string) => `${idPrefix}-${segment.key}-${field}`;
  const errors = (field: string) => problems.byField.get(segmentField(segment.key, field));
  const ruleErrorId = id('rule-error');
  const ruleErrors = errors('rule');
  const headingId = id('heading');
  return (
    <section className="ls-segment" aria-labelledby={headingId}>
      <div className="ls-segment-head">
        <h3 id={headingId} className="ls-segment-title">
          {position + 1}. {name}
          {segment.savedId === null ? <span className="ls-badge">New</span> : null}
        </h3>
        {editable ? (
          <div className="ls-segment-actions">
            <button
              type="button"
              className="ls-button ls-button-secondary"
              disabled={position === 0}
              onClick={() => onMove(-1)}
            >
              Move up
              <span className="ls-visually-hidden"> {name}</span>
            </button>
            <button
              type="button"
              className="ls-button ls-button-secondary"
              disabled={position === count - 1}
              onClick={() => onMove(1)}
            >
              Move down
              <span className="ls-visually-hidden"> {name}</span>
            </button>
            <button
              type="button"
              className="ls-button ls-button-danger"
              aria-label={`Remove segment ${name}`}
              disabled={count === 1}
              onClick={onRemove}
            >
              Remove
            </button>
          </div>
        ) : null}
      </div>
      <div className="ls-grid">
        <TextField
          id={id('name')}
          label="Name"
          context={`of segment ${position + 1}`}
          value={segment.name}
          onChange={(value) => onChange({ name: value })}
          errors={errors('name')}
        />
        <TextField
          id={id('id')}
          label="Segment id"
          context={`for ${name}`}
          value={segment.id}
          readOnly={segment.savedId !== null}
          hint={
            segment.savedId === null
              ? 'Lower-case letters, digits and dashes; fixed once saved.'
              : 'Fixed: models and scores refer to it.'
          }
          onChange={(value) => onChange({ id: value })}
          errors={errors('id')}
        />
      </div>
      <fieldset className="ls-rule" aria-describedby={ruleErrors === undefined ? undefined : ruleErrorId}>
        <legend>Which leads belong here (all conditions that are set must hold)</legend>
        <div className="ls-grid">
          <TextField
            id={id('minEmployees')}
            type="number"
            min={0}
            step={1}
            label="Employees at least"
            context={`for ${name}`}
            value={segment.minEmployees}
            onChange={(value) => onChange({ minEmployees: value })}
            errors={errors('minEmployees')}
          />
          <TextField
            id={id('maxEmployees')}
            type="number"
            min={1}
            step={1}
            label="Employees fewer than"
            context={`for ${name}`}
            value={segment.maxEmployees}
            onChange={(value) => onChange({ maxEmployees: value })}
            errors={errors('maxEmployees')}
          />
          <TextField
            id={id('industries')}
            label="Industries"
            context={`for ${name}`}
            hint="Comma-separated; empty matches any."
            value={segment.industries}
            onChange={(value) => onChange({ industries: value })}
            errors={errors('industries')}
          />
          <TextField
            id={id('countries')}
            label="Countries"
            context={`for ${name}`}
            hint="Comma-separated; empty matches any."
            value={segment.countries}
            onChange={(value) => onChange({ countries: value })}
            errors={errors('countries')}
          />
          <TextField
            id={id('leadSources')}
            label="Lead sources"
            context={`for ${name}`}
            hint="Comma-separated; empty matches any."
            value={segment.leadSources}
            onChange={(value) => onChange({ leadSources: value })}
            errors={errors('leadSources')}
          />
        </div>
        <FieldError id={ruleErrorId} messages={ruleErrors} />
      </fieldset>
      <div className="ls-grid">
        <TextField
          id={id('hotThreshold')}
          type="number"
          min={0}
          max={100}
          step={1}
          label="Hot threshold"
          context={`for ${name}`}
          value={segment.hotThreshold}
          onChange={(value) => {
            onActivate();
            onChange({ hotThreshold: value });
          }}
          onFocus={onActivate}
          errors={errors('hotThreshold')}
        />
        <TextField
          id={id('warmThreshold')}
          type="number"
          min={0}
          max={100}
          step={1}
          label="Warm threshold"
          context={`for ${name}`}
          value={segment.warmThreshold}
          onChange={(value) => {
            onActivate();
            onChange({ warmThreshold: value });
          }}
          onFocus={onActivate}
          errors={errors('warmThreshold')}
        />
        <SelectField
          id={id('onHot')}
          label="When a lead becomes hot"
          context={`in ${name}`}
          value={segment.onHot}
          options={ROUTING_ACTIONS}
          onChange={(value) => onChange({ onHot: value })}
          errors={errors('onHot')}
        />
        <SelectField
          id={id('onWarm')}
          label="When a lead becomes warm"
          context={`in ${name}`}
          value={segment.onWarm}
          options={ROUTING_ACTIONS}
          onChange={(value) => onChange({ onWarm: value })}
          errors={errors('onWarm')}
        />
        <TextField
          id={id('holdoutPercent')}
          type="number"
          min={0}
          max={50}
          step="any"
          label="Holdout share (%)"
          context={`for ${name}`}
          hint="Leads routed without the model, to measure lift (0-50%)."
          value={segment.holdoutPercent}
          onChange={(value) => onChange({ holdoutPercent: value })}
          errors={errors('holdoutPercent')}
        />
      </div>
    </section>
  );
}
