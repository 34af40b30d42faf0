import type { Lead } from '../schemas/lead.ts';
import type { Segment, Settings } from '../schemas/settings.ts';

/**
 * Segments are evaluated in order and a lead belongs to the first one whose rule it satisfies.
 * A rule is the conjunction of its set conditions:
 * - employees in [minEmployees, maxEmployees) when either bound is set (a lead whose size is
 *   unknown never satisfies an employee condition);
 * - industry / country / lead source in the segment's list when the list is not empty, compared
 *   after trimming and lower-casing (CRM picklists differ in case between tenants and exports).
 * A segment without any condition matches every lead: the catch-all. Settings must end with one,
 * so every lead has a segment; settings without it are rejected (never patched silently), because
 * RevOps should see and name where the remaining leads go.
 */

export type SegmentLead = Pick<Lead, 'employees' | 'industry' | 'country' | 'leadSource'>;

type ListField = 'industries' | 'countries' | 'leadSources';
const listFields: readonly ListField[] = ['industries', 'countries', 'leadSources'];
const leadFieldOf: Readonly<Record<ListField, keyof SegmentLead>> = {
  industries: 'industry',
  countries: 'country',
  leadSources: 'leadSource',
};

function normalise(value: string): string {
  return value.trim().toLowerCase();
}

function listOf(segment: Segment, field: ListField): Set<string> {
  return new Set(segment[field].map(normalise));
}

function hasEmployeeCondition(segment: Segment): boolean {
  return segment.minEmployees !== null || segment.maxEmployees !== null;
}

/** True for a segment with no condition at all: it matches every lead. */
export function isCatchAll(segment: Segment): boolean {
  return !hasEmployeeCondition(segment) && listFields.every((field) => segment[field].length === 0);
}

export function segmentMatches(segment: Segment, lead: SegmentLead): boolean {
  if (hasEmployeeCondition(segment)) {
    if (lead.employees === null) return false;
    if (segment.minEmployees !== null && lead.employees < segment.minEmployees) return false;
    if (segment.maxEmployees !== null && lead.employees >= segment.maxEmployees) return false;
  }
  for (const field of listFields) {
    if (segment[field].length === 0) continue;
    const value = lead[leadFieldOf[field]];
    if (typeof value !== 'string' || !listOf(segment, field).has(normalise(value))) return false;
  }
  return true;
}

/** The segment a lead belongs to. Valid settings end with a catch-all, so there always is one. */
export function segmentFor(settings: Settings, lead: SegmentLead): Segment {
  const found = settings.segments.find((segment) => segmentMatches(segment, lead));
  if (found === undefined) {
    throw new Error('settings have no catch-all segment: validate them with validateSettings first');
  }
  return found;
}

/** The id of the segment a lead belongs to. */
export function segmentOf(settings: Settings, lead: SegmentLead): string {
  return segmentFor(settings, lead).id;
}

interface Range {
  from: number;
  /** Exclusive; Infinity when unbounded. */
  to: number;
}

function rangeOf(segment: Segment): Range {
  return { from: segment.minEmployees ?? 0, to: segment.maxEmployees ?? Number.POSITIVE_INFINITY };
}

function rangeText(range: Range): string {
  return range.to === Number.POSITIVE_INFINITY ? `${range.from}+` : `${range.from}-${range.to - 1}`;
}

function subset(inner: Set<string>, outer: Set<string>): boolean {
  return [...inner].every((value) => outer.has(value));
}

function sameSet(one: Set<string>, two: Set<string>): boolean {
  return one.size === two.size && subset(one, two);
}

/** True when every lead `later` could match is already taken by `earlier`. */
function covers(earlier: Segment, later: Segment): boolean {
  if (hasEmployeeCondition(earlier)) {
    if (!hasEmployeeCondition(later)) return false;
    const outer = rangeOf(earlier);
    const inner = rangeOf(later);
    if (inner.from < outer.from || inner.to > outer.to) return false;
  }
  return listFields.every((field) => {
    if (earlier[field].length === 0) return true;
    return later[field].length > 0 && subset(listOf(later, field), listOf(earlier, field));
  });
}

export interface SegmentListProblem {
  /** Index of the segment the problem is about. */
  index: number;
  field: string;
  /** The reason, to follow the field name: `... <field> <reason>`. */
  reason: string;
}

/**
 * A partial overlap that is almost always a typo: two segments whose conditions are the same
 * except one, where both set that condition and the values intersect (SMB below 250, enterprise
 * from 200). Putting a narrower rule before a broader one (enterprise software before enterprise)
 * is legitimate and is not reported.
 */
function partialOverlap(earlier: Segment, later: Segment): SegmentListProblem['field'] | null {
  const differing: string[] = [];
  const employeesEqual =
    hasEmployeeCondition(earlier) === hasEmployeeCondition(later) &&
    rangeOf(earlier).from === rangeOf(later).from &&
    rangeOf(earlier).to === rangeOf(later).to;
  if (!employeesEqual) differing.push('employees');
  for (const field of listFields) {
    if (!sameSet(listOf(earlier, field), listOf(later, field))) differing.push(field);
  }
  if (differing.length !== 1) return null;
  const [field] = differing;
  if (field === 'employees') {
    if (!hasEmployeeCondition(earlier) || !hasEmployeeCondition(later)) return null;
    const one = rangeOf(earlier);
    const two = rangeOf(later);
    return Math.max(one.from, two.from) < Math.min(one.to, two.to) ? 'minEmployees' : null;
  }
  const one = listOf(earlier, field as ListField);
  const two = listOf(later, field as ListField);
  if (one.size === 0 || two.size === 0) return null;
  return [...two].some((value) => one.has(value)) ? (field as string) : null;
}

/** Problems of the segment list as a whole; each names the later segment of a conflicting pair. */
export function checkSegmentList(segments: readonly Segment[]): SegmentListProblem[] {
  const problems: SegmentListProblem[] = [];
  const seen = new Map<string, number>();
  segments.forEach((segment, index) => {
    const first = seen.get(segment.id);
    if (first === undefined) seen.set(segment.id, index);
    else
      problems.push({
        index,
        field: 'id',
        reason: `is also used by segment #${first + 1}: ids must be unique`,
      });
  });
  const last = segments.length - 1;
  segments.forEach((segment, index) => {
    if (index < last && isCatchAll(segment)) {
      problems.push({
        index,
        field: 'rule',
        reason: 'is empty: only the last segment may match every lead (the catch-all)',
      });
    }
  });
  if (last >= 0 && !isCatchAll(segments[last])) {
    problems.push({
      index: last,
      field: 'rule',
      reason:
        'must be empty: the last segment is the catch-all that takes every lead no earlier segment matched',
    });
  }
  for (let later = 1; later <= last; later += 1) {
    for (let earlier = 0; earlier < later; earlier += 1) {
      const one = segments[earlier];
      const two = segments[later];
      if (isCatchAll(one)) continue;
      if (covers(one, two) && !isCatchAll(two)) {
        problems.push({
          index: later,
          field: 'rule',
          reason: `can never match: every lead it matches goes to the earlier segment "${one.id}"`,
        });
        break;
      }
      const field = partialOverlap(one, two);
      if (field !== null) {
        const detail =
          field === 'minEmployees'
            ? `employees ${rangeText(rangeOf(two))} overlaps ${rangeText(rangeOf(one))}`
            : `values overlap`;
        problems.push({
          index: later,
          field,
          reason: `overlaps the earlier segment "${one.id}" (${detail}): leads in both go to "${one.id}"`,
        });
        break;
      }
    }
  }
  return problems;
}
