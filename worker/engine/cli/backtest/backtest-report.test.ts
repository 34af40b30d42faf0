import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDataset } from '../../../../fixtures/generator/write-dataset.ts';
import { launchChromium } from '../../../../test/support/browser.ts';
import { type CliRun, runLeadscore } from '../run-leadscore.ts';

/**
 * The backtest on the generator's flat CSV, checked from the outside: every figure of the JSON and
 * of the HTML is recomputed here from the predictions file with plain code of its own.
 */

const directory = mkdtempSync(path.join(tmpdir(), 'leadscore-backtest-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

interface Prediction {
  row: number;
  id: string;
  time: string;
  window: 'train' | 'validation' | 'test';
  label: number;
  raw: number;
  probability: number;
  calibrated: number;
}

interface Run {
  run: CliRun;
  report: BacktestJson;
  predictions: Prediction[];
  html: string;
  htmlFile: string;
  csvRows: number;
}

/** The parts of the JSON report the tests read. */
interface BacktestJson {
  features: string[];
  dropped: { name: string }[];
  windows: { name: string; rows: number; positives: number; from: string; to: string }[];
  calibration: { method: string; validationPositives: number };
  test: {
    rows: number;
    positives: number;
    baseRate: number;
    topDecileLift: number;
    model: Record<MetricKey, number>;
    calibrated: Record<MetricKey, number>;
    deciles: { decile: number; rows: number; positives: number; lift: number; cumulativeRecall: number }[];
    thresholds: { threshold: number; flagged: number; precision: number | null; recall: number }[];
  };
}
type MetricKey = 'rocAuc' | 'prAuc' | 'logLoss' | 'brier' | 'ece';

async function backtest(name: string, leads: number, conversionRate: number): Promise<Run> {
  const dataDirectory = path.join(directory, name);
  await writeDataset({ leads, seed: 23, conversionRate }, dataDirectory);
  const csv = path.join(dataDirectory, 'leads.csv');
  const files = {
    html: path.join(dataDirectory, 'report.html'),
    json: path.join(dataDirectory, 'report.json'),
    predictions: path.join(dataDirectory, 'predictions.csv'),
  };
  const run = await runLeadscore([
    'backtest',
    '--data',
    csv,
    '--label',
    'converted',
    '--time-column',
    'created_at',
    '--out',
    files.html,
    '--json',
    files.json,
    '--predictions',
    files.predictions,
    '--numeric',
    'employees,annual_revenue',
    '--quiet',
  ]);
  expect(run.code).toBe(0);
  // The table reader's notes only: the timestamp column it leaves out as an identifier, and the text
  // cells (the generator's dirty records) of the two columns read with --numeric.
  const warnings = run.stderr.split('\n').filter((line) => line !== '');
  expect(warnings[0]).toMatch(/^warning: column `snapshot_at`: .* left out of the model/);
  for (const line of warnings.slice(1)) {
    expect(line).toMatch(/^warning: column `(employees|annual_revenue)`: .* read as missing \(--numeric\)$/);
  }
  const records = parse(readFileSync(files.predictions), { columns: true }) as Record<string, string>[];
  const predictions = records.map((record) => ({
    row: Number(record.row),
    id: record.id,
    time: record.time,
    window: record.window as Prediction['window'],
    label: Number(record.label),
    raw: Number(record.raw_score),
    probability: Number(record.probability),
    calibrated: Number(record.calibrated_probability),
  }));
  const csvRows = (parse(readFileSync(csv)) as string[][]).length - 1;
  return {
    run,
    report: JSON.parse(readFileSync(files.json, 'utf8')) as BacktestJson,
    predictions,
    html: readFileSync(files.html, 'utf8'),
    htmlFile: files.html,
    csvRows,
  };
}

// ---- Independent recomputation: plain loops, one definition each, nothing shared with the report.

function rocAucByPairs(rows: Prediction[], score: (row: Prediction) => number): number {
  const positives = rows.filter((row) => row.label === 1).map(score);
  const negatives = rows.filter((row) => row.label === 0).map(score);
  let wins = 0;
  for (const p of positives) for (const n of negatives) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (positives.length * negatives.length);
}

/** Σ over distinct scores, highest first, of (positives there / all positives) · precision there. */
function averagePrecision(rows: Prediction[], score: (row: Prediction) => number): number {
  const sorted = [...rows].sort((a, b) => score(b) - score(a));
  const total = rows.filter((row) => row.label === 1).length;
  let sum = 0;
  let seen = 0;
  let hits = 0;
  for (let i = 0; i < sorted.length; ) {
    let groupHits = 0;
    let j = i;
    while (j < sorted.length && score(sorted[j]) === score(sorted[i])) {
      groupHits += sorted[j].label;
      j += 1;
    }
    seen += j - i;
    hits += groupHits;
    sum += (groupHits / total) * (hits / seen);
    i = j;
  }
  return sum;
}

function logLoss(rows: Prediction[], score: (row: Prediction) => number): number {
  const clamp = (p: number): number => Math.min(Math.max(p, 1e-15), 1 - 1e-15);
  let sum = 0;
  for (const row of rows)
    sum -= row.label === 1 ? Math.log(clamp(score(row))) : Math.log(1 - clamp(score(row)));
  return sum / rows.length;
}

function brier(rows: Prediction[], score: (row: Prediction) => number): number {
  return rows.reduce((sum, row) => sum + (score(row) - row.label) ** 2, 0) / rows.length;
}

/** Ten bins [0, .1), [.1, .2) ... [.9, 1]; rows-weighted |mean probability − positive share|. */
function ece(rows: Prediction[], score: (row: Prediction) => number): number {
  let total = 0;
  for (let bin = 0; bin < 10; bin += 1) {
    const inBin = rows.filter((row) => Math.min(9, Math.floor(score(row) * 10)) === bin);
    if (inBin.length === 0) continue;
    const meanProbability = inBin.reduce((sum, row) => sum + score(row), 0) / inBin.length;
    const share = inBin.reduce((sum, row) => sum + row.label, 0) / inBin.length;
    total += (inBin.length / rows.length) * Math.abs(meanProbability - share);
  }
  return total;
}

/** Deciles of the test rows by calibrated probability, raw score breaking ties, then time order. */
function decileLifts(rows: Prediction[]): { rows: number; positives: number; lift: number }[] {
  const ordered = rows
    .map((row, position) => ({ row, position }))
    .sort((a, b) => b.row.calibrated - a.row.calibrated || b.row.raw - a.row.raw || a.position - b.position)
    .map(({ row }) => row);
  const baseRate = rows.filter((row) => row.label === 1).length / rows.length;
  return Array.from({ length: 10 }, (_, decile) => {
    const slice = ordered.slice(
      Math.floor((decile * rows.length) / 10),
      Math.floor(((decile + 1) * rows.length) / 10),
    );
    const positives = slice.filter((row) => row.label === 1).length;
    return { rows: slice.length, positives, lift: positives / slice.length / baseRate };
  });
}

function recompute(rows: Prediction[]): Record<'model' | 'calibrated', Record<MetricKey, number>> {
  const figures = (score: (row: Prediction) => number): Record<MetricKey, number> => ({
    rocAuc: rocAucByPairs(rows, score),
    prAuc: averagePrecision(rows, score),
    logLoss: logLoss(rows, score),
    brier: brier(rows, score),
    ece: ece(rows, score),
  });
  return { model: figures((row) => row.probability), calibrated: figures((row) => row.calibrated) };
}

/** The cells of an HTML table found by its caption, row by row (header row excluded). */
function htmlTableRows(html: string, caption: string): string[][] {
  const start = html.indexOf(`<caption>${caption}</caption>`);
  expect(start).toBeGreaterThan(0);
  const body = html.slice(html.indexOf('<tbody>', start), html.indexOf('</tbody>', start));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((match) =>
    [...match[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((cell) => cell[1]),
  );
}

const fixed4 = (value: number): string => value.toFixed(4);
const count = (value: number): string => value.toLocaleString('en-US');

function checkFigures(result: Run): void {
  const { report, predictions, html } = result;
  const test = predictions.filter((row) => row.window === 'test');
  const expected = recompute(test);
  const positives = test.filter((row) => row.label === 1).length;
  expect(report.test.rows).toBe(test.length);
  expect(report.test.positives).toBe(positives);
  expect(report.test.baseRate).toBeCloseTo(positives / test.length, 12);
  for (const kind of ['model', 'calibrated'] as const) {
    for (const key of ['rocAuc', 'prAuc', 'logLoss', 'brier', 'ece'] as const) {
      expect(report.test[kind][key], `${kind} ${key}`).toBeCloseTo(expected[kind][key], 9);
    }
  }
  const deciles = decileLifts(test);
  expect(report.test.deciles.map(({ rows, positives: hits }) => [rows, hits])).toEqual(
    deciles.map(({ rows, positives: hits }) => [rows, hits]),
  );
  for (const [index, row] of report.test.deciles.entries()) {
    expect(row.lift).toBeCloseTo(deciles[index].lift, 12);
  }
  expect(report.test.topDecileLift).toBeCloseTo(deciles[0].lift, 12);

  // The HTML prints the same figures, rounded.
  const metricRows = htmlTableRows(html, 'Test metrics');
  const labels = [
    'ROC AUC',
    'PR AUC (average precision)',
    'log loss',
    'Brier score',
    'ECE (10 equal-width bins)',
  ];
  const keys = ['rocAuc', 'prAuc', 'logLoss', 'brier', 'ece'] as const;
  expect(metricRows.slice(0, 5)).toEqual(
    keys.map((key, index) => [labels[index], fixed4(expected.model[key]), fixed4(expected.calibrated[key])]),
  );
  expect(metricRows[5]).toEqual(['top-decile lift', '', deciles[0].lift.toFixed(2)]);
  expect(metricRows[6]).toEqual(['base rate', '', `${((positives / test.length) * 100).toFixed(2)}%`]);
  const percent = (value: number): string => (Number.isFinite(value) ? `${(value * 100).toFixed(2)}%` : '–');
  const thresholdRows = [0.05, 0.1, 0.2, 0.3, 0.5].map((threshold) => {
    const called = test.filter((row) => row.calibrated >= threshold);
    const hits = called.filter((row) => row.label === 1).length;
    return { threshold, flagged: called.length, precision: hits / called.length, recall: hits / positives };
  });
  expect(report.test.thresholds).toHaveLength(thresholdRows.length);
  for (const [index, row] of thresholdRows.entries()) {
    const reported = report.test.thresholds[index];
    expect([reported.threshold, reported.flagged]).toEqual([row.threshold, row.flagged]);
    if (row.flagged === 0) expect(reported.precision).toBeNull();
    else expect(reported.precision).toBeCloseTo(row.precision, 12);
    expect(reported.recall).toBeCloseTo(row.recall, 12);
  }
  expect(htmlTableRows(html, 'Precision and recall at thresholds')).toEqual(
    thresholdRows.map((row) => [
      row.threshold.toFixed(2),
      count(row.flagged),
      percent(row.precision),
      percent(row.recall),
    ]),
  );
  const binRows = htmlTableRows(html, 'Calibration bins');
  for (let bin = 0; bin < 10; bin += 1) {
    const inBin = test.filter((row) => Math.min(9, Math.floor(row.calibrated * 10)) === bin);
    const hits = inBin.filter((row) => row.label === 1).length;
    expect(binRows[bin].slice(1, 3)).toEqual([count(inBin.length), inBin.length === 0 ? '–' : count(hits)]);
  }
  const decileRows = htmlTableRows(html, 'Lift by decile');
  expect(decileRows.map((cells) => [cells[0], cells[1], cells[2], cells[4]])).toEqual(
    deciles.map((row, index) => [
      String(index + 1),
      count(row.rows),
      count(row.positives),
      row.lift.toFixed(2),
    ]),
  );
}

let isotonic: Run;
let platt: Run;

beforeAll(async () => {
  // 35% conversion gives the validation window over 200 positives (isotonic); 3% gives few (Platt).
  isotonic = await backtest('isotonic', 8000, 0.35);
  platt = await backtest('platt', 4000, 0.03);
}, 120_000);

describe('leadscore backtest figures', () => {
  it('calibrates with isotonic regression past 200 validation positives and with Platt below', () => {
    expect(isotonic.report.calibration.validationPositives).toBeGreaterThanOrEqual(200);
    expect(isotonic.report.calibration.method).toBe('isotonic');
    expect(platt.report.calibration.validationPositives).toBeLessThan(200);
    expect(platt.report.calibration.method).toBe('platt');
    expect(isotonic.run.stdout).toContain('calibration: isotonic regression on the validation window');
    expect(platt.run.stdout).toContain('calibration: Platt scaling on the validation window');
  });

  it('reports test figures equal to those recomputed from its predictions (isotonic run)', () => {
    checkFigures(isotonic);
  });

  it('reports test figures equal to those recomputed from its predictions (Platt run)', () => {
    checkFigures(platt);
  });

  it('prints the windows, the metrics and the lift by decile in the terminal', () => {
    const { run, report } = platt;
    const test = report.windows[2];
    expect(run.stdout).toMatch(
      new RegExp(
        `^test +${test.rows.toLocaleString('en-US')} +${test.positives} +[\\d.]+% +${test.from} +${test.to}$`,
        'm',
      ),
    );
    expect(run.stdout).toContain(`ROC AUC  `);
    expect(run.stdout).toMatch(
      new RegExp(
        `^ROC AUC +${fixed4(report.test.model.rocAuc)} +${fixed4(report.test.calibrated.rocAuc)}$`,
        'm',
      ),
    );
    expect(run.stdout).toMatch(/^10 +\d+ +\d+ +[\d.]+% +[\d.]+ +100\.00%$/m);
  });
});

describe('leadscore backtest split', () => {
  it('trains on older rows than it validates on, and validates on older rows than it tests on', () => {
    for (const { predictions } of [isotonic, platt]) {
      const times = (window: Prediction['window']): number[] =>
        predictions.filter((row) => row.window === window).map((row) => Date.parse(row.time));
      const [train, validation, test] = [times('train'), times('validation'), times('test')];
      expect(Math.max(...train)).toBeLessThan(Math.min(...validation));
      expect(Math.max(...validation)).toBeLessThan(Math.min(...test));
      // 70% / 10% / 20% of the rows, give or take a tied group.
      const total = predictions.length;
      expect(Math.abs(train.length - 0.7 * total)).toBeLessThanOrEqual(5);
      expect(Math.abs(validation.length - 0.1 * total)).toBeLessThanOrEqual(5);
    }
  });

  it('places every row of the file in exactly one window and lists each window as the report does', () => {
    for (const { predictions, report, csvRows } of [isotonic, platt]) {
      expect(new Set(predictions.map((row) => row.row)).size).toBe(csvRows);
      expect(predictions).toHaveLength(csvRows);
      for (const window of report.windows) {
        const rows = predictions.filter((row) => row.window === window.name);
        expect(rows).toHaveLength(window.rows);
        expect(rows.filter((row) => row.label === 1)).toHaveLength(window.positives);
        expect([rows[0].time, rows[rows.length - 1].time]).toEqual([window.from, window.to]);
      }
    }
  });

  it('never learns from the time column, the label or id-like columns', () => {
    const { report, predictions } = platt;
    for (const column of ['created_at', 'converted', 'lead_id', 'account_key']) {
      expect(report.features).not.toContain(column);
    }
    expect(report.features).not.toContain('snapshot_at');
    expect(report.features).not.toContain('cutoff_at');
    expect(report.dropped.map((column) => column.name)).toContain('lead_id');
    expect(predictions[0].id).toMatch(/^00Q/);
  });
});

describe('leadscore backtest HTML report', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('refers to no external URL', () => {
    for (const { html } of [isotonic, platt]) {
      expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
      expect(html).not.toMatch(/https?:\/\//i);
      expect(html).not.toMatch(/<script|<link|@import|url\(/i);
    }
  });

  it('opens offline in a browser and draws the four charts with their titles', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requested: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requested.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(isotonic.htmlFile).href);
    for (const name of [
      'ROC curve',
      'Precision–recall curve',
      'Calibration (reliability diagram)',
      'Lift by decile',
    ]) {
      const chart = page.getByRole('img', { name: new RegExp(`^${name.replace(/[()]/g, '\\$&')}`) });
      await expect.poll(() => chart.count()).toBe(1);
      const box = await chart.boundingBox();
      expect(box?.width ?? 0, name).toBeGreaterThan(300);
      expect(box?.height ?? 0, name).toBeGreaterThan(200);
    }
    // The curves have one vertex per distinct probability; the lift chart one bar per decile.
    const rocPath = await page.locator('#roc-chart path').first().getAttribute('d');
    expect((rocPath ?? '').split('L').length).toBeGreaterThan(5);
    await expect.poll(() => page.locator('#lift-chart rect[rx]').count()).toBe(10);
    await expect.poll(() => page.locator('#calibration-chart circle').count()).toBeGreaterThan(3);
    const kpi = page.getByRole('definition').first();
    expect(await kpi.textContent()).toBe(fixed4(isotonic.report.test.calibrated.rocAuc));
    const screenshot = await page.screenshot({ fullPage: true });
    expect(screenshot.length).toBeGreaterThan(50_000);
    expect(requested).toEqual([]);
    await page.close();
  });
});
