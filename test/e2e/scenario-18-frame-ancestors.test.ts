import type { Browser, Frame, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cspViolations, launchChromium, openPage } from './support/browser.ts';
import { openLead } from './support/demo.ts';
import { startForeignSite } from './support/foreign-site.ts';
import { PANEL_FRAME_SELECTOR, panelFrame } from './support/panel.ts';
import { product } from './support/product.ts';
import { screenshot } from './support/screenshot.ts';

/**
 * Reliability scenario 18 (it needs no scores, so it does not wait for the first cycle): LeadScore's pages carry `frame-ancestors` listing the CRMs' hosts (and, in
 * the local demo, the server itself). The browser must render the panel inside the demo's record page
 * and refuse to render the very same panel page inside a page of any other origin.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The document loaded in the panel iframe of a page, once it is there. */
async function panelDocument(page: Page): Promise<Frame> {
  const handle = await page.locator(PANEL_FRAME_SELECTOR).elementHandle();
  const frame = await handle?.contentFrame();
  if (frame === null || frame === undefined) throw new Error(`no ${PANEL_FRAME_SELECTOR} with a document`);
  return frame;
}

describe('the panel in frames of allowed and foreign origins', () => {
  it('scenario 18: the panel framed by an allowed origin renders; framed by another origin it is blocked', async () => {
    // Allowed: the demo's Salesforce record page, served by the product itself ('self').
    const allowed = await openPage(browser);
    const panelNavigations: Request[] = [];
    allowed.page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() !== allowed.page.mainFrame()) {
        panelNavigations.push(request);
      }
    });
    await openLead(allowed.page, 'salesforce');
    // The panel's shell, there once it holds a session (scores need not be written yet).
    const nav = panelFrame(allowed.page).getByRole('navigation', { name: 'LeadScore' });
    await nav.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await nav.getByRole('link', { name: 'Score', exact: true }).count()).toBe(1);
    const framed = await panelDocument(allowed.page);
    expect(new URL(framed.url()).origin).toBe(new URL(product().url).origin);
    expect(new URL(framed.url()).pathname).toMatch(/^\/panel\//);
    expect(await framed.locator('#leadscore-bootstrap').count()).toBe(1);
    expect(cspViolations(allowed.console), allowed.console.join('\n')).toEqual([]);
    await screenshot(allowed.page, 'scenario-18-allowed-origin');

    // The same panel page by GET (a Canvas frame is POSTed: then the panel's own GET entry point).
    const first = panelNavigations.find((request) => new URL(request.url()).pathname.startsWith('/panel/'));
    const panelUrl =
      first !== undefined && first.method() === 'GET'
        ? first.url()
        : new URL('/panel/?view=record', product().url).href;

    // Opened on its own (not framed) it renders: the page works, only framing decides below.
    const direct = await openPage(browser);
    const response = await direct.page.goto(panelUrl);
    expect(response?.status()).toBe(200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/frame-ancestors [^;]*'self'/);
    // Never every origin: a bare `*` would let any site frame the panel.
    expect(csp).not.toMatch(/frame-ancestors [^;]*\*(?:\s|;|$)/);
    expect(await direct.page.locator('#leadscore-bootstrap').count()).toBe(1);
    await expect
      .poll(async () => ((await direct.page.locator('body').textContent()) ?? '').trim().length)
      .toBeGreaterThan(0);
    await direct.close();

    // Framed by a page of another origin: the browser refuses to render it.
    const site = await startForeignSite(panelUrl);
    const foreign = await openPage(browser);
    try {
      await foreign.page.goto(site.url);
      await expect
        .poll(() => foreign.console.some((line) => /frame-ancestors/.test(line)), { timeout: 10_000 })
        .toBe(true);
      const refusal = foreign.console.find((line) => /frame-ancestors/.test(line)) ?? '';
      expect(refusal).toContain(new URL(panelUrl).origin);
      expect(refusal).toMatch(/blocked|Refused/i);
      const blocked = await panelDocument(foreign.page);
      expect(blocked.url()).not.toContain('/panel/');
      expect(await blocked.locator('#leadscore-bootstrap').count()).toBe(0);
      expect(await panelFrame(foreign.page).getByRole('navigation').count()).toBe(0);
      expect(await panelFrame(foreign.page).getByRole('meter').count()).toBe(0);
      expect(await panelFrame(foreign.page).getByRole('heading').count()).toBe(0);
      await screenshot(foreign.page, 'scenario-18-foreign-origin');
    } finally {
      await foreign.close();
      await site.close();
      await allowed.close();
    }
  });
});
