import { looksLikeId } from '../id-column.ts';

/**
 * Besides the names `leadscore predict` takes for ids (`id`, `lead_id`, `LeadId`), keys and uuids:
 * `account_key`, `accountKey`, `session_uuid`, `guid`.
 */
const KEY_NAME = /(?:^|[_\s.-])(?:key|uuid|guid)$/i;
const CAMEL_KEY_NAME = /[a-z](?:Key|Uuid|Guid)$/;

export function looksLikeIdName(name: string): boolean {
  const trimmed = name.trim();
  return looksLikeId(trimmed) || KEY_NAME.test(trimmed) || CAMEL_KEY_NAME.test(trimmed);
}

export interface DroppedColumn {
  name: string;
  reason: string;
}

/**
 * Columns whose name says they identify records: a model would memorise them, and on newer rows
 * (the test window) their values are unseen. Text columns whose values are nearly all distinct are
 * left out by the table reader itself (with a warning).
 */
export function idColumnsByName(columns: string[], keep: ReadonlySet<string>): DroppedColumn[] {
  return columns
    .filter((name) => name !== '' && !keep.has(name) && looksLikeIdName(name))
    .map((name) => ({ name, reason: 'its name says it identifies records' }));
}
