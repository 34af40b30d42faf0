import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../../shared/store/store.ts';
import { connectTestRedis, storeOn, uniqueTenantId } from '../../../../test/store/store-test-support.ts';
import { testRedisUrl } from '../../../../test/support/redis.ts';
import { runCli } from '../main.ts';
import { runLeadscore } from '../run-leadscore.ts';

let redis: Redis;
let store: Store;
let dir: string;
const tenants: string[] = [];
const tenant = (): string => {
  const id = uniqueTenantId();
  tenants.push(id);
  return id;
};

beforeAll(() => {
  // The command reads REDIS_URL as a user's shell would set it.
  process.env.REDIS_URL = testRedisUrl;
  redis = connectTestRedis();
  store = storeOn(redis);
  dir = mkdtempSync(path.join(tmpdir(), 'import-intent-'));
});

afterAll(async () => {
  for (const tenantId of tenants) await store.purgeTenant(tenantId);
  for (const tenantId of tenants) expect(await store.keysOf(tenantId)).toEqual([]);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

function csvFile(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function importIntent(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  const code = await runCli(['import-intent', ...args], { stdout, stderr });
  return {
    code,
    stdout: Buffer.concat(chunks.stdout).toString(),
    stderr: Buffer.concat(chunks.stderr).toString(),
  };
}

const GOOD_FILE = [
  'domain,topic,surge_score,observed_at',
  'acme.com,crm software,72,2026-03-01T00:00:00Z',
  'acme.com,sales automation,55,2026-03-08T00:00:00Z',
  'globex.io,crm software,91.5,2026-03-02',
  'initech.com,data warehouse,12,2026-02-20T09:30:00+01:00',
];

describe('leadscore import-intent on Redis', () => {
  it('imports every good row and reads them back from the store', async () => {
    const tenantId = tenant();
    const run = await importIntent(['--tenant', tenantId, csvFile('good.csv', GOOD_FILE)]);
    expect(run).toEqual({
      code: 0,
      stdout:
        'columns: domain = "domain", topic = "topic", surge_score = "surge_score", observed_at = "observed_at"\n' +
        `imported 4 signals (4 new or changed, 0 unchanged) for 3 domains into ${tenantId}; skipped 0 bad rows\n`,
      stderr: '',
    });
    expect(await store.intent.before(tenantId, 'acme.com', Number.POSITIVE_INFINITY)).toEqual([
      { domain: 'acme.com', topic: 'crm software', surgeScore: 72, observedAt: '2026-03-01T00:00:00.000Z' },
      {
        domain: 'acme.com',
        topic: 'sales automation',
        surgeScore: 55,
        observedAt: '2026-03-08T00:00:00.000Z',
      },
    ]);
    expect(await store.intent.before(tenantId, 'initech.com', Number.POSITIVE_INFINITY)).toEqual([
      {
        domain: 'initech.com',
        topic: 'data warehouse',
        surgeScore: 12,
        observedAt: '2026-02-20T08:30:00.000Z',
      },
    ]);
  });

  it('stores the same set when the same file is imported twice, in small batches', async () => {
    const tenantId = tenant();
    const file = csvFile('twice.csv', GOOD_FILE);
    await importIntent(['--tenant', tenantId, '--batch-size', '1', file]);
    const keys = await store.keysOf(tenantId);
    const before = await store.intent.before(tenantId, 'acme.com', Number.POSITIVE_INFINITY);
    const again = await importIntent(['--tenant', tenantId, '--batch-size', '3', file]);
    expect(again.stdout).toContain('imported 4 signals (0 new or changed, 4 unchanged) for 3 domains');
    expect(await store.keysOf(tenantId)).toEqual(keys);
    expect(keys).toHaveLength(3);
    expect(await store.intent.before(tenantId, 'acme.com', Number.POSITIVE_INFINITY)).toEqual(before);
  });

  it('reports bad rows by line, field and reason, skips them and imports the rest', async () => {
    const tenantId = tenant();
    const file = csvFile('mixed.csv', [
      'Company Domain,Intent Topic,Surge,Date,Region',
      'acme.com,crm software,72,2026-03-01,EMEA',
      'acme.com,crm software,high,2026-03-02,EMEA',
      '',
      'not a domain,crm software,40,2026-03-03,EMEA',
      'globex.io,,40,2026-03-04,AMER',
      'globex.io,crm software,40,yesterday,AMER',
      'globex.io,crm software,40',
      'globex.io,"quoted, with comma",33,2026-03-05T10:00:00Z,AMER',
    ]);
    const run = await importIntent(['--tenant', tenantId, file]);
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n').filter(Boolean)).toEqual([
      'line 3: Surge "high" is not a number between 0 and 100',
      'line 5: Company Domain "not a domain" must be a lower-case domain such as acme.com',
      'line 6: Intent Topic is empty',
      'line 7: Date "yesterday" must be an ISO-8601 date-time such as 2026-03-01T12:00:00Z',
      'line 8: Date is missing (the row has too few fields)',
    ]);
    expect(run.stdout).toBe(
      'columns: domain = "Company Domain", topic = "Intent Topic", surge_score = "Surge", observed_at = "Date"; ignored: Region\n' +
        `imported 2 signals (2 new or changed, 0 unchanged) for 2 domains into ${tenantId}; skipped 5 bad rows\n`,
    );
    expect(await store.intent.before(tenantId, 'globex.io', Number.POSITIVE_INFINITY)).toEqual([
      {
        domain: 'globex.io',
        topic: 'quoted, with comma',
        surgeScore: 33,
        observedAt: '2026-03-05T10:00:00.000Z',
      },
    ]);
  });

  it('stops with one line and exit 2 when a required column is missing, writing nothing', async () => {
    const tenantId = tenant();
    const file = csvFile('no-score.csv', ['domain,topic,when', 'acme.com,crm,2026-03-01']);
    const run = await importIntent(['--tenant', tenantId, file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `error: leadscore import-intent: ${file} has no surge_score (or surge, score, intent_score, surge_value), ` +
        'observed_at (or observed, observed_on, date, timestamp, week, seen_at) column; its header is: domain, topic, when\n',
    );
    expect(await store.keysOf(tenantId)).toEqual([]);
  });

  it('stops at malformed CSV with its line and exit 2, keeping the rows before it', async () => {
    const tenantId = tenant();
    const file = csvFile('unclosed.csv', [GOOD_FILE[0], GOOD_FILE[1], 'globex.io,"unclosed,10,2026-03-01']);
    const run = await importIntent(['--tenant', tenantId, file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error: leadscore import-intent: .*unclosed\.csv line \d+: not valid CSV \(.*\); the 1 signals before it were imported\n$/,
    );
    expect(await store.intent.before(tenantId, 'acme.com', Number.POSITIVE_INFINITY)).toHaveLength(1);
  });

  it.each([
    [['--tenant', 'acme', 'x.csv'], 'error: leadscore import-intent: --tenant "acme" must be "sf:<orgId>"'],
    [['x.csv'], 'error: leadscore import-intent: --tenant is required'],
    [['--tenant', 'hs:123'], 'error: leadscore import-intent: name the CSV file to import'],
    [
      ['--tenant', 'hs:123', '--batch-size', '0', 'x.csv'],
      'error: leadscore import-intent: --batch-size must be',
    ],
    [
      ['--tenant', 'hs:123', '--tenants', 'x.csv'],
      "error: leadscore import-intent: Unknown option '--tenants'",
    ],
    [['--tenant', 'hs:123', path.join(tmpdir(), 'no-such-intent.csv')], 'file not found; check the path'],
  ])('refuses %j with exit 2 and one line', async (args, expected) => {
    const run = await importIntent(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(expected);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('runs as `npx leadscore import-intent`, lists it in the usage and explains each flag', async () => {
    const [help, usage, badTenant] = await Promise.all([
      runLeadscore(['import-intent', '--help']),
      runLeadscore(['--help']),
      runLeadscore(['import-intent', '--tenant', 'nope', 'x.csv']),
    ]);
    expect(help.code).toBe(0);
    for (const flag of ['--tenant <id>', '--batch-size N', '--help, -h', '<file.csv>', 'REDIS_URL']) {
      expect(help.stdout).toContain(flag);
    }
    expect(usage.stdout).toContain('leadscore import-intent --tenant <tenant id>');
    expect(badTenant.code).toBe(2);
    expect(badTenant.stderr).toMatch(/^error: leadscore import-intent: --tenant "nope" must be/);
  });
});
