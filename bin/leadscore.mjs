#!/usr/bin/env node
// The command runs the TypeScript sources directly: register the tsx loader, then hand over.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../worker/engine/cli/main.ts');
const controller = new AbortController();
// First Ctrl-C cancels training cleanly; a second one exits at once.
process.once('SIGINT', () => {
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});
process.exitCode = await runCli(process.argv.slice(2), process, controller.signal);
