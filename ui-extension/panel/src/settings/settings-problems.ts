import type { SegmentDraft } from './settings-draft.ts';

/** One problem the API named: `field` is its path in the request, `message` a sentence for the admin. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Problems of a 400 answer, as the client passes them on (`details`, an array of field problems). */
export function problemsOf(details: unknown): FieldProblem[] {
  const list = Array.isArray(details)
    ? details
    : typeof details === 'object' &&
        details !== null &&
        'problems' in details &&
        Array.isArray(details.problems)
      ? details.problems
      : [];
  const problems: FieldProblem[] = [];
  for (const item of list as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const field = 'field' in item && typeof item.field === 'string' ? item.field : '';
    const message = 'message' in item && typeof item.message === 'string' ? item.message : '';
    if (message !== '') problems.push({ field, message });
  }
  return problems;
}

/** The form's own names for fields: `tenant:horizonDays`, `segment:<draft key>:hotThreshold`. */
export const tenantField = (field: string) => `tenant:${field}`;
export const segmentField = (key: string, field: string) => `segment:${key}:${field}`;

const SEGMENT_FIELDS = new Set([
  'id',
  'name',
  'minEmployees',
  'maxEmployees',
  'industries',
  'countries',
  'leadSources',
  'hotThreshold',
  'warmThreshold',
  'onHot',
  'onWarm',
  'holdoutShare',
  'rule',
]);
const TENANT_FIELDS = new Set(['label', 'horizonDays', 'retrainCron', 'routeAlreadyHot', 'writebackEnabled']);
/** Where the form shows a server field that it edits under another name. */
const FORM_NAME: Record<string, string> = { holdoutShare: 'holdoutPercent' };

/** Which draft segment a problem names: by the id sent, or `#3` for the third one sent. */
function segmentKeyOf(reference: string, segments: readonly SegmentDraft[]): string | undefined {
  const position = /^#(\d+)$/.exec(reference);
  if (position !== null) return segments[Number(position[1]) - 1]?.key;
  // A duplicated id is reported on the later segment that reuses it.
  return segments.findLast((segment) => segment.id === reference)?.key;
}

/**
 * The form field a problem belongs to, or undefined when it belongs to none (shown only in the
 * alert). Server paths: `settings.segments[smb].warmThreshold`, `settings.segments[#2].industries.0`,
 * `settings.horizonDays` (see the settings route).
 */
export function formFieldOf(field: string, segments: readonly SegmentDraft[]): string | undefined {
  const segment = /^settings\.segments\[([^\]]+)\]\.([A-Za-z]+)/.exec(field);
  if (segment !== null) {
    const [, reference = '', name = ''] = segment;
    const key = segmentKeyOf(reference, segments);
    if (key === undefined || !SEGMENT_FIELDS.has(name)) return undefined;
    return segmentField(key, FORM_NAME[name] ?? name);
  }
  const tenant = /^settings\.([A-Za-z]+)$/.exec(field);
  if (tenant !== null && TENANT_FIELDS.has(tenant[1] ?? '')) return tenantField(tenant[1] ?? '');
  return undefined;
}

export interface MappedProblems {
  /** Form field → the messages to show next to it. */
  byField: Map<string, string[]>;
  /** Every message, in the order the API gave them (the alert lists them all). */
  all: string[];
}

export function mapProblems(
  problems: readonly FieldProblem[],
  segments: readonly SegmentDraft[],
): MappedProblems {
  const byField = new Map<string, string[]>();
  for (const problem of problems) {
    const field = formFieldOf(problem.field, segments);
    if (field === undefined) continue;
    byField.set(field, [...(byField.get(field) ?? []), problem.message]);
  }
  return { byField, all: problems.map((problem) => problem.message) };
}

export const NO_PROBLEMS: MappedProblems = { byField: new Map(), all: [] };
