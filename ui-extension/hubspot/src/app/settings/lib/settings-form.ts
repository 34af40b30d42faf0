/**
 * The settings page's logic without UI: reading GET /settings, the per-segment form (hot and warm
 * thresholds, holdout share), checking it as the server will, the preview request and its answer,
 * the save body, the server's field problems and the audit trail.
 */

export interface SegmentSettings {
  id: string;
  name: string;
  hotThreshold: number;
  warmThreshold: number;
  holdoutShare: number;
}

export interface SettingsVersion {
  version: number;
  savedAt: string | null;
  savedBy: string | null;
  /** The whole settings object as the server sent it: saved back with only the edited fields changed. */
  settings: Record<string, unknown>;
  segments: SegmentSettings[];
}

/** What the admin edits; undefined while a number field is empty. */
export interface SegmentDraft {
  id: string;
  name: string;
  hotThreshold: number | undefined;
  warmThreshold: number | undefined;
  /** Percent of the segment's leads in the holdout, 0-50. */
  holdoutPercent: number | undefined;
}

export type DraftField = 'hotThreshold' | 'warmThreshold' | 'holdoutPercent';

/** `smb.hotThreshold`: the key of one input's message. */
export type FieldKey = `${string}.${DraftField}`;
export const fieldKey = (segmentId: string, field: DraftField): FieldKey => `${segmentId}.${field}`;

export class SettingsAnswerError extends Error {
  override readonly name = 'SettingsAnswerError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(what: string): never {
  throw new SettingsAnswerError(
    `the settings answer has no valid ${what}: reload, or contact LeadScore support`,
  );
}

const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const stringOrNull = (value: unknown): value is string | null => value === null || isString(value);

function parseSegment(value: unknown): SegmentSettings {
  if (!isRecord(value)) fail('segment');
  const { id, name, hotThreshold, warmThreshold, holdoutShare } = value;
  if (!isString(id) || !isString(name) || !isInt(hotThreshold) || !isInt(warmThreshold)) fail('segment');
  const share = holdoutShare === undefined ? 0 : holdoutShare;
  if (typeof share !== 'number') fail(`holdout share of segment ${id}`);
  return { id, name, hotThreshold, warmThreshold, holdoutShare: share };
}

/** GET /settings (and the PUT answer): `{version, savedAt, savedBy, settings}`. */
export function parseSettingsVersion(value: unknown): SettingsVersion {
  if (!isRecord(value)) fail('body (not a JSON object)');
  const { version, savedAt, savedBy, settings } = value;
  if (!isInt(version) || version < 0) fail('version');
  if (!stringOrNull(savedAt) || !stringOrNull(savedBy)) fail('saved at / saved by');
  if (!isRecord(settings) || !Array.isArray(settings.segments) || settings.segments.length === 0)
    fail('settings.segments');
  return { version, savedAt, savedBy, settings, segments: settings.segments.map(parseSegment) };
}

/** Holdout share 0-0.5 as a percent with at most one decimal. */
export function sharePercent(share: number): number {
  return Math.round(share * 1000) / 10;
}

export function draftOf(version: SettingsVersion): SegmentDraft[] {
  return version.segments.map((segment) => ({
    id: segment.id,
    name: segment.name,
    hotThreshold: segment.hotThreshold,
    warmThreshold: segment.warmThreshold,
    holdoutPercent: sharePercent(segment.holdoutShare),
  }));
}

const THRESHOLD_RULE = 'must be a whole number from 0 to 100';

/** The same rules the server applies, so most mistakes show before saving. */
export function checkDraft(draft: readonly SegmentDraft[]): Map<FieldKey, string> {
  const problems = new Map<FieldKey, string>();
  for (const segment of draft) {
    for (const field of ['hotThreshold', 'warmThreshold'] as const) {
      const value = segment[field];
      const label = field === 'hotThreshold' ? 'Hot threshold' : 'Warm threshold';
      if (value === undefined || !Number.isInteger(value) || value < 0 || value > 100)
        problems.set(fieldKey(segment.id, field), `${label} ${THRESHOLD_RULE}`);
    }
    const { hotThreshold, warmThreshold, holdoutPercent } = segment;
    if (
      hotThreshold !== undefined &&
      warmThreshold !== undefined &&
      !problems.has(fieldKey(segment.id, 'warmThreshold')) &&
      warmThreshold > hotThreshold
    )
      problems.set(
        fieldKey(segment.id, 'warmThreshold'),
        `Warm threshold ${warmThreshold} must not be above the hot threshold ${hotThreshold}: lower it or raise the hot threshold`,
      );
    if (holdoutPercent === undefined || !(holdoutPercent >= 0 && holdoutPercent <= 50))
      problems.set(
        fieldKey(segment.id, 'holdoutPercent'),
        'Holdout share must be from 0% to 50% of the segment (0 turns the holdout off)',
      );
  }
  return problems;
}

/** POST /settings/preview for the thresholds being edited; undefined while any is invalid. */
export function previewRequest(
  draft: readonly SegmentDraft[],
): { segments: { segmentId: string; hotThreshold: number; warmThreshold: number }[] } | undefined {
  const segments = [];
  for (const segment of draft) {
    const { hotThreshold, warmThreshold } = segment;
    if (hotThreshold === undefined || warmThreshold === undefined) return undefined;
    if (!Number.isInteger(hotThreshold) || !Number.isInteger(warmThreshold)) return undefined;
    if (hotThreshold < 0 || hotThreshold > 100 || warmThreshold < 0 || warmThreshold > hotThreshold)
      return undefined;
    segments.push({ segmentId: segment.id, hotThreshold, warmThreshold });
  }
  return { segments };
}

