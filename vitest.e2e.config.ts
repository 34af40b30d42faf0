import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that only read the product run first; the ones that change it (a new threshold, a retrained
 * and rolled back model, each followed by a rescoring of every lead) run last, so no rescoring pass
 * is in flight while a test compares scores.
 */
const ORDER = [
  'scenario-18-frame-ancestors',
  'accessibility',
  'record-panel',
  'simulate-activity',
  'settings-thresholds',
  'model-rollback',
];

const rank = (specification: TestSpecification): number => {
  const index = ORDER.findIndex(
    (name) =>
      specification.moduleId.endsWith(`/${name}.test.ts`) ||
      specification.moduleId.endsWith(`/${name}.e2e.test.ts`),
  );
  return index === -1 ? ORDER.length : index;
};

class ProductOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

/**
 * The browser tests: the whole product (sandbox CRM, server, worker, demo pages) started once for the
 * run by the global setup, driven through the system Chromium. Files run one after another: they share
 * that product and some of them change its settings and models.
 */
export default defineConfig({
  test: {
    // Reliability scenarios that need a real browser live with the others, named *.e2e.test.ts.
    include: ['test/e2e/**/*.test.ts', 'test/reliability/**/*.e2e.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'tmp/**'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    sequence: { sequencer: ProductOrderSequencer },
    testTimeout: 120_000,
    hookTimeout: 60_000,
    globalSetup: ['test/e2e/support/global-product.ts'],
    env: { TZ: 'UTC', LOG_LEVEL: 'silent' },
  },
});
