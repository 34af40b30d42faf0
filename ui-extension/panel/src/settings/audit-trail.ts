import type { components } from '../api/openapi.d.ts';

export type AuditAnswer = components['schemas']['SettingsAudit'];
export type AuditEntry = components['schemas']['SettingsAuditEntry'];
type Change = components['schemas']['SettingsChange'];

const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** `1 Dec 2026, 18:20 UTC`: one clock for everyone reading the trail. */
export function auditTimeText(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : `${dateTime.format(at)} UTC`;
}

/** A changed value in a few words: numbers and flags as they are, text quoted, a segment by its name. */
export function valueText(value: unknown): string {
  if (value === undefined || value === null) return 'none';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(valueText).join(', ');
  if (typeof value === 'object' && 'name' in value && typeof value.name === 'string')
    return `segment "${value.name}"`;
  return JSON.stringify(value);
}

/** `segments.smb.hotThreshold: 80 → 85`, `segments.mid: added segment "Mid-market"`. */
export function changeText(change: Change): string {
  const had = 'from' in change && change.from !== undefined;
  const has = 'to' in change && change.to !== undefined;
  if (!had && has) return `${change.path}: added ${valueText(change.to)}`;
  if (had && !has) return `${change.path}: removed ${valueText(change.from)}`;
  return `${change.path}: ${valueText(change.from)} → ${valueText(change.to)}`;
}

export interface AuditRow {
  key: string;
  who: string;
  when: string;
  /** `Version 3 (from 2)`. */
  version: string;
  changes: string[];
}

export function auditRows(answer: AuditAnswer): AuditRow[] {
  return answer.entries.map((entry) => ({
    key: `${entry.version}-${entry.at}`,
    who: entry.userId,
    when: auditTimeText(entry.at),
    version: `Version ${entry.version} (from ${entry.previousVersion})`,
    changes: entry.changes.length === 0 ? ['no field changed'] : entry.changes.map(changeText),
  }));
}
