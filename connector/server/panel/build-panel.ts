import { createLogger } from '../../../shared/logger.ts';
import { ensurePanelBundle } from './panel-bundle.ts';

/**
 * `npm run build:panel`: builds the panel bundle (ui-extension/panel/dist) with Vite and records the
 * hash of its sources, so `npm start` knows it is up to date. `--if-changed` skips an up-to-date one.
 */
const logger = createLogger({
  level: process.env.LOG_LEVEL === 'silent' ? 'silent' : 'info',
  name: 'build-panel',
});
try {
  const result = await ensurePanelBundle({ logger, force: !process.argv.includes('--if-changed') });
  process.stdout.write(
    result.built
      ? `built the panel into ${result.dist} in ${result.seconds} s\n`
      : `the panel in ${result.dist} is up to date\n`,
  );
} catch (error) {
  process.stderr.write(`the panel build failed: ${(error as Error).message}\n`);
  process.exit(1);
}
