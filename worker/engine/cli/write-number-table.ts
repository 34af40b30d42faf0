import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stringify } from 'csv-stringify/sync';

/** One column of an output table: numbers, or text (an id, a factor) quoted as CSV needs. */
export type OutputColumn =
  | {
      name: string;
      /** Value of row `row`. */
      value: (row: number) => number;
    }
  | { name: string; text: (row: number) => string };

function cellText(column: OutputColumn, row: number): string {
  if ('text' in column) return quoteCsv(column.text(row));
  const value = column.value(row);
  return Number.isNaN(value) ? 'nan' : String(value);
}

function quoteCsv(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes numbers as CSV in chunks (memory stays flat for millions of rows). Numbers use the
 * shortest text that reads back to the same double; NaN is written `nan`, as LightGBM reads it.
 */
export async function writeNumberTable(
  file: string,
  rows: number,
  columns: OutputColumn[],
  options: { header: boolean },
): Promise<void> {
  const stream = createWriteStream(file);
  const failed = once(stream, 'error').then(([error]) => {
    throw error;
  });
  const write = async (text: string): Promise<void> => {
    if (!stream.write(text)) await Promise.race([once(stream, 'drain'), failed]);
  };
  if (options.header) await write(stringify([columns.map((column) => column.name)]));
  const chunkRows = 2048;
  for (let start = 0; start < rows; start += chunkRows) {
    const end = Math.min(rows, start + chunkRows);
    let text = '';
    for (let row = start; row < end; row += 1) {
      for (let column = 0; column < columns.length; column += 1) {
        text += (column === 0 ? '' : ',') + cellText(columns[column], row);
      }
      text += '\n';
    }
    await write(text);
  }
  stream.end();
  await Promise.race([once(stream, 'finish'), failed]);
}
