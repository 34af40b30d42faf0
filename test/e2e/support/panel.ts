import type { FrameLocator, Locator, Page } from 'playwright-core';

/** The iframe every demo page embeds the panel in. */
export const PANEL_FRAME_SELECTOR = 'iframe[title="LeadScore panel"]';

/** The panel's document inside the demo page's iframe. */
export function panelFrame(page: Page): FrameLocator {
  return page.frameLocator(PANEL_FRAME_SELECTOR);
}

export type Tier = 'Hot' | 'Warm' | 'Cold';

const TIERS: readonly string[] = ['Hot', 'Warm', 'Cold'];
const isTier = (text: string): text is Tier => TIERS.includes(text);

/** One row of the `Why this score` table: its label and its points as a number. */
export interface ScoreRow {
  label: string;
  points: number;
  /** The points cell as shown: `12`, `+18`, `-4`. */
  shown: string;
}

/** What the record view shows about a lead's score. */
export interface ScoreCard {
  /** aria-valuenow of the `Lead score` meter. */
  score: number;
  valueText: string;
  valueMin: number;
  valueMax: number;
  tier: Tier;
  /** Every body row in order: Baseline, the factors, Other factors, Score. */
  rows: ScoreRow[];
}

// A factor worth nothing reads `0`: there is no sign to give it.
const SIGNED = /^(?:[+-]\d+(?:\.\d+)?|0)$/;
const UNSIGNED = /^\d+(?:\.\d+)?$/;

/** `+18` -> 18, `-4` -> -4, `0` -> 0, `12` -> 12; anything else (a Unicode minus, a blank) is a test failure. */
export function parsePoints(shown: string, signed: boolean): number {
  const text = shown.trim();
  if (!(signed ? SIGNED : UNSIGNED).test(text)) {
    throw new Error(
      `points "${shown}" are not ${signed ? 'signed (+18 or -4, ASCII hyphen-minus)' : 'an unsigned number (12)'}`,
    );
  }
  return Number(text);
}

export function scoreMeter(frame: FrameLocator): Locator {
  return frame.getByRole('meter', { name: 'Lead score' });
}

export function whyTable(frame: FrameLocator): Locator {
  return frame.getByRole('table', { name: 'Why this score' });
}

/** The tier badge: an element whose whole visible text is Hot, Warm or Cold. */
export function tierBadge(frame: FrameLocator): Locator {
  return frame.getByText(/^(Hot|Warm|Cold)$/);
}

async function numberAttribute(locator: Locator, name: string): Promise<number> {
  const value = await locator.getAttribute(name);
  if (value === null || value.trim() === '' || !Number.isFinite(Number(value))) {
    throw new Error(`the Lead score meter has no numeric ${name} (got ${JSON.stringify(value)})`);
  }
  return Number(value);
}

/** The rows of the `Why this score` table below its header: the first line of each cell. */
export async function tableRows(table: Locator): Promise<string[][]> {
  const rows = table.getByRole('row');
  const count = await rows.count();
  const cells: string[][] = [];
  for (let index = 0; index < count; index += 1) {
    const row = rows.nth(index);
    if ((await row.getByRole('columnheader').count()) > 0) continue;
    const texts = await row.locator(':scope > th, :scope > td').allInnerTexts();
    // A cell may hold a sentence under its label: the first line is the label.
    cells.push(texts.map((text) => (text.split('\n').find((line) => line.trim() !== '') ?? '').trim()));
  }
  return cells;
}

/** Waits for the record view of the panel and reads its meter, tier and factor table. */
export async function readScoreCard(frame: FrameLocator, timeoutMs = 30_000): Promise<ScoreCard> {
  const meter = scoreMeter(frame);
  await meter.waitFor({ state: 'visible', timeout: timeoutMs });
  const table = whyTable(frame);
  await table.waitFor({ state: 'visible', timeout: timeoutMs });
  const badge = tierBadge(frame).first();
  await badge.waitFor({ state: 'visible', timeout: timeoutMs });
  const tier = ((await badge.textContent()) ?? '').trim();
  if (!isTier(tier)) throw new Error(`the tier badge reads "${tier}", not Hot, Warm or Cold`);
  const raw = await tableRows(table);
  const rows = raw.map((cells, index): ScoreRow => {
    const [label = '', shown = ''] = cells;
    const signed = index !== 0 && index !== raw.length - 1;
    return { label, shown, points: parsePoints(shown, signed) };
  });
  return {
    score: await numberAttribute(meter, 'aria-valuenow'),
    valueText: (await meter.getAttribute('aria-valuetext')) ?? '',
    valueMin: await numberAttribute(meter, 'aria-valuemin'),
    valueMax: await numberAttribute(meter, 'aria-valuemax'),
    tier,
    rows,
  };
}

/** The panel's meter value now, or undefined while it is not shown (loading, reloading). */
export async function currentScore(frame: FrameLocator): Promise<number | undefined> {
  const meter = scoreMeter(frame);
  if ((await meter.count()) === 0) return undefined;
  const value = await meter.getAttribute('aria-valuenow').catch(() => null);
  return value === null || value === '' ? undefined : Number(value);
}
