import type { ReactNode } from 'react';

/** Ids of a field's hint and error, for aria-describedby; undefined when it has neither. */
export function describedBy(...ids: (string | undefined)[]): string | undefined {
  const present = ids.filter((id) => id !== undefined && id !== '');
  return present.length === 0 ? undefined : present.join(' ');
}

/** The API's messages for one field, next to it; referenced by the field's aria-describedby. */
export function FieldError({ id, messages }: { id: string; messages: readonly string[] | undefined }) {
  if (messages === undefined || messages.length === 0) return null;
  return (
    <p id={id} className="ls-field-error">
      {messages.join(' ')}
    </p>
  );
}

export interface TextFieldProps {
  id: string;
  /** Visible label; `context` is appended for screen readers (`Hot threshold` + ` for SMB`). */
  label: string;
  context?: string | undefined;
  value: string;
  onChange: (value: string) => void;
  onFocus?: (() => void) | undefined;
  type?: 'text' | 'number';
  min?: number | undefined;
  max?: number | undefined;
  step?: number | string | undefined;
  hint?: string | undefined;
  errors?: readonly string[] | undefined;
  readOnly?: boolean | undefined;
  className?: string | undefined;
  children?: ReactNode;
}

/** A labelled input with its hint and API errors wired to aria-describedby and aria-invalid. */
export function TextField({
  id,
  label,
  context,
  value,
  onChange,
  onFocus,
  type = 'text',
  min,
  max,
  step,
  hint,
  errors,
  readOnly,
  className,
}: TextFieldProps) {
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  const errorId = `${id}-error`;
  const invalid = errors !== undefined && errors.length > 0;
  return (
    <div className={`ls-field${className === undefined ? '' : ` ${className}`}`}>
      <label htmlFor={id} className="ls-field-label">
        {label}
        {context === undefined ? null : <span className="ls-visually-hidden"> {context}</span>}
      </label>
      <input
        id={id}
        className="ls-input"
        type={type}
        value={value}
        min={min}
        max={max}
        step={step}
        inputMode={type === 'number' ? 'decimal' : undefined}
        readOnly={readOnly}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={describedBy(hintId, invalid ? errorId : undefined)}
        onChange={(event) => onChange(event.target.value)}
        onFocus={onFocus}
      />
      {hint === undefined ? null : (
        <p id={hintId} className="ls-field-hint">
          {hint}
        </p>
      )}
      <FieldError id={errorId} messages={errors} />
    </div>
  );
}

export interface SelectFieldProps<V extends string> {
  id: string;
  label: string;
  context?: string | undefined;
  value: V;
  options: readonly { value: V; label: string }[];
  onChange: (value: V) => void;
  errors?: readonly string[] | undefined;
  disabled?: boolean | undefined;
}

export function SelectField<V extends string>({
  id,
  label,
  context,
  value,
  options,
  onChange,
  errors,
  disabled,
}: SelectFieldProps<V>) {
  const errorId = `${id}-error`;
  const invalid = errors !== undefined && errors.length > 0;
  return (
    <div className="ls-field">
      <label htmlFor={id} className="ls-field-label">
        {label}
        {context === undefined ? null : <span className="ls-visually-hidden"> {context}</span>}
      </label>
      <select
        id={id}
        className="ls-input"
        value={value}
        disabled={disabled}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={invalid ? errorId : undefined}
        onChange={(event) => {
          const chosen = options.find((option) => option.value === event.target.value);
          if (chosen !== undefined) onChange(chosen.value);
        }}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldError id={errorId} messages={errors} />
    </div>
  );
}

export function CheckboxField({
  id,
  label,
  checked,
  onChange,
  hint,
  errors,
  disabled,
}: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: string;
  errors?: readonly string[] | undefined;
  disabled?: boolean | undefined;
}) {
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  const errorId = `${id}-error`;
  const invalid = errors !== undefined && errors.length > 0;
  return (
    <div className="ls-field ls-field-check">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={describedBy(hintId, invalid ? errorId : undefined)}
        onChange={(event) => onChange(event.target.checked)}
      />
      <label htmlFor={id} className="ls-field-label">
        {label}
      </label>
      {hint === undefined ? null : (
        <p id={hintId} className="ls-field-hint">
          {hint}
        </p>
      )}
      <FieldError id={errorId} messages={errors} />
    </div>
  );
}
