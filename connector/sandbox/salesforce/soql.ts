/**
 * The slice of SOQL the Salesforce provider sends, enough for the sandbox CRM:
 * `SELECT a, B.c FROM X [WHERE cond AND cond ...] [ORDER BY a, b]` and `SELECT COUNT() FROM X ...`,
 * conditions `field (=|!=|<|<=|>|>=) literal` and `field IN ('a', 'b')`. Anything else is a
 * MALFORMED_QUERY, as Salesforce would answer.
 */

export type SoqlValue = string | number | boolean | null;

export interface SoqlCondition {
  field: string;
  operator: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN';
  value: SoqlValue | SoqlValue[];
}

export interface SoqlQuery {
  count: boolean;
  fields: string[];
  object: string;
  where: SoqlCondition[];
  orderBy: string[];
}

export class SoqlError extends Error {
  readonly errorCode: string;

  constructor(message: string, errorCode = 'MALFORMED_QUERY') {
    super(message);
    this.errorCode = errorCode;
  }
}

const dateTimeLiteral = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

function parseLiteral(raw: string): SoqlValue {
  const text = raw.trim();
  if (text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/\\'/g, "'");
  if (/^null$/i.test(text)) return null;
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  if (dateTimeLiteral.test(text)) return new Date(text).toISOString();
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  throw new SoqlError(`unexpected token: '${text}'`);
}

function parseCondition(text: string): SoqlCondition {
  const inMatch = /^([\w.]+)\s+IN\s*\((.*)\)$/i.exec(text.trim());
  if (inMatch) {
    const values = inMatch[2]!.split(',').map((item) => parseLiteral(item));
    return { field: inMatch[1]!, operator: 'IN', value: values };
  }
  const match = /^([\w.]+)\s*(!=|<=|>=|=|<|>)\s*(.+)$/.exec(text.trim());
  if (!match) throw new SoqlError(`unexpected condition: '${text.trim()}'`);
  return {
    field: match[1]!,
    operator: match[2] as SoqlCondition['operator'],
    value: parseLiteral(match[3]!),
  };
}

export function parseSoql(soql: string): SoqlQuery {
  const match = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+(.+?))?\s*$/is.exec(
    soql,
  );
  if (!match) throw new SoqlError(`unexpected token in: ${soql.slice(0, 80)}`);
  const selected = match[1]!.trim();
  const count = /^COUNT\(\)$/i.test(selected);
  return {
    count,
    fields: count ? [] : selected.split(',').map((field) => field.trim()),
    object: match[2]!,
    where: match[3] ? match[3].split(/\s+AND\s+/i).map(parseCondition) : [],
    orderBy: match[4] ? match[4].split(',').map((field) => field.trim()) : [],
  };
}

/** Compares like Salesforce for the types the sandbox stores; nulls sort first. */
export function compareValues(left: unknown, right: unknown): number {
  if (left === right) return 0;
  if (left === null || left === undefined) return -1;
  if (right === null || right === undefined) return 1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return String(left) < String(right) ? -1 : 1;
}

export function matches(condition: SoqlCondition, actual: unknown): boolean {
  const value = condition.value;
  const normalized = actual === undefined ? null : actual;
  switch (condition.operator) {
    case 'IN':
      return (value as SoqlValue[]).some((item) => item === normalized);
    case '=':
      return normalized === value;
    case '!=':
      return normalized !== value;
    default: {
      if (normalized === null || value === null) return false;
      const order = compareValues(normalized, value);
      if (condition.operator === '<') return order < 0;
      if (condition.operator === '<=') return order <= 0;
      if (condition.operator === '>') return order > 0;
      return order >= 0;
    }
  }
}
