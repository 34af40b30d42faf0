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
  /** Answers of 400 and more to the page and its frames, `404 GET http://...`. */
  failedRequests: string[];
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
  const failedRequests: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) {
      failedRequests.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    }
  });
  return { context, page, console, errors, failedRequests, close: () => context.close() };
}

/**
 * Content Security Policy complaints the browser logged: on a page LeadScore serves there must be
 * none (no inline script or style, nothing from another origin).
 */
export function cspViolations(lines: readonly string[]): string[] {
  return lines.filter((line) => /Content Security Policy/i.test(line));
}

/** Each frame's address and the start of its text, and what the console said: for a failure message. */
export async function describePage(open: OpenPage): Promise<string> {
  const frames = await Promise.all(
    open.page.frames().map(async (frame) => {
      const text = await frame
        .locator('body')
        .textContent({ timeout: 1_000 })
        .catch(() => '(no body)');
      return `  frame ${frame.url()}: ${(text ?? '').replace(/\s+/g, ' ').trim().slice(0, 400)}`;
    }),
  );
  return [
    ...frames,
    ...open.console.slice(-20).map((line) => `  console ${line}`),
    ...open.errors.slice(-10).map((line) => `  page error ${line}`),
    ...open.failedRequests.slice(-10).map((line) => `  answer ${line}`),
  ].join('\n');
}

/**
 * Runs a step of a test on an open page; when it fails, the error says what the page and its frames
 * showed and what the console said, then the page is closed either way.
 */
export async function onPage<T>(open: OpenPage, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof Error) error.message = `${error.message}\n${await describePage(open)}`;
    throw error;
  } finally {
    await open.close();
  }
}
