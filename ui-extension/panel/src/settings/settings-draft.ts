import type { components } from '../api/openapi.d.ts';

/** The settings as the API answers them (see the server's settings schema). */
export type Settings = components['schemas']['Settings'];
export type Segment = Settings['segments'][number];
export type SettingsVersion = components['schemas']['SettingsVersion'];
export type RoutingAction = Segment['onHot'];

export const ROUTING_ACTIONS: readonly { value: RoutingAction; label: string }[] = [
  { value: 'task', label: 'Create a task for the owner' },
  { value: 'nurture', label: 'Set the nurture flag' },
  { value: 'none', label: 'Do nothing' },
];

/**
 * One segment as the form edits it: numbers and lists as the text the admin types (so a field can be
 * cleared or hold a trailing comma), turned back into settings only when sent.
 */
export interface SegmentDraft {
  /** Stable for React across renames and moves. */
  key: string;
  /** The id in the saved settings; null for a segment added in this edit. */
  savedId: string | null;
  id: string;
  /** A new segment's id follows its name until the admin types one. */
  idEdited: boolean;
  name: string;
  minEmployees: string;
  maxEmployees: string;
  industries: string;
  countries: string;
  leadSources: string;
  hotThreshold: string;
  warmThreshold: string;
  onHot: RoutingAction;
  onWarm: RoutingAction;
  /** Percent of the segment's leads held out of model routing, 0-50. */
  holdoutPercent: string;
}

export interface SettingsDraft {
  label: Settings['label'];
  horizonDays: string;
  retrainCron: string;
  routeAlreadyHot: boolean;
  writebackEnabled: boolean;
  segments: SegmentDraft[];
  nextKey: number;
}

const listText = (values: readonly string[]) => values.join(', ');
const numberText = (value: number | null) => (value === null ? '' : String(value));

/** Percent text of a share, without float noise: 0.125 → `12.5`. */
export function percentText(share: number): string {
  return String(Math.round(share * 100 * 1000) / 1000);
}

function segmentDraft(segment: Segment, key: string): SegmentDraft {
  return {
    key,
    savedId: segment.id,
    id: segment.id,
    idEdited: true,
    name: segment.name,
    minEmployees: numberText(segment.minEmployees),
    maxEmployees: numberText(segment.maxEmployees),
    industries: listText(segment.industries),
    countries: listText(segment.countries),
    leadSources: listText(segment.leadSources),
    hotThreshold: String(segment.hotThreshold),
    warmThreshold: String(segment.warmThreshold),
    onHot: segment.onHot,
    onWarm: segment.onWarm,
    holdoutPercent: percentText(segment.holdoutShare),
  };
}

export function draftOf(settings: Settings): SettingsDraft {
  return {
    label: settings.label,
    horizonDays: String(settings.horizonDays),
    retrainCron: settings.retrainCron,
    routeAlreadyHot: settings.routeAlreadyHot,
    writebackEnabled: settings.writebackEnabled,
    segments: settings.segments.map((segment, index) => segmentDraft(segment, `s${index}`)),
    nextKey: settings.segments.length,
  };
}

