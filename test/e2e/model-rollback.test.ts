import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, onPage, openPage } from './support/browser.ts';
import { openAdminView } from './support/demo.ts';
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

const RETRAIN_TIMEOUT_MS = 180_000;
const ROLLBACK_BUTTON = /^Roll back (.+) to (.+)$/;

async function openModelHealth(page: Page): Promise<FrameLocator> {
  await openAdminView(page, 'Model health');
  const frame = panelFrame(page);
  await frame.getByRole('heading', { name: 'Model health', exact: true }).waitFor({ state: 'visible' });
  await versionsTable(frame).waitFor({ state: 'visible', timeout: 30_000 });
  return frame;
}

function versionsTable(frame: FrameLocator): Locator {
  return frame.getByRole('table', { name: 'Model versions' });
}

/** The versions table's body rows as their cells' text. */
async function versionRows(frame: FrameLocator): Promise<string[][]> {
  const rows = versionsTable(frame).getByRole('row');
  const found: string[][] = [];
  for (let index = 0; index < (await rows.count()); index += 1) {
    const row = rows.nth(index);
    if ((await row.getByRole('columnheader').count()) > 0) continue;
    const cells = await row.locator(':scope > th, :scope > td').allTextContents();
    found.push(cells.map((cell) => cell.replace(/\s+/g, ' ').trim()));
  }
  return found;
}

/** The Status cell of the version's row (`Champion`, `Challenger`, `Retired`). */
async function statusOf(frame: FrameLocator, version: string): Promise<string | undefined> {
  const rows = await versionRows(frame);
  const row = rows.find((cells) => cells.some((cell) => cell === version || cell.startsWith(`${version} `)));
  return row?.find((cell) => /^(Champion|Challenger|Retired)\b/.test(cell));
}

describe('model health', () => {
  it('an admin retrains, then rolls a segment back to its other version, which becomes the champion', async () => {
    const open = await openPage(browser);
    await onPage(open, async () => {
      let frame = await openModelHealth(open.page);
      const rowsBefore = await versionRows(frame);
      expect(rowsBefore.length, 'the first cycle trained models').toBeGreaterThan(0);
      expect(rowsBefore.some((cells) => cells.includes('Champion'))).toBe(true);
      await frame
        .getByRole('img', { name: /^Calibration plot/ })
        .first()
        .waitFor({ state: 'visible' });
      await frame
        .getByRole('img', { name: /^Lift by decile/ })
        .first()
        .waitFor({ state: 'visible' });

      const rollBack = () => frame.getByRole('button', { name: ROLLBACK_BUTTON });
      await frame.getByRole('button', { name: 'Retrain now' }).waitFor({ state: 'visible' });
      if ((await rollBack().count()) === 0) {
        // One version per segment so far: retrain, and reopen the page until the new versions are in.
        await frame.getByRole('button', { name: 'Retrain now' }).click();
        const deadline = Date.now() + RETRAIN_TIMEOUT_MS;
        while ((await rollBack().count()) === 0) {
          if (Date.now() > deadline) {
            throw new Error(
              `no "Roll back <segment> to <version>" button within ${RETRAIN_TIMEOUT_MS / 1000} s of Retrain now; versions: ${JSON.stringify(await versionRows(frame))}`,
            );
          }
          await open.page.waitForTimeout(5_000);
          frame = await openModelHealth(open.page);
        }
        // Training writes one segment after another: wait until the list stops growing.
        let count = (await versionRows(frame)).length;
        for (;;) {
          await open.page.waitForTimeout(10_000);
          frame = await openModelHealth(open.page);
          const now = (await versionRows(frame)).length;
          if (now === count || Date.now() > deadline) break;
          count = now;
        }
      }
      const button = rollBack().first();
      const name = ((await button.textContent()) ?? '').trim();
      const [, segment = '', version = ''] = ROLLBACK_BUTTON.exec(name) ?? [];
      expect(await statusOf(frame, version), `the status of ${version} before the roll back`).not.toBe(
        'Champion',
      );
      await screenshot(open.page, 'model-health-two-versions');

      await button.click();
      const dialog = frame.getByRole('dialog', { name: 'Roll back model' });
      await dialog.waitFor({ state: 'visible' });
      await expect.poll(async () => (await dialog.textContent()) ?? '').toContain(version);
      await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
      await frame.getByRole('status').filter({ hasText: 'Rolled back' }).waitFor({ state: 'visible' });
      await dialog.waitFor({ state: 'hidden' });

      await expect
        .poll(() => statusOf(frame, version), { timeout: 10_000, message: `${segment} ${version}` })
        .toBe('Champion');
      await screenshot(open.page, 'model-health-rolled-back');
      // Reopened, the page still says so: the roll back is stored, not only shown.
      frame = await openModelHealth(open.page);
      expect(await statusOf(frame, version)).toBe('Champion');
    });
  });
});
