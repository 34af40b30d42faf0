import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { ScoredRows } from './backtest-run.ts';

export const PREDICTION_COLUMNS = [
  'row',
  'id',
  'time',
  'window',
  'label',
  'raw_score',
  'probability',
  'calibrated_probability',
] as const;

/**
 * One line per row placed in a window (train, then validation, then test, oldest first): the file's
 * 1-based data row, its id and time cells as written, and the scores with full precision (the
 * shortest text that reads back to the same double), so every figure of the report can be redone.
 */
export async function writePredictions(file: string, scored: ScoredRows): Promise<void> {
  const stream = createWriteStream(file);
  const failed = once(stream, 'error').then(([error]) => {
    throw error;
  });
  const write = async (text: string): Promise<void> => {
    if (!stream.write(text)) await Promise.race([once(stream, 'drain'), failed]);
  };
  await write(stringify([[...PREDICTION_COLUMNS]]));
  const chunk = 4096;
  for (let start = 0; start < scored.rows.length; start += chunk) {
    const records: (string | number)[][] = [];
    for (let index = start; index < Math.min(scored.rows.length, start + chunk); index += 1) {
      const row = scored.rows[index];
      records.push([
        row + 1,
        scored.ids?.values[row] ?? '',
        scored.time.cells[row],
        scored.window[index],
        scored.labels[index],
        String(scored.raw[index]),
        String(scored.probability[index]),
        String(scored.calibrated[index]),
      ]);
    }
    await write(stringify(records));
  }
  stream.end();
  await Promise.race([once(stream, 'finish'), failed]);
}
