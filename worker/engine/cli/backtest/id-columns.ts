import type { InputSchema } from '../../io/input-schema.ts';

/** `id`, `lead_id`, `Prospect ID`, `account_key`, `uuid`...: names that say "this identifies a record". */
const ID_NAME = /(?:^|[_\s.-])(?:id|key|uuid|guid)$/i;
/** `leadId`, `accountKey`: camelCase needs the capital, or `paid` and `valid` would match. */
const CAMEL_ID_NAME = /[a-z](?:Id|ID|Key|Uuid|Guid)$/;

/** A text column with more distinct values than this share of its rows names records, it does not describe them. */
export const ID_DISTINCT_SHARE = 0.5;

export function looksLikeIdName(name: string): boolean {
  return ID_NAME.test(name) || CAMEL_ID_NAME.test(name);
}

export interface DroppedColumn {
  name: string;
  reason: string;
}

/**
 * Columns that identify rows instead of describing them: a model would memorise them, and on newer
 * rows (the test window) their values are unseen. Found by name before the table is read, and by
 * cardinality (a text column whose values are nearly all distinct: ids, timestamps) after.
 */
export function idColumnsByName(columns: string[], keep: ReadonlySet<string>): DroppedColumn[] {
  return columns
    .filter((name) => name !== '' && !keep.has(name) && looksLikeIdName(name))
    .map((name) => ({ name, reason: 'its name says it identifies records' }));
}

export function idColumnsByCardinality(
  schema: InputSchema,
  rows: number,
  keep: ReadonlySet<string>,
): DroppedColumn[] {
  return schema.features
    .filter(
      (feature) =>
        feature.kind === 'categorical' &&
        !keep.has(feature.name) &&
        feature.categories.length > ID_DISTINCT_SHARE * rows,
    )
    .map((feature) => ({
      name: feature.name,
      reason: `${feature.categories.length} distinct values in ${rows} rows`,
    }));
}
