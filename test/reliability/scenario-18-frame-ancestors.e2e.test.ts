import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cspViolations, launchChromium, onPage, openPage } from '../e2e/support/browser.ts';
import { type Crm, openLead } from '../e2e/support/demo.ts';
import { startForeignSite } from '../e2e/support/foreign-site.ts';
import { PANEL_FRAME_SELECTOR, panelFrame } from '../e2e/support/panel.ts';
import { product } from '../e2e/support/product.ts';
import { screenshot } from '../e2e/support/screenshot.ts';

/**
 * Reliability scenario 18 (it needs no scores, so it does not wait for the first cycle): LeadScore's
 * pages carry `frame-ancestors` listing the CRMs' hosts (and, in the local demo, the server itself).
 * The browser must render the panel inside the demo's record pages and refuse to render the very same
 * panel page inside a page of any other origin (here 127.0.0.1 on another port: neither the
 * product's origin nor a CRM's).
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The document loaded in the panel iframe of a page. */
async function panelDocument(page: Page): Promise<Frame> {
  const handle = await page.locator(PANEL_FRAME_SELECTOR).elementHandle();
  const frame = await handle?.contentFrame();
  if (frame === null || frame === undefined) throw new Error(`no ${PANEL_FRAME_SELECTOR} with a document`);
  return frame;
}

/**
 * Opens the demo's record page of the CRM's first lead, waits for the panel's shell in it and
 * answers the frame's address; screenshots it.
 */
async function framedByTheDemo(crm: Crm): Promise<string> {
  const open = await openPage(browser);
  return onPage(open, async () => {
    await openLead(open.page, crm);
    // The shell is there once the panel holds a session (scores need not be written yet).
    const nav = panelFrame(open.page).getByRole('navigation', { name: 'LeadScore' });
    await nav.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await nav.getByRole('link', { name: 'Score', exact: true }).count()).toBe(1);
    const framed = await panelDocument(open.page);
    expect(new URL(framed.url()).origin).toBe(new URL(product().url).origin);
    expect(await framed.locator('#leadscore-bootstrap').count()).toBe(1);
    expect(cspViolations(open.console), open.console.join('\n')).toEqual([]);
    await screenshot(open.page, `scenario-18-${crm}-allowed`);
    const src = await open.page.locator(PANEL_FRAME_SELECTOR).getAttribute('src');
    return new URL(src ?? '', open.page.url()).href;
  });
}

/** Frames the URL from a page of another origin; asserts the browser blocked it, and how it said so. */
async function expectBlockedElsewhere(framedUrl: string, screenshotName: string): Promise<void> {
  const site = await startForeignSite(framedUrl);
  const foreign = await openPage(browser);
  try {
    await onPage(foreign, async () => {
      await foreign.page.goto(site.url);
      await expect
        .poll(() => foreign.console.some((line) => /frame-ancestors/.test(line)), { timeout: 10_000 })
        .toBe(true);
      const refusal = foreign.console.find((line) => /frame-ancestors/.test(line)) ?? '';
      expect(refusal).toContain(new URL(framedUrl).origin);
      expect(refusal).toMatch(/blocked|Refused/i);
      const blocked = await panelDocument(foreign.page);
      expect(blocked.url()).not.toContain(new URL(framedUrl).host);
      expect(await blocked.locator('#leadscore-bootstrap').count()).toBe(0);
      const frame = panelFrame(foreign.page);
      expect(await frame.getByRole('navigation').count()).toBe(0);
      expect(await frame.getByRole('meter').count()).toBe(0);
      expect(await frame.getByRole('heading').count()).toBe(0);
      await screenshot(foreign.page, screenshotName);
    });
  } finally {
    await site.close();
  }
}

describe('the panel in frames of allowed and foreign origins', () => {
  it('scenario 18: the panel framed by an allowed origin renders; framed by another origin it is blocked', async () => {
    // Salesforce: a Canvas frame (the demo's frame page POSTs the signed request to /panel/canvas).
    const salesforceFrame = await framedByTheDemo('salesforce');
    // HubSpot: the frame's URL is the panel page itself, fetched by GET.
    const hubspotFrame = await framedByTheDemo('hubspot');

    // That same URL opened on its own renders: only who frames it decides below.
    const direct = await openPage(browser);
    await onPage(direct, async () => {
      const response = await direct.page.goto(hubspotFrame);
      expect(response?.status()).toBe(200);
      const csp = response?.headers()['content-security-policy'] ?? '';
      expect(csp).toMatch(/frame-ancestors [^;]*'self'/);
      // Never every origin: a bare `*` would let any site frame the panel.
      expect(csp).not.toMatch(/frame-ancestors [^;]*\*(?:\s|;|$)/);
      await direct.page.getByRole('navigation', { name: 'LeadScore' }).waitFor({ state: 'visible' });
    });

    // Framed by another website: the same HubSpot panel URL, the Salesforce frame page, and the
    // standalone panel page are all refused.
    await expectBlockedElsewhere(hubspotFrame, 'scenario-18-hubspot-panel-foreign');
    await expectBlockedElsewhere(salesforceFrame, 'scenario-18-salesforce-frame-foreign');
    await expectBlockedElsewhere(
      new URL('/panel/?view=record', product().url).href,
      'scenario-18-standalone-foreign',
    );
  });
});
