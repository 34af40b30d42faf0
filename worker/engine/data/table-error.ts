/** Where in a CSV file a problem was found; every field is optional because some problems are file-wide. */
export interface TableLocation {
  file: string;
  /** 1-based data row (the header is not counted). */
  row?: number;
  /** 1-based physical line in the file, the header being line 1. */
  line?: number;
  column?: string;
}

/**
 * Bad input in a table: the message says what is wrong and how to fix it, and the location says
 * where, so a command line can print both on one line.
 */
export class TableError extends Error {
  override readonly name = 'TableError';
  readonly location: TableLocation;

  constructor(location: TableLocation, message: string) {
    super(message);
    this.location = location;
  }

  /** One line: `<file>, row 12 (line 13), column "Converted": <message>`. */
  describe(): string {
    const { file, row, line, column } = this.location;
    const parts = [file];
    if (row !== undefined) parts.push(line === undefined ? `row ${row}` : `row ${row} (line ${line})`);
    else if (line !== undefined) parts.push(`line ${line}`);
    if (column !== undefined) parts.push(`column ${JSON.stringify(column)}`);
    return `${parts.join(', ')}: ${this.message}`;
  }
}

export function isTableError(error: unknown): error is TableError {
  return error instanceof TableError;
}
