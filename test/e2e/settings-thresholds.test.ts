import type { Browser, FrameLocator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, onPage, openPage } from './support/browser.ts';
import { type Crm, openAdminView, type SandboxRecord, sandboxRecords } from './support/demo.ts';
import { panelFrame } from './support/panel.ts';
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

/** The CRM whose tenant the demo's Settings page administers. */
const SETTINGS_CRM: Crm = 'salesforce';
const SAMPLE = 400;
const TIER_TIMEOUT_MS = 20_000;

interface SegmentThresholds {
  segment: string;
  hot: number;
  warm: number;
}

async function readThresholds(frame: FrameLocator): Promise<SegmentThresholds[]> {
  const hotFields = frame.getByRole('spinbutton', { name: /^Hot threshold for / });
  await hotFields.first().waitFor({ state: 'visible', timeout: 30_000 });
  const segments: SegmentThresholds[] = [];
  for (let index = 0; index < (await hotFields.count()); index += 1) {
    const field = hotFields.nth(index);
    // The accessible name, as a screen reader announces it: `- spinbutton "Hot threshold for SMB": 80`.
    const snapshot = await field.ariaSnapshot();
    const segment = /spinbutton "Hot threshold for (.+?)"/.exec(snapshot)?.[1];
    if (segment === undefined) throw new Error(`a hot threshold field reads ${snapshot}`);
    const warm = frame.getByRole('spinbutton', { name: `Warm threshold for ${segment}`, exact: true });
    segments.push({ segment, hot: Number(await field.inputValue()), warm: Number(await warm.inputValue()) });
  }
  return segments;
}

type Scored = SandboxRecord & { leadscore: { score: number } };
const isScored = (record: SandboxRecord): record is Scored => record.leadscore.score !== null;

/**
 * A hot threshold for every segment, above every warm threshold and below every current hot one,
 * chosen so that some of the sampled leads move from warm to hot.
 */
function newHotThreshold(segments: SegmentThresholds[], scored: Scored[]): number {
  const low = Math.max(...segments.map((one) => one.warm)) + 1;
  const high = Math.min(...segments.map((one) => one.hot)) - 1;
  if (low > high) throw new Error(`no room between warm and hot thresholds: ${JSON.stringify(segments)}`);
  for (let threshold = high; threshold >= low; threshold -= 1) {
    const moving = scored.filter(
      (record) => record.leadscore.score >= threshold && record.leadscore.score <= high,
    );
    if (moving.length >= 3) return threshold;
  }
  return low;
}

/** Every sampled lead that is hot has a score at or above the threshold, and every such lead is hot. */
function tierMismatches(records: SandboxRecord[], threshold: number): string[] {
  return records.filter(isScored).flatMap((record) => {
    const hot = (record.leadscore.tier ?? '').toLowerCase() === 'hot';
    return hot === record.leadscore.score >= threshold
      ? []
      : [`${record.id} score ${record.leadscore.score} tier ${record.leadscore.tier}`];
  });
}

describe('settings', () => {
  it('an admin lowers the hot thresholds: the preview changes, and after Save settings the CRM tier fields follow within 20 s', async () => {
    const open = await openPage(browser);
    await onPage(open, async () => {
      await openAdminView(open.page, 'Settings');
      const frame = panelFrame(open.page);
      await frame.getByRole('heading', { name: 'Settings', exact: true }).waitFor({ state: 'visible' });
      const segments = await readThresholds(frame);
      expect(segments.length).toBeGreaterThan(0);

      const before = (await sandboxRecords(SETTINGS_CRM, SAMPLE)).filter(isScored);
      expect(before.length, 'the first cycle scored the sampled leads').toBeGreaterThan(0);
      const threshold = newHotThreshold(segments, before);
      const moving = before.filter(
        (record) => record.leadscore.score >= threshold && record.leadscore.tier?.toLowerCase() !== 'hot',
      );
      expect(moving.length, `leads scored ${threshold} or more that are not hot yet`).toBeGreaterThan(0);

      const preview = frame.getByRole('status', { name: 'Threshold preview' });
      const previews: string[] = [];
      for (const { segment } of segments) {
        const field = frame.getByRole('spinbutton', { name: `Hot threshold for ${segment}`, exact: true });
        await field.focus();
        const shownBefore = ((await preview.textContent()) ?? '').trim();
        await field.fill(String(threshold));
        await field.press('Tab');
        // The preview reads "Previewing…" or "Updating…" while it asks the server, then what the
        // threshold being edited would have done (or why this segment has nothing to preview).
        let shown = '';
        try {
          await expect
            .poll(
              async () => {
                shown = ((await preview.textContent()) ?? '').trim();
                if (/Previewing|Updating/i.test(shown) || shown === shownBefore || !shown.includes(segment)) {
                  return false;
                }
                // Numbers for the new threshold (named before the first colon), not the old one the focus
                // may have previewed first.
                return (
                  !/per week/i.test(shown) || new RegExp(`\\b${threshold}\\b`).test(shown.split(':')[0] ?? '')
                );
              },
              { timeout: 10_000, message: `the preview after hot threshold ${threshold} for ${segment}` },
            )
            .toBe(true);
        } catch (error) {
          throw new Error(
            `${error instanceof Error ? error.message : String(error)}; the preview read: ${shown}`,
          );
        }
        previews.push(shown);
      }
      // Segments with a test window say what the new threshold would have done.
      const measured = previews.filter((text) => /per week/i.test(text));
      expect(measured.length, previews.join('\n')).toBeGreaterThan(0);
      for (const text of measured) {
        expect(text).toMatch(/precision/i);
        expect(text).toMatch(/recall/i);
      }
      await frame.getByRole('img', { name: /^Threshold preview chart/ }).waitFor({ state: 'visible' });
      await screenshot(open.page, 'settings-threshold-preview');

      await frame.getByRole('button', { name: 'Save settings' }).click();
      await frame.getByRole('status').filter({ hasText: 'Saved' }).waitFor({ state: 'visible' });

      let mismatches: string[] = [];
      const deadline = Date.now() + TIER_TIMEOUT_MS;
      do {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        mismatches = tierMismatches(await sandboxRecords(SETTINGS_CRM, SAMPLE), threshold);
      } while (mismatches.length > 0 && Date.now() < deadline);
      expect(
        mismatches,
        `${mismatches.length} leads of ${SAMPLE} whose tier does not follow hot threshold ${threshold}`,
      ).toEqual([]);
      await frame.getByRole('table', { name: 'Audit trail' }).waitFor({ state: 'visible' });
      await screenshot(open.page, 'settings-saved');
    });
  });
});
