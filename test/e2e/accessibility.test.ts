import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousAxeViolations } from './support/axe.ts';
import { cspViolations, launchChromium, onPage, openPage } from './support/browser.ts';
import { leadsTable, openAdminView, openDemoHome, openLead, openLeadList } from './support/demo.ts';
import { panelFrame, scoreMeter } from './support/panel.ts';
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

interface DemoPage {
  name: string;
  screenshot: string;
  /** Opens the page and waits until what axe must see (the panel's content too) is on it. */
  open(page: Page): Promise<void>;
}

const PAGES: DemoPage[] = [
  {
    name: 'the demo home page',
    screenshot: 'a11y-home',
    open: async (page) => {
      await openDemoHome(page);
      await page.getByRole('heading', { level: 1 }).waitFor({ state: 'visible' });
    },
  },
  {
    name: 'the Salesforce lead list',
    screenshot: 'a11y-salesforce-list',
    open: async (page) => {
      await openLeadList(page, 'salesforce');
      await leadsTable(page).getByRole('link').first().waitFor({ state: 'visible' });
    },
  },
  {
    name: 'a Salesforce lead record with the panel',
    screenshot: 'a11y-salesforce-record',
    open: async (page) => {
      await openLead(page, 'salesforce');
      await scoreMeter(panelFrame(page)).waitFor({ state: 'visible', timeout: 30_000 });
      await panelFrame(page).getByRole('table', { name: 'Why this score' }).waitFor({ state: 'visible' });
    },
  },
  {
    name: 'a HubSpot contact record with the panel',
    screenshot: 'a11y-hubspot-record',
    open: async (page) => {
      await openLead(page, 'hubspot');
      await scoreMeter(panelFrame(page)).waitFor({ state: 'visible', timeout: 30_000 });
      await panelFrame(page).getByRole('table', { name: 'Why this score' }).waitFor({ state: 'visible' });
    },
  },
  {
    name: 'the Settings page',
    screenshot: 'a11y-settings',
    open: async (page) => {
      await openAdminView(page, 'Settings');
      const frame = panelFrame(page);
      await frame.getByRole('heading', { name: 'Settings', exact: true }).waitFor({ state: 'visible' });
      await frame
        .getByRole('spinbutton', { name: /^Hot threshold for / })
        .first()
        .waitFor({ state: 'visible' });
      await frame.getByRole('status', { name: 'Threshold preview' }).waitFor({ state: 'visible' });
    },
  },
  {
    name: 'the Model health page',
    screenshot: 'a11y-model-health',
    open: async (page) => {
      await openAdminView(page, 'Model health');
      const frame = panelFrame(page);
      await frame.getByRole('heading', { name: 'Model health', exact: true }).waitFor({ state: 'visible' });
      await frame
        .getByRole('table', { name: 'Model versions' })
        .waitFor({ state: 'visible', timeout: 30_000 });
    },
  },
];

describe('accessibility of the demo and the panel', () => {
  /** What each page's console said about its Content Security Policy. */
  const cspByPage = new Map<string, string[]>();

  for (const demoPage of PAGES) {
    it(`${demoPage.name} has no serious or critical axe-core violations`, async () => {
      const open = await openPage(browser);
      try {
        await onPage(open, async () => {
          await demoPage.open(open.page);
          await screenshot(open.page, demoPage.screenshot);
          const minor = await expectNoSeriousAxeViolations(open.page, demoPage.name);
          if (minor.length > 0) {
            console.info(`${demoPage.name}: minor axe findings: ${minor.map((one) => one.id).join(', ')}`);
          }
        });
      } finally {
        cspByPage.set(demoPage.name, cspViolations(open.console));
      }
    });
  }

  it('no page or panel breaks its own Content Security Policy (no inline script or style)', () => {
    expect(cspByPage.size).toBe(PAGES.length);
    const broken = [...cspByPage].filter(([, lines]) => lines.length > 0);
    expect(broken.map(([name, lines]) => `${name}:\n  ${lines.join('\n  ')}`).join('\n')).toBe('');
  });
});
