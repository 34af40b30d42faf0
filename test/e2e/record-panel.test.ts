import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, onPage, openPage } from './support/browser.ts';
import { type Crm, openLead } from './support/demo.ts';
import { panelFrame, readScoreCard } from './support/panel.ts';
import { FIRST_CYCLE_TIMEOUT_MS, firstCycleDone } from './support/product.ts';
import { screenshot } from './support/screenshot.ts';

let browser: Browser;
beforeAll(async () => {
  await firstCycleDone();
  browser = await launchChromium();
}, FIRST_CYCLE_TIMEOUT_MS);
afterAll(async () => {
  await browser?.close();
});

const RECORDS: { crm: Crm; what: string }[] = [
  { crm: 'salesforce', what: 'a Salesforce lead' },
  { crm: 'hubspot', what: 'a HubSpot contact' },
];

describe('the record panel', () => {
  for (const { crm, what } of RECORDS) {
    it(`a rep opens ${what} from the Leads table and reads its score, tier and five factors that add up to it`, async () => {
      const open = await openPage(browser);
      await onPage(open, async () => {
        const name = await openLead(open.page, crm, 0, 'rep');
        expect(name.length).toBeGreaterThan(0);
        const frame = panelFrame(open.page);
        const card = await readScoreCard(frame);

        expect(card.valueMin).toBe(0);
        expect(card.valueMax).toBe(100);
        expect(Number.isInteger(card.score)).toBe(true);
        expect(card.score).toBeGreaterThanOrEqual(0);
        expect(card.score).toBeLessThanOrEqual(100);
        expect(['Hot', 'Warm', 'Cold']).toContain(card.tier);
        expect(card.valueText.toLowerCase()).toBe(`${card.score} of 100, ${card.tier.toLowerCase()}`);

        const labels = card.rows.map((row) => row.label);
        expect(labels[0]).toBe('Baseline');
        expect(labels.at(-2)).toBe('Other factors');
        expect(labels.at(-1)).toBe('Score');
        const factors = card.rows.slice(1, -2);
        expect(factors, `factor rows: ${labels.join(', ')}`).toHaveLength(5);
        for (const factor of factors) {
          expect(factor.label.length, 'every factor is named').toBeGreaterThan(0);
          expect(factor.label).not.toMatch(/^(Baseline|Other factors|Score)$/);
        }
        const scoreRow = card.rows.at(-1);
        const sum = card.rows.slice(0, -1).reduce((total, row) => total + row.points, 0);
        const shown = card.rows.map((row) => `${row.label} ${row.shown}`).join('; ');
        expect(Math.round(sum * 100) / 100, `rows: ${shown}`).toBe(scoreRow?.points);
        expect(scoreRow?.points, `rows: ${shown}`).toBe(card.score);

        // A rep reads scores: the panel offers neither Settings nor Model health.
        const nav = frame.getByRole('navigation', { name: 'LeadScore' });
        expect((await nav.getByRole('link').allTextContents()).map((text) => text.trim())).toEqual(['Score']);
        await frame.getByRole('heading', { name: 'Recommendation' }).waitFor({ state: 'visible' });
        await frame.getByRole('img', { name: /^Score history/ }).waitFor({ state: 'visible' });
        await screenshot(open.page, `record-panel-${crm}`);
      });
    });
  }
});
