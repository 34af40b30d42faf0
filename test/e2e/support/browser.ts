import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser.ts';

export { launchChromium };

/** A page in a fresh context, with what the browser said while it ran. */
export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** Console lines of the page and its frames, `error: Refused to frame ...`. */
  console: string[];
  /** Uncaught exceptions thrown by the page's scripts. */
  errors: string[];
  close(): Promise<void>;
}

const VIEWPORT = { width: 1280, height: 900 };

/** A fresh context (no cookies, no storage) and one page in it, the size of a laptop screen. */
export async function openPage(browser: Browser): Promise<OpenPage> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const console: string[] = [];
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    console.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    errors.push(error.message);
  });
  return { context, page, console, errors, close: () => context.close() };
}

/**
 * Content Security Policy complaints the browser logged: on a page LeadScore serves there must be
 * none (no inline script or style, nothing from another origin).
 */
export function cspViolations(lines: readonly string[]): string[] {
  return lines.filter((line) => /Content Security Policy/i.test(line));
}
