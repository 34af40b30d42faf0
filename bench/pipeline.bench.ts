/**
 * The scoring pipeline end to end on the sandbox CRM, at real API pacing: seeds the sandbox with
 * generator leads (100,000 and about 1,000,000 activities by default), syncs them through the real
 * provider and the sync service into Redis, imports the generator's intent signals through the
 * `import-intent` path, measures the tenant's Redis footprint, computes every snapshot example from
 * Redis, and runs the leak check: an engine model on the examples' time split against the
 * generator's true probability of each test example. Prints readable lines, then one JSON line.
 *
 *   npm run bench:pipeline                                 100,000 leads, Salesforce
 *   npm run bench:pipeline -- --leads 5000 --provider hubspot
 *
 * Redis: REDIS_URL, else 127.0.0.1:6379, else a private redis-server. The bench's tenant is new
 * for every run and purged at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { Redis } from 'ioredis';
import { startSandbox } from '../connector/sandbox/start-sandbox.ts';
import { generateDataset } from '../fixtures/generator/generate-dataset.ts';
import type { TenantId } from '../shared/schemas/common.ts';
import { defaultSettings } from '../shared/schemas/settings.ts';
import { createStore } from '../shared/store/store.ts';
import { SyncHygieneRepository } from '../shared/store/sync-hygiene.repository.ts';
import { importIntentFile } from '../worker/engine/cli/import-intent/import-intent-cli.ts';
import { benchRedis } from './pipeline/bench-redis.ts';
import { runDeliveryStage } from './pipeline/delivery-stage.ts';
import { runFeatureStage } from './pipeline/feature-stage.ts';
import { bytesByFamily, footprint } from './pipeline/redis-bytes.ts';
import {
  type BenchProvider,
  connectToSandbox,
  hubspotCallsPerSecond,
  runSyncStage,
} from './pipeline/sync-stage.ts';

const { values } = parseArgs({
  options: { leads: { type: 'string' }, provider: { type: 'string' }, seed: { type: 'string' } },
});
const leadCount = Number(values.leads ?? process.env.BENCH_LEADS ?? 100_000);
const provider = (values.provider ?? 'salesforce') as BenchProvider;
const seed = Number(values.seed ?? 2026);
if (!Number.isInteger(leadCount) || leadCount < 500)
  throw new Error('--leads must be a whole number of at least 500');
if (provider !== 'salesforce' && provider !== 'hubspot')
  throw new Error('--provider must be salesforce or hubspot');

const print = (line = '') => process.stdout.write(`${line}\n`);
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');
const round = (value: number, decimals: number) => Number(value.toFixed(decimals));
const GB = 1024 ** 3;

const digits = [...randomBytes(8)].map((byte) => String(byte % 10)).join('');
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const tenantId = (
  provider === 'salesforce'
    ? `sf:00D${[...randomBytes(12)].map((byte) => alphabet[byte % alphabet.length]).join('')}AAA`
    : `hs:9${digits}`
) as TenantId;

const redisServer = await benchRedis();
const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 2 });
const store = createStore(redis);
const hygiene = new SyncHygieneRepository(redis);
const workDir = mkdtempSync(path.join(tmpdir(), 'leadscore-bench-pipeline-'));

try {
  print(
    `bench:pipeline: ${thousands(leadCount)} leads on ${provider}, seed ${seed}, ${redisServer.description}`,
  );
  const generated = performance.now();
  const dataset = generateDataset({ leads: leadCount, seed, tenantId });
  const dataEndMs = dataset.truth[0]?.timing.dataEndMs ?? Date.now();
  const sandbox = await startSandbox({ seed: { [provider]: dataset } });
  print(
    `seeded the sandbox CRM with ${thousands(dataset.leads.length)} leads, ${thousands(dataset.activities.length)} activities, ${thousands(dataset.outcomes.length)} outcomes in ${((performance.now() - generated) / 1000).toFixed(1)} s`,
  );
  try {
    const connector = await connectToSandbox(sandbox, provider, tenantId);
    await connector.ensureFields();

    const sync = await runSyncStage({ sandbox, provider, tenantId, connector, store, hygiene });
    const stored = { leads: 0, activities: 0, outcomes: 0, rejected: 0 };
    for (const family of sync.families) {
      const moved = family.written + family.unchanged;
      if (family.family === 'leads') stored.leads = moved;
      if (family.family === 'activities') stored.activities = moved;
      if (family.family === 'outcomes') stored.outcomes = moved;
      stored.rejected += family.rejected;
    }
    print(
      `sync: ${thousands(stored.leads)} leads, ${thousands(stored.activities)} activities, ${thousands(stored.outcomes)} outcomes into Redis (${stored.rejected} records rejected and reported) in ${sync.seconds.toFixed(1)} s`,
    );
    print(
      `  ${thousands(sync.calls + sync.searches)} API calls (${thousands(sync.searches)} searches); floor from the published budgets ${sync.floorSeconds.toFixed(1)} s${sync.floorSeconds > 0 ? ` (${(sync.seconds / sync.floorSeconds).toFixed(2)} × floor)` : ' (no per-second budget)'}`,
    );
    for (const [endpoint, count] of Object.entries(sync.byEndpoint))
      print(`    ${thousands(count)} × ${endpoint}`);

    const intentFile = path.join(workDir, 'intent.csv');
    writeFileSync(
      intentFile,
      stringify(
        dataset.intent.map((signal) => [signal.domain, signal.topic, signal.surgeScore, signal.observedAt]),
        { header: true, columns: ['domain', 'topic', 'surge_score', 'observed_at'] },
      ),
    );
    const intent = await importIntentFile(
      store,
      { tenantId, file: intentFile, batchSize: 1_000 },
      { stdout: process.stdout, stderr: process.stderr },
    );
    print(
      `intent: imported ${thousands(intent.imported)} signals for ${thousands(intent.domains)} domains (${intent.skipped} bad rows)`,
    );

    const families = await bytesByFamily(redis, store, tenantId);
    const memory = footprint(families, stored.leads, stored.activities);
    print(
      `redis: ${(memory.redisBytes / 1024 ** 2).toFixed(1)} MB for the tenant; ${memory.bytesPerLead.toFixed(1)} B per lead, ${memory.bytesPerActivity.toFixed(1)} B per activity, ${memory.otherBytesPerLead.toFixed(1)} B per lead for the rest`,
    );
    for (const [name, bytes] of [...families.entries()].sort())
      print(`    ${name.padEnd(10)} ${(bytes / 1024 ** 2).toFixed(2).padStart(9)} MB`);
    print(
      `  1,000,000 leads + 10,000,000 activities: ${(memory.extrapolatedBytes / GB).toFixed(2)} GB (target < 2 GB: ${memory.extrapolatedBytes < 2 * GB ? 'met' : 'MISSED'})`,
    );

    const features = await runFeatureStage({ store, tenantId, dataEndMs, truth: dataset.truth });
    const { examples, check } = features;
    print(
      `features: ${thousands(examples.numRows)} snapshot examples (${thousands(examples.candidates.positives)} positive) from Redis in ${features.seconds.toFixed(1)} s; split ${JSON.stringify(examples.split.counts)}`,
    );
    print(
      `leak check: model test AUC ${check.leakCheckAuc.toFixed(4)} (${check.trees} trees) against the true probabilities' ${check.oracleAuc.toFixed(4)} on the same ${thousands(check.testExamples)} examples${features.unknownLeads > 0 ? `; ${features.unknownLeads} examples of leads the truth does not know` : ''}`,
    );
    const syncTarget: [string, boolean] =
      provider === 'hubspot'
        ? ['sync ≤ 1.2 × floor', sync.seconds <= 1.2 * sync.floorSeconds]
        : ['sync < 120 s', sync.seconds < 120];
    // Every lead already hot in the first scoring is a crossing (routeAlreadyHot), so routing has work.
    const settings = { ...defaultSettings(), routeAlreadyHot: true };
    const delivery = await runDeliveryStage({
      redis,
      store,
      tenantId,
      settings,
      examples,
      connector,
      dataEndMs,
      truth: dataset.truth,
    });
    const { first, rerun } = delivery;
    // What scoring adds per lead: current scores, score history, write-back and routing state.
    const after = await bytesByFamily(redis, store, tenantId);
    const scoringFamilies = ['scores', 'score-history', 'writeback', 'routing', 'routing-tasks'];
    const scoringBytes = scoringFamilies.reduce((sum, name) => sum + (after.get(name) ?? 0), 0);
    const scoringBytesPerLead = scoringBytes / Math.max(stored.leads, 1);
    const extrapolatedWithScores = memory.extrapolatedBytes + 1_000_000 * scoringBytesPerLead;
    const historyBytesPerLead = (after.get('score-history') ?? 0) / Math.max(stored.leads, 1);
    const extrapolatedWithHistory = memory.extrapolatedBytes + 1_000_000 * historyBytesPerLead;
    const writeCalls = first.writeback.calls;
    const writebackFloorSeconds = provider === 'hubspot' ? writeCalls / hubspotCallsPerSecond : 0;
    const training = delivery.training;
    print(
      `train: ${training.kind === 'models' ? training.segments.map((one) => `${one.segment} → ${one.servedBy === 'segment' ? 'own model' : 'pooled'} (${thousands(one.leads)} leads, ${thousands(one.conversions)} conversions)`).join('; ') : `rules (${training.reason})`} in ${delivery.trainSeconds.toFixed(1)} s`,
    );
    if (training.kind === 'models') {
      for (const decision of training.decisions) print(`    ${decision.versionId}: ${decision.outcome}`);
    }
    print(
      `score: ${thousands(first.scoring.scored)} leads scored and explained (${JSON.stringify(first.scoring.bySource)}; skipped ${JSON.stringify(first.scoring.skipped)}) in ${first.seconds.score.toFixed(1)} s`,
    );
    print(
      `write-back: ${thousands(first.writeback.writes)} writes in ${writeCalls} calls, ${first.writeback.failed} failed, in ${first.seconds.writeback.toFixed(1)} s${writebackFloorSeconds > 0 ? ` (floor ${writebackFloorSeconds.toFixed(1)} s)` : ''}`,
    );
    print(
      `routing: ${first.routing?.crossings ?? 0} hot crossings, ${first.routing?.tasksCreated ?? 0} tasks, ${first.routing?.nurtureSet ?? 0} nurture flags, ${first.routing?.calls ?? 0} calls, in ${first.seconds.routing.toFixed(1)} s`,
    );
    print(
      `scores in Redis: ${scoringBytesPerLead.toFixed(1)} B per lead (${scoringFamilies.map((name) => `${name} ${((after.get(name) ?? 0) / 1024 ** 2).toFixed(1)} MB`).join(', ')}); 1M leads + 10M activities with their score history: ${(extrapolatedWithHistory / GB).toFixed(2)} GB, with every scoring state: ${(extrapolatedWithScores / GB).toFixed(2)} GB`,
    );
    print(
      `rerun with nothing changed: ${rerun.writeback.writes} writes (${thousands(rerun.writeback.skippedUnchanged)} unchanged), ${rerun.routing?.tasksCreated ?? 0} tasks`,
    );
    if (delivery.testExamples === 0)
      print('quality: no model yet (the tenant is scored by the transparent rules)');
    else
      print(
        `quality: test AUC ${delivery.testAuc.toFixed(4)} of the calibrated champions against the truth's ${delivery.oracleAuc.toFixed(4)} on the same ${thousands(delivery.testExamples)} examples; ECE ${delivery.ece.toFixed(4)}`,
      );
    const targets: [string, boolean][] = [
      syncTarget,
      ['features < 60 s', features.seconds < 60],
      ['Redis extrapolation < 2 GB', memory.extrapolatedBytes < 2 * GB],
      ['with score history < 2 GB', extrapolatedWithHistory < 2 * GB],
      ['leakCheckAuc ≤ oracleAuc', check.leakCheckAuc <= check.oracleAuc],
      ['leakCheckAuc ≥ 0.8 × oracleAuc', check.leakCheckAuc >= 0.8 * check.oracleAuc],
      ['train < 120 s', delivery.trainSeconds < 120],
      ['score < 60 s', first.seconds.score < 60],
      provider === 'hubspot'
        ? ['write-back ≤ 1.2 × floor', first.seconds.writeback <= 1.2 * writebackFloorSeconds]
        : ['write-back < 30 s', first.seconds.writeback < 30],
      ...(delivery.testExamples === 0
        ? []
        : ([
            ['testAuc ≤ oracleAuc', delivery.testAuc <= delivery.oracleAuc],
            ['testAuc ≥ 0.85 × oracleAuc', delivery.testAuc >= 0.85 * delivery.oracleAuc],
            ['ece ≤ 0.02', delivery.ece <= 0.02],
          ] as [string, boolean][])),
      ['writes = leadsScored', first.writeback.writes === first.scoring.scored],
      ['rerunWrites = 0', rerun.writeback.writes === 0],
      ['tasks = hot crossings', (first.routing?.tasksCreated ?? 0) === (first.routing?.crossings ?? -1)],
    ];
    print(`targets: ${targets.map(([name, met]) => `${name} ${met ? 'met' : 'MISSED'}`).join('; ')}`);
    print(
      JSON.stringify({
        provider,
        leads: stored.leads,
        activities: stored.activities,
        outcomes: stored.outcomes,
        intentSignals: intent.imported,
        apiCalls: sync.calls + sync.searches,
        syncSeconds: round(sync.seconds, 1),
        syncFloorSeconds: round(sync.floorSeconds, 1),
        featureSeconds: round(features.seconds, 1),
        examples: examples.numRows,
        redisBytes: memory.redisBytes,
        bytesPerLead: round(memory.bytesPerLead, 1),
        bytesPerActivity: round(memory.bytesPerActivity, 1),
        extrapolatedBytes: Math.round(memory.extrapolatedBytes),
        scoringBytesPerLead: round(scoringBytesPerLead, 1),
        extrapolatedBytesWithHistory: Math.round(extrapolatedWithHistory),
        extrapolatedBytesWithScores: Math.round(extrapolatedWithScores),
        leakCheckAuc: round(check.leakCheckAuc, 4),
        oracleAuc: round(check.oracleAuc, 4),
        trainSeconds: round(delivery.trainSeconds, 1),
        scoreSeconds: round(first.seconds.score, 1),
        writebackSeconds: round(first.seconds.writeback, 1),
        writebackFloorSeconds: round(writebackFloorSeconds, 1),
        writeCalls,
        leadsScored: first.scoring.scored,
        writes: first.writeback.writes,
        rerunWrites: rerun.writeback.writes,
        tasks: first.routing?.tasksCreated ?? 0,
        hotCrossings: first.routing?.crossings ?? 0,
        testAuc: round(delivery.testAuc, 4),
        testOracleAuc: round(delivery.oracleAuc, 4),
        ece: round(delivery.ece, 4),
        segments: delivery.segments,
      }),
    );
  } finally {
    await sandbox.close();
  }
} finally {
  await store.purgeTenant(tenantId);
  redis.disconnect();
  await redisServer.stop();
  rmSync(workDir, { recursive: true, force: true });
}
