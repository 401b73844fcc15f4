import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { signDevToken } from '#platform/auth';
import { measureDatabaseFloor } from './floor-database.js';
import { measureKafkaFloor } from './floor-kafka.js';
import { runHttpLoad } from './http-load.js';
import { generateLead } from './lead-generator.js';
import { endToEndLatency, measurePipeline, waitForQuietDispatcher } from './pipeline.js';
import { measureReadPath, seedLeads } from './read-path.js';
import { formatTable, writeResults, type BenchResults } from './report.js';

/**
 * `npm run bench [-- --quick]`: the system against its floors, side by side, in one run on one machine.
 * deploy/local/stack.mjs starts the broker, the databases and both services, then runs this.
 */
const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const env = process.env as Record<string, string>;
const quick = args.quick!;
const plan = quick
  ? { seconds: 8, kafkaMessages: 5_000, fixedRate: 200, fixedSeconds: 10, pipelineEvents: 5_000, readRows: 200_000 }
  : { seconds: 30, kafkaMessages: 20_000, fixedRate: 200, fixedSeconds: 30, pipelineEvents: 20_000, readRows: 1_000_000 };
const concurrency = 32;
const began = Date.now();
const progress = (line: string) => console.log(`[${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);

const leadsDb = new pg.Pool({ connectionString: env.LEADS_DATABASE_URL, max: concurrency });
const notificationsDb = new pg.Pool({ connectionString: env.NOTIFICATIONS_DATABASE_URL, max: 4 });
const token = await signDevToken(env.AUTH_JWT_SECRET ?? 'chargesol-dev-only-secret-change-me-in-production', {
  sub: randomUUID(),
  role: 'central_ops',
  name: 'bench',
});
const auth = { authorization: `Bearer ${token}` };

async function createSource(label: string): Promise<number> {
  const response = await fetch(`${env.LEADS_URL}/api/v1/lead-sources`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `bench ${label} ${randomUUID().slice(0, 8)}`, sourceType: 'api' }),
  });
  if (response.status !== 201) throw new Error(`creating a lead source failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

try {
  progress(`mode ${quick ? 'quick' : 'full'}; ${os.cpus().length} cores; everything on this machine`);

  const floorSource = await createSource('floor');
  progress(`floor A: bare pg, lead + outbox row per transaction, concurrency ${concurrency}, ${plan.seconds} s…`);
  const floorA = await measureDatabaseFloor({ databaseUrl: env.LEADS_DATABASE_URL, sourceId: floorSource, concurrency, durationMs: plan.seconds * 1000 });
  progress(`floor A: ${floorA.rps.toFixed(0)} tx/s, p99 ${floorA.p99Ms} ms`);

  progress(`floor B: bare kafkajs, ${plan.kafkaMessages} envelopes produced and consumed…`);
  const floorB = await measureKafkaFloor({ brokers: env.KAFKA_BROKERS.split(','), messages: plan.kafkaMessages, batchSize: 100 });
  progress(`floor B: ${floorB.rps.toFixed(0)} msg/s, p99 ${floorB.p99Ms} ms`);

  const saturationSource = await createSource('saturation');
  const saturationStart = new Date(Date.now() - 1_000);
  const oemId = randomUUID();
  progress(`system: POST /api/v1/leads, concurrency ${concurrency}, ${plan.seconds} s…`);
  const create = await runHttpLoad({
    url: `${env.LEADS_URL}/api/v1/leads`,
    method: 'POST',
    headers: auth,
    connections: concurrency,
    durationS: plan.seconds,
    makeBody: () => generateLead(saturationSource, oemId),
    onTick: (done) => progress(`  ${done} leads created`),
  });
  progress(`system: ${create.rps.toFixed(0)} req/s, p99 ${create.p99Ms} ms, non-2xx ${create.non2xx}, errors ${create.errors}`);
  const atSaturation = await endToEndLatency({
    leadsDb, notificationsDb, sourceId: saturationSource, since: saturationStart, timeoutMs: 300_000,
    onProgress: (sent, total) => progress(`  waiting for SMS of the saturation run: ${sent}/${total}`),
  });

  const fixedSource = await createSource('fixed');
  const fixedStart = new Date(Date.now() - 1_000);
  progress(`e2e: ${plan.fixedRate} leads/s offered for ${plan.fixedSeconds} s…`);
  await runHttpLoad({
    url: `${env.LEADS_URL}/api/v1/leads`, method: 'POST', headers: auth, connections: 16,
    durationS: plan.fixedSeconds, overallRate: plan.fixedRate, makeBody: () => generateLead(fixedSource, oemId),
  });
  const atFixedLoad = await endToEndLatency({
    leadsDb, notificationsDb, sourceId: fixedSource, since: fixedStart, timeoutMs: 120_000,
    onProgress: (sent, total) => progress(`  waiting for SMS at fixed load: ${sent}/${total}`),
  });
  progress(`e2e at ${plan.fixedRate}/s: p50 ${atFixedLoad.p50Ms} ms, p99 ${atFixedLoad.p99Ms} ms`);

  progress(`pipeline: ${plan.pipelineEvents} lead events straight to Kafka…`);
  const pipeline = await measurePipeline({
    brokers: env.KAFKA_BROKERS.split(','), notificationsDb, count: plan.pipelineEvents,
    onProgress: (done, total) => progress(`  consumed ${done}/${total}`),
  });
  progress(`pipeline: ${pipeline.eventsPerSec.toFixed(0)} events/s consumed, ${pipeline.sentPerSec.toFixed(0)} SMS/s sent`);
  const stillQueued = await waitForQuietDispatcher({
    notificationsDb, timeoutMs: 600_000,
    onProgress: (queued) => progress(`  waiting for the dispatcher to send what is queued: ${queued} left`),
  });
  if (stillQueued) progress(`  ${stillQueued} notifications still queued after 10 min; the read path shares the machine with them`);

  progress(`read path: seeding to ${plan.readRows.toLocaleString('en')} leads (once per bench database)…`);
  await seedLeads(leadsDb, floorSource, plan.readRows, (line) => progress(`  ${line}`));
  progress(`read path: GET /api/v1/leads vs the same SQL, ${plan.seconds} s each…`);
  const read = await measureReadPath({ db: leadsDb, leadsUrl: env.LEADS_URL, token, concurrency, durationS: plan.seconds });
  const { rows } = await leadsDb.query<{ n: string }>('select count(*) as n from leads');

  const results: BenchResults = {
    machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, when: new Date().toISOString(), mode: quick ? 'quick' : 'full' },
    createLead: { system: create, floor: floorA, ratio: create.rps / floorA.rps },
    kafkaFloor: floorB,
    pipeline: {
      eventsPerSec: pipeline.eventsPerSec,
      sentPerSec: pipeline.sentPerSec,
      e2eP50Ms: atFixedLoad.p50Ms,
      e2eP99Ms: atFixedLoad.p99Ms,
      atFixedLoad: { ...atFixedLoad, offeredRps: plan.fixedRate },
      atSaturation,
    },
    readPath: { ...read, ratio: read.system.p99Ms / read.floor.p99Ms, rows: Number(rows[0].n) },
  };
  const written = await writeResults(path.resolve('bench/results'), results);
  console.log(`\n${formatTable(results)}\n`);
  console.log(`results: ${written.json}\nchart:   ${written.svg}`);
} finally {
  await Promise.allSettled([leadsDb.end(), notificationsDb.end()]);
}
