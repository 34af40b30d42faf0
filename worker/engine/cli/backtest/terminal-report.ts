import type { BacktestReport } from './backtest-run.ts';
import { countText, metricText } from './report-format.ts';
import { decileTable, metricTable, type TextTable, thresholdTable, windowTable } from './report-tables.ts';

/** Pads cells into aligned columns: text left, numbers right. */
function table({ header: titled, rows }: TextTable, firstHeading?: string, leftColumns = 1): string {
  const header = titled.map((cell, column) =>
    column === 0 && firstHeading !== undefined ? firstHeading : cell.toLowerCase(),
  );
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) =>
        column < leftColumns ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** The compact report printed after a backtest. */
export function formatTerminalReport(report: BacktestReport, outputs: string[]): string {
  const { test, model, calibration } = report;
  const parts: string[] = [];
  parts.push(
    `backtest of ${report.data}: label ${report.label}, time ${report.timeColumn}, ${report.features.length} features`,
  );
  if (report.dropped.length > 0) {
    parts.push(
      `dropped as id-like: ${report.dropped.map((column) => `${column.name} (${column.reason})`).join(', ')}`,
    );
  }
  if (report.skipped.rows > 0) {
    const first = report.skipped.first.map((row) => `row ${row.row}: ${row.reason}`).join('; ');
    parts.push(`skipped ${countText(report.skipped.rows)} rows with a bad time (${first})`);
  }
  parts.push(table(windowTable(report)));
  const stop = model.stoppedEarly
    ? `early stopping kept ${model.iterations} of at most ${model.maxIterations} iterations`
    : `${model.iterations} iterations (no early stop within ${model.maxIterations})`;
  parts.push(
    `model: ${stop}, best validation ${model.validMetric} ${metricText(model.bestValidMetric ?? Number.NaN)}, trained in ${model.trainSeconds.toFixed(2)} s\n` +
      `calibration: ${calibration.method === 'isotonic' ? 'isotonic regression' : 'Platt scaling'} on the validation window ` +
      `(${countText(calibration.validationPositives)} positives; ${calibration.rule})`,
  );
  parts.push(table(metricTable(test), 'test metrics'));
  parts.push(table(thresholdTable(test)));
  parts.push(table(decileTable(test, { probabilityRange: false })));
  if (outputs.length > 0) parts.push(`wrote ${outputs.join(', ')}`);
  return `${parts.join('\n\n')}\n`;
}
