import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { TableError } from './table-error.ts';

export interface CsvHeader {
  /** Column names as written, trimmed. */
  names: string[];
  /** How many fields every row must have (the header's width, trailing unnamed column included). */
  width: number;
}

export interface CsvRecord {
  /** 1-based data row. */
  row: number;
  /** 1-based line where the record ends. */
  line: number;
  cells: string[];
}

export interface CsvVisitor {
  header(header: CsvHeader): void;
  record(record: CsvRecord): void;
}

/**
 * Streams a CSV file into a visitor: the header first, then every data row, checking that each row
 * has as many fields as the header. Blank lines are skipped; a BOM is ignored. Memory stays flat
 * whatever the file size; the visitor is called synchronously, which keeps the per-row cost low.
 */
export async function readCsv(file: string, visitor: CsvVisitor): Promise<void> {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  // pipe() does not forward read errors (a missing file), so hand them to the parser explicitly.
  const source = createReadStream(file).on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let header: CsvHeader | undefined;
  let row = 0;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = item;
      if (header === undefined) {
        header = { names: record.map((name) => name.trim()), width: record.length };
        visitor.header(header);
        continue;
      }
      row += 1;
      if (record.length !== header.width) {
        throw new TableError(
          { file, row, line: info.lines },
          `row has ${record.length} fields but the header has ${header.width}; every row needs one value per column (quote values that contain commas)`,
        );
      }
      visitor.record({ row, line: info.lines, cells: record });
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new TableError(
        line === undefined ? { file } : { file, line },
        `not valid CSV: ${error.message.replace(/^Invalid [^:]*:\s*/, '')}`,
      );
    }
    if (isMissingFile(error)) throw new TableError({ file }, 'file not found; check the path');
    throw error;
  }
  if (header === undefined) {
    throw new TableError({ file }, 'file is empty; expected a header line with column names, then data rows');
  }
  if (row === 0) throw new TableError({ file }, 'file has a header but no data rows');
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT';
}
