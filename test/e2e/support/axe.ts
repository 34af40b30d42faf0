import { AxeBuilder } from '@axe-core/playwright';
import type { Result } from 'axe-core';
import type { Page } from 'playwright-core';

const FAILING_IMPACTS = new Set(['serious', 'critical']);

/** One violation as a person reads it: impact, rule, what it means, where, and how to fix it. */
export function describeViolation(violation: Result): string {
  const nodes = violation.nodes.map((node) => {
    const target = node.target.map((part) => (Array.isArray(part) ? part.join(' >>> ') : String(part)));
    const summary = (node.failureSummary ?? '').replace(/\s+/g, ' ').trim();
    return `    at ${target.join(' | ')}: ${summary}`;
  });
  return [`  [${violation.impact}] ${violation.id}: ${violation.help} (${violation.helpUrl})`, ...nodes].join(
    '\n',
  );
}

/**
 * axe-core over the page and every frame in it (the panel iframe included); throws listing each
 * serious or critical violation. Minor and moderate ones are returned, for the test to log.
 */
export async function expectNoSeriousAxeViolations(page: Page, where = page.url()): Promise<Result[]> {
  const results = await new AxeBuilder({ page }).analyze();
  const failing = results.violations.filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ''));
  if (failing.length > 0) {
    throw new Error(
      `${failing.length} serious or critical accessibility violation(s) on ${where}:\n${failing.map(describeViolation).join('\n')}`,
    );
  }
  return results.violations;
}
