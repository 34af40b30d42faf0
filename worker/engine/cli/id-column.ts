import { readCsv } from '../data/csv-records.ts';
import { TableError } from '../data/table-error.ts';

export interface IdColumn {
  column: string;
  /** The cell of every data row, in order (trimmed). */
  values: string[];
}

/** `id`, `lead_id`, `Prospect ID`, `lead-id`, `LeadId`: a column that names rows. */
export function looksLikeId(name: string): boolean {
  return /(^|[\s_-])id$/i.test(name.trim()) || /[a-z]Id$/.test(name.trim());
}

/**
 * Reads the id column of a CSV to copy into the scores: the column named by `requested`, none for
 * `null`, or (undefined) the first header column that looks like an id, the label excepted.
 */
export async function readIdColumn(
  file: string,
  requested: string | null | undefined,
  label: string,
): Promise<IdColumn | undefined> {
  if (requested === null) return undefined;
  let index = -1;
  let column = '';
  const values: string[] = [];
  await readCsv(file, {
    header: (header) => {
      if (requested !== undefined) {
        index = header.names.indexOf(requested);
        if (index < 0) {
          throw new TableError(
            { file, line: 1, column: requested },
            `--id-column names a column that is not in the header (columns: ${header.names.join(', ')})`,
          );
        }
      } else {
        index = header.names.findIndex((name) => name !== label && looksLikeId(name));
      }
      column = header.names[index] ?? '';
    },
    record: (item) => {
      if (index >= 0) values.push(item.cells[index].trim());
    },
  });
  return index < 0 ? undefined : { column, values };
}