/** `' Software,  SaaS ,'` → `['Software', 'SaaS']`. */
export function listOf(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * A number field as sent: empty is null (the server says what it needs there), anything else the
 * number typed, or the text itself when it is not a number, so the server's message names it.
 */
export function numberOf(text: string): number | string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

function shareOf(percent: string): number | string | null {
  const value = numberOf(percent);
  return typeof value === 'number' ? Math.round((value / 100) * 1e6) / 1e6 : value;
}

/** The settings object PUT /settings receives; the server validates it as a whole. */
export function settingsOfDraft(draft: SettingsDraft): Record<string, unknown> {
  return {
    label: draft.label,
    horizonDays: numberOf(draft.horizonDays),
    retrainCron: draft.retrainCron,
    routeAlreadyHot: draft.routeAlreadyHot,
    writebackEnabled: draft.writebackEnabled,
    segments: draft.segments.map((segment) => ({
      id: segment.id,
      name: segment.name,
      minEmployees: numberOf(segment.minEmployees),
      maxEmployees: numberOf(segment.maxEmployees),
      industries: listOf(segment.industries),
      countries: listOf(segment.countries),
      leadSources: listOf(segment.leadSources),
      hotThreshold: numberOf(segment.hotThreshold),
      warmThreshold: numberOf(segment.warmThreshold),
      onHot: segment.onHot,
      onWarm: segment.onWarm,
      holdoutShare: shareOf(segment.holdoutPercent),
    })),
  };
}

/** A segment id made from a name: lower case letters, digits and dashes, at most 40. */
export function idFromName(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug === '' ? 'segment' : slug;
}

function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let suffix = 2; ; suffix += 1) {
    const tail = `-${suffix}`;
    const candidate = `${base.slice(0, 40 - tail.length)}${tail}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** A segment without any condition matches every lead: only the last one may be it. */
export function isCatchAll(segment: SegmentDraft): boolean {
  return (
    segment.minEmployees.trim() === '' &&
    segment.maxEmployees.trim() === '' &&
    listOf(segment.industries).length === 0 &&
    listOf(segment.countries).length === 0 &&
    listOf(segment.leadSources).length === 0
  );
}

/**
 * Adds a segment with a unique id and name, before the catch-all when the last segment is one (a
 * segment after the catch-all could never match).
 */
export function addSegment(draft: SettingsDraft): SettingsDraft {
  const names = new Set(draft.segments.map((segment) => segment.name));
  let number = draft.segments.length + 1;
  while (names.has(`New segment ${number}`)) number += 1;
  const name = `New segment ${number}`;
  const id = uniqueId(idFromName(name), new Set(draft.segments.map((segment) => segment.id)));
  const last = draft.segments[draft.segments.length - 1];
  const added: SegmentDraft = {
    key: `s${draft.nextKey}`,
    savedId: null,
    id,
    idEdited: false,
    name,
    minEmployees: '',
    maxEmployees: '',
    industries: '',
    countries: '',
    leadSources: '',
    hotThreshold: last?.hotThreshold ?? '80',
    warmThreshold: last?.warmThreshold ?? '50',
    onHot: 'task',
    onWarm: 'nurture',
    holdoutPercent: '0',
  };
  const at = last !== undefined && isCatchAll(last) ? draft.segments.length - 1 : draft.segments.length;
  const segments = [...draft.segments.slice(0, at), added, ...draft.segments.slice(at)];
  return { ...draft, segments, nextKey: draft.nextKey + 1 };
}

export function removeSegment(draft: SettingsDraft, key: string): SettingsDraft {
  return { ...draft, segments: draft.segments.filter((segment) => segment.key !== key) };
}

/** Moves a segment one place up (-1) or down (+1); order decides which segment a lead falls in. */
export function moveSegment(draft: SettingsDraft, key: string, by: -1 | 1): SettingsDraft {
  const from = draft.segments.findIndex((segment) => segment.key === key);
  const to = from + by;
  if (from < 0 || to < 0 || to >= draft.segments.length) return draft;
  const segments = [...draft.segments];
  const [moved] = segments.splice(from, 1);
  if (moved !== undefined) segments.splice(to, 0, moved);
  return { ...draft, segments };
}

export type SegmentPatch = Partial<Omit<SegmentDraft, 'key' | 'savedId' | 'idEdited'>>;

/** Changes a segment's fields; a new segment's id follows its name until the id is edited. */
export function updateSegment(draft: SettingsDraft, key: string, patch: SegmentPatch): SettingsDraft {
  const segments = draft.segments.map((segment) => {
    if (segment.key !== key) return segment;
    const next = { ...segment, ...patch };
    if (patch.id !== undefined) next.idEdited = true;
    else if (patch.name !== undefined && segment.savedId === null && !segment.idEdited) {
      const others = new Set(draft.segments.filter((one) => one.key !== key).map((one) => one.id));
      next.id = uniqueId(idFromName(patch.name), others);
    }
    return next;
  });
  return { ...draft, segments };
}

export type TenantPatch = Partial<Omit<SettingsDraft, 'segments' | 'nextKey'>>;

export function updateTenant(draft: SettingsDraft, patch: TenantPatch): SettingsDraft {
  return { ...draft, ...patch };
}

/** The name a segment's controls are labelled with: its name, or its id while the name is empty. */
export function segmentLabel(segment: Pick<SegmentDraft, 'name' | 'id'>): string {
  return segment.name.trim() === '' ? segment.id : segment.name.trim();
}