export interface ThresholdOutcome {
  threshold: number;
  leadsPerWeek: number;
  precision: number | null;
  recall: number | null;
}

export interface SegmentPreview {
  segmentId: string;
  hot: ThresholdOutcome | null;
  warm: ThresholdOutcome | null;
  note: string | null;
}

function parseOutcome(value: unknown): ThresholdOutcome | null {
  if (value === null) return null;
  if (!isRecord(value)) fail('preview outcome');
  const { threshold, leadsPerWeek, precision, recall } = value;
  const rate = (item: unknown): item is number | null => item === null || typeof item === 'number';
  if (!isInt(threshold) || typeof leadsPerWeek !== 'number' || !rate(precision) || !rate(recall))
    fail('preview outcome');
  return { threshold, leadsPerWeek, precision, recall };
}

/** POST /settings/preview's answer, per segment id. */
export function parsePreview(value: unknown): Map<string, SegmentPreview> {
  if (!isRecord(value) || !Array.isArray(value.segments)) fail('preview');
  const previews = new Map<string, SegmentPreview>();
  for (const item of value.segments) {
    if (!isRecord(item) || !isString(item.segmentId) || !stringOrNull(item.note)) fail('preview segment');
    previews.set(item.segmentId, {
      segmentId: item.segmentId,
      hot: parseOutcome(item.hot),
      warm: parseOutcome(item.warm),
      note: item.note,
    });
  }
  return previews;
}

function rateText(rate: number | null): string {
  return rate === null ? 'n/a' : `${Math.round(rate * 100)}%`;
}

function perWeek(leads: number): string {
  const rounded = leads >= 10 ? Math.round(leads) : Math.round(leads * 10) / 10;
  return `${rounded} ${rounded === 1 ? 'lead' : 'leads'} per week`;
}

/** `Hot at 80 or above: 12.5 leads per week, precision 41%, recall 63%`. */
export function outcomeText(tier: 'Hot' | 'Warm', outcome: ThresholdOutcome): string {
  return `${tier} at ${outcome.threshold} or above: ${perWeek(outcome.leadsPerWeek)}, precision ${rateText(outcome.precision)}, recall ${rateText(outcome.recall)}`;
}

/** The settings to PUT: the loaded object with each segment's edited fields replaced. */
export function settingsToSave(
  version: SettingsVersion,
  draft: readonly SegmentDraft[],
): Record<string, unknown> {
  const byId = new Map(draft.map((segment) => [segment.id, segment]));
  const segments = Array.isArray(version.settings.segments) ? version.settings.segments : [];
  return {
    ...version.settings,
    segments: segments.map((raw: unknown) => {
      if (!isRecord(raw) || !isString(raw.id)) return raw;
      const edited = byId.get(raw.id);
      if (edited === undefined) return raw;
      return {
        ...raw,
        hotThreshold: edited.hotThreshold,
        warmThreshold: edited.warmThreshold,
        holdoutShare: edited.holdoutPercent === undefined ? raw.holdoutShare : edited.holdoutPercent / 100,
      };
    }),
  };
}

const SERVER_FIELDS: Record<string, DraftField> = {
  hotThreshold: 'hotThreshold',
  warmThreshold: 'warmThreshold',
  holdoutShare: 'holdoutPercent',
};

/**
 * A server problem's input, when it names one: `settings.segments[smb].warmThreshold` (the segment
 * id in brackets) is the warm threshold input of segment smb. Anything else belongs to the page.
 */
export function fieldOfProblem(field: string): FieldKey | undefined {
  const match = /^settings\.segments\[([^\]]+)\]\.(\w+)$/.exec(field);
  if (match === null) return undefined;
  const [, segmentId, name] = match;
  if (segmentId === undefined || name === undefined) return undefined;
  const draftField = SERVER_FIELDS[name];
  return draftField === undefined ? undefined : fieldKey(segmentId, draftField);
}

export interface AuditEntry {
  version: number;
  userId: string;
  at: string;
  changes: { path: string; from?: unknown; to?: unknown }[];
}

/** GET /settings/audit: `{entries}`, newest first. */
export function parseAudit(value: unknown): AuditEntry[] {
  if (!isRecord(value) || !Array.isArray(value.entries)) fail('audit trail');
  return value.entries.map((entry: unknown) => {
    if (!isRecord(entry) || !isInt(entry.version) || !isString(entry.userId) || !isString(entry.at))
      fail('audit entry');
    const changes = Array.isArray(entry.changes) ? entry.changes : [];
    return {
      version: entry.version,
      userId: entry.userId,
      at: entry.at,
      changes: changes.filter(isRecord).map((change) => ({
        path: isString(change.path) ? change.path : '(unknown field)',
        ...('from' in change ? { from: change.from } : {}),
        ...('to' in change ? { to: change.to } : {}),
      })),
    };
  });
}

function valueText(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `SMB hot threshold: 80 → 75`, naming segments by their name when the page knows it. */
export function changeText(
  change: AuditEntry['changes'][number],
  segmentNames: ReadonlyMap<string, string>,
): string {
  const match = /^segments\.([^.]+)\.(hotThreshold|warmThreshold|holdoutShare)$/.exec(change.path);
  const labels: Record<string, string> = {
    hotThreshold: 'hot threshold',
    warmThreshold: 'warm threshold',
    holdoutShare: 'holdout share',
  };
  const segmentId = match?.[1];
  const field = match?.[2];
  const where =
    segmentId !== undefined && field !== undefined
      ? `${segmentNames.get(segmentId) ?? segmentId} ${labels[field] ?? field}`
      : change.path;
  return `${where}: ${valueText(change.from)} → ${valueText(change.to)}`;
}
