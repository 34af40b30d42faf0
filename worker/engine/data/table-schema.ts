import { parseNumberCell } from './cell-values.ts';

/** One model input taken from a CSV column. */
export interface FeatureColumn {
  name: string;
  kind: 'numeric' | 'categorical';
  /** For categorical columns, the category for each integer code (code = index); empty for numeric. */
  categories: string[];
}

/**
 * How label cells become 0/1. Without `positive`, cells must be 0/1 or true/false; with it, the
 * cell equal to `positive` is 1 and the one other value (`negative`, canonical spelling) is 0.
 */
export interface LabelRule {
  column: string;
  positive?: string;
  negative?: string;
}

export interface TableSchema {
  features: FeatureColumn[];
  label: LabelRule;
}

/** The options a user gives about a table's columns (the command line's flags). */
export interface TableOptions {
  label: string;
  positive?: string;
  drop?: string[];
  categorical?: string[];
}

/** A label cell as a class, or undefined when the cell is not a value the rule accepts. */
export function labelClass(cell: string, rule: LabelRule): 0 | 1 | undefined {
  const text = cell.trim();
  if (rule.positive !== undefined) {
    const canonical = canonicalLabel(text);
    if (canonical === canonicalLabel(rule.positive)) return 1;
    if (rule.negative === undefined || canonical === rule.negative) return 0;
    return undefined;
  }
  const lower = text.toLowerCase();
  if (lower === 'true') return 1;
  if (lower === 'false') return 0;
  const value = parseNumberCell(text);
  if (value === 1) return 1;
  if (value === 0) return 0;
  return undefined;
}

/** A label cell in a canonical spelling, so "1", "1.0" and " 1" count as one value. */
export function canonicalLabel(cell: string): string {
  const text = cell.trim();
  const value = parseNumberCell(text);
  if (value !== undefined) return String(value);
  const lower = text.toLowerCase();
  return lower === 'true' || lower === 'false' ? lower : text;
}
