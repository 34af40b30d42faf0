import type { z } from 'zod';
import { type Settings, settingsSchema } from '../schemas/settings.ts';
import { checkSegmentList } from './segment-rules.ts';

/** One thing wrong with settings, worded for the RevOps admin who edits them. */
export interface SettingsProblem {
  /** Id of the segment concerned (or `#<position>` when it has no usable id); absent for tenant fields. */
  segment?: string;
  /** The field, e.g. `warmThreshold`, `rule`, `horizonDays`, `segments`. */
  field: string;
  /** A full sentence: `segment "enterprise": warmThreshold 80 must not be above hotThreshold 75`. */
  message: string;
}

export type SettingsValidation =
  | { ok: true; settings: Settings }
  | { ok: false; problems: SettingsProblem[] };

function segmentName(input: unknown, index: number): string {
  if (typeof input === 'object' && input !== null && 'segments' in input && Array.isArray(input.segments)) {
    const segment: unknown = input.segments[index];
    if (
      typeof segment === 'object' &&
      segment !== null &&
      'id' in segment &&
      typeof segment.id === 'string'
    ) {
      if (segment.id.length > 0 && segment.id.length <= 40) return segment.id;
    }
  }
  return `#${index + 1}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function problemOf(input: unknown, issue: z.core.$ZodIssue): SettingsProblem {
  const path = issue.path;
  const withValue =
    issue.code === 'too_big' || issue.code === 'too_small' || issue.code === 'invalid_type'
      ? (() => {
          const value = valueAt(input, path);
          return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean'
            ? ` (got ${JSON.stringify(value)})`
            : '';
        })()
      : '';
  if (path[0] === 'segments' && typeof path[1] === 'number' && path.length > 2) {
    const segment = segmentName(input, path[1]);
    const field = path.slice(2).map(String).join('.');
    return { segment, field, message: `segment "${segment}": ${field} ${issue.message}${withValue}` };
  }
  const field = path.length > 0 ? path.map(String).join('.') : 'settings';
  return { field, message: `${field} ${issue.message}${withValue}` };
}

/**
 * The one way from untrusted input (an HTTP body, a stored record) to settings: the schema's field
 * checks, then the segment list as a whole (catch-all last, unique ids, no unreachable or
 * overlapping rules). Every problem names its segment and field; nothing is fixed up silently.
 */
export function validateSettings(input: unknown): SettingsValidation {
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => problemOf(input, issue)) };
  }
  const listProblems = checkSegmentList(parsed.data.segments);
  if (listProblems.length > 0) {
    return {
      ok: false,
      problems: listProblems.map(({ index, field, reason }) => {
        const segment = parsed.data.segments[index].id;
        return { segment, field, message: `segment "${segment}": ${field} ${reason}` };
      }),
    };
  }
  return { ok: true, settings: parsed.data };
}

/** One line listing every problem, for errors and logs. */
export function describeSettingsProblems(problems: readonly SettingsProblem[]): string {
  return problems.map((problem) => problem.message).join('; ');
}
