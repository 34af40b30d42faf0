/**
 * `npm start`: the whole product on this machine. Redis (REDIS_URL, or a private redis-server with
 * its data in .redis/), the sandbox CRM seeded with a Salesforce org and a HubSpot portal, the server
 * and the worker, both tenants installed through OAuth, then the first sync, training and write-back
 * as it happens. Ctrl-C (or SIGTERM) stops everything it started.
 *
 *   npm start                              5,000 leads per CRM on http://localhost:3000, clean state
 *   npm start -- --port 3001 --leads 8000  another port, more leads
 *   npm start -- --keep                    keep the last run's data (tenants, models, scores)
 *
 * Logs of the server and worker (JSON lines): .redis/logs/server.log, worker.log, local.log.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type LocalProduct, startLocalProduct } from './local-product.ts';
import { INSTALL_REDIS_HINT, RedisUnavailableError } from './private-redis.ts';

export type {
  FirstCycleReport,
  LocalProduct,
  LocalProductOptions,
  ProductFailure,
  TenantFirstCycle,
} from './local-product.ts';
export { startLocalProduct } from './local-product.ts';

/** Whether this file is the process's entry point (npm start), not imported (the browser tests). */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) await main();

async function main(): Promise<void> {
  const usage = 'usage: npm start -- [--port 3000] [--leads 5000] [--seed 2026] [--keep] [--quiet]';

  function wholeNumber(flag: string, value: string | undefined): number | undefined {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) {
      process.stderr.write(`--${flag} must be a whole number, got "${value}"\n${usage}\n`);
      process.exit(2);
    }
    return Number(value);
  }

  let values: { port?: string; leads?: string; seed?: string; keep?: boolean; quiet?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        leads: { type: 'string' },
        seed: { type: 'string' },
        keep: { type: 'boolean' },
        quiet: { type: 'boolean' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    process.exit(2);
  }

  const abort = new AbortController();
  let product: LocalProduct | undefined;
  let starting: Promise<LocalProduct> | undefined;
  let exiting = false;

  /**
   * Stops what runs, then exits; a second signal while stopping is ignored (Ctrl-C twice). A signal
   * during the start cancels it, and the start stops what it had started before this exits.
   */
  async function exit(code: number): Promise<void> {
    if (exiting) return;
    exiting = true;
    abort.abort();
    const started = product ?? (await starting?.catch(() => undefined));
    await started?.stop();
    process.exit(code);
  }

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (!exiting)
        process.stdout.write(`\n${signal}: stopping the worker, the server, the sandbox CRM and Redis…\n`);
      void exit(0);
    });
  }

  try {
    starting = startLocalProduct({
      port: wholeNumber('port', values.port ?? process.env.PORT),
      leadsPerCrm: wholeNumber('leads', values.leads),
      seed: wholeNumber('seed', values.seed),
      keep: values.keep ?? false,
      quiet: values.quiet ?? false,
      signal: abort.signal,
    });
    product = await starting;
  } catch (error) {
    if (exiting) await new Promise(() => {});
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`LeadScore did not start: ${message}\n`);
    if (error instanceof RedisUnavailableError) process.stderr.write(`${INSTALL_REDIS_HINT}\n`);
    process.exit(1);
  }

  const running = product;
  void running.failed.then(async (failure) => {
    if (exiting) return;
    process.stderr.write(`\n${failure.message}\nstopping everything.\n`);
    await exit(1);
  });
  running.firstCycle.then(
    () => process.stdout.write('Ctrl-C stops everything.\n'),
    async (error: unknown) => {
      if (exiting) return;
      process.stderr.write(
        `\nthe first cycle failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      await exit(1);
    },
  );
}
