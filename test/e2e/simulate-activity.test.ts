import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, onPage, openPage } from './support/browser.ts';
import { openRecord, type SandboxRecord, sandboxRecords, scoreField } from './support/demo.ts';
import { currentScore, panelFrame, readScoreCard } from './support/panel.ts';
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

/** Activities that raise a score in the seeded data's models, strongest first. */
const ACTIVITIES = [/pricing/i, /meeting/i, /demo/i];
const MOVE_TIMEOUT_MS = 10_000;

async function waitForChange(
  read: () => Promise<number | undefined>,
  from: number,
): Promise<number | undefined> {
  const deadline = Date.now() + MOVE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && value !== from) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

/** Picks the first option of the `Activity` select whose label matches; answers its label. */
async function chooseActivity(page: Page, pattern: RegExp): Promise<string | undefined> {
  const select = page.getByLabel('Activity', { exact: true });
  const options = await select.locator('option').allInnerTexts();
  const label = options.find((option) => pattern.test(option));
  if (label === undefined) return undefined;
  await select.selectOption({ label });
  return label;
}

describe('simulated activity', () => {
  it('Simulate activity on a low-scoring Salesforce lead raises the LeadScore score field and the panel meter within 10 s', async () => {
    const scored = (await sandboxRecords('salesforce', 400)).filter(
      (record): record is SandboxRecord & { leadscore: { score: number } } => record.leadscore.score !== null,
    );
    expect(scored.length, 'the first cycle scored the listed leads').toBeGreaterThan(0);
    const candidates = [...scored].sort((a, b) => a.leadscore.score - b.leadscore.score).slice(0, 3);
    const tried: string[] = [];
    const open = await openPage(browser);
    await onPage(open, async () => {
      for (const lead of candidates) {
        await openRecord(open.page, 'salesforce', lead.id);
        const frame = panelFrame(open.page);
        const before = await readScoreCard(frame);
        const fieldBefore = await scoreField(open.page);
        expect(fieldBefore, 'the score field shows the score the panel shows').toBe(before.score);
        for (const pattern of ACTIVITIES) {
          const activity = await chooseActivity(open.page, pattern);
          if (activity === undefined) continue;
          const base = (await scoreField(open.page)) ?? before.score;
          const clickedAt = Date.now();
          await open.page.getByRole('button', { name: 'Simulate activity' }).click();
          const fieldAfter = await waitForChange(() => scoreField(open.page), base);
          const fieldMs = Date.now() - clickedAt;
          tried.push(
            `${lead.name} (${lead.id}) at ${base} + ${activity}: field ${fieldAfter ?? 'unchanged'}`,
          );
          // A score that does not move, or moves down, for this lead: try the next activity or lead.
          if (fieldAfter === undefined || fieldAfter < base) continue;
          const meterAfter = await waitForChange(() => currentScore(frame), base);
          expect(meterAfter, `the panel's meter follows the field (${tried.join('; ')})`).toBe(fieldAfter);
          // The figure a person would notice: from the click to the new score on the page and in the panel.
          console.log(
            `simulate activity: ${activity} on ${lead.id}, score ${base} -> ${fieldAfter}; CRM field after ${fieldMs} ms, panel after ${Date.now() - clickedAt} ms`,
          );
          const after = await readScoreCard(frame);
          expect(after.rows.at(-1)?.points).toBe(fieldAfter);
          expect(after.valueText.toLowerCase()).toBe(`${fieldAfter} of 100, ${after.tier.toLowerCase()}`);
          await screenshot(open.page, 'simulate-activity-salesforce');
          return;
        }
      }
      throw new Error(`no simulated activity moved a score within 10 s:\n${tried.join('\n')}`);
    });
  });
});
