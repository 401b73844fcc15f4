// The local stack behind `npm start`, `npm test`, `npm run bench` and `npm run token`.
// Runs on Node 24 (deploy/local/run.sh installs it). It starts a real Kafka broker unless
// KAFKA_BROKERS is set, prepares the PostgreSQL databases, builds the services and runs them
// (start) or the test suites (test), and stops everything it started on exit, Ctrl-C or SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureTopics, startKafkaBroker } from './kafka-broker.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE = process.execPath;
const SETPRIV = '/usr/bin/setpriv';
const DEFAULTS = {
  LEADS_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/chargesol_leads',
  NOTIFICATIONS_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/chargesol_notifications',
};

const say = (message) => console.log(`› ${message}`);
const cleanups = [];
let stopping = false;

/** Runs every cleanup once, newest first. */
async function stopEverything() {
  if (stopping) return;
  stopping = true;
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error) => console.error(`cleanup failed: ${error.message}`));
  }
}

function onSignals(handler) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => handler(signal));
}

/** Spawns a child that dies with us even if we are SIGKILLed (pdeathsig), so nothing is orphaned. */
function spawnTied(command, args, options) {
  const tied = existsSync(SETPRIV);
  return spawn(tied ? SETPRIV : command, tied ? ['--pdeathsig', 'SIGTERM', command, ...args] : args, options);
}

function build() {
  const started = Date.now();
  const swc = path.join(ROOT, 'node_modules', '@swc', 'cli', 'bin', 'swc.js');
  const result = spawnSync(
    NODE,
    [swc, 'apps', 'libs', 'bench', '-d', 'dist', '--config-file', '.swcrc', '--copy-files', '-q',
      '--ignore', '**/*.spec.ts', '--ignore', '**/test/**'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error('build failed');
  say(`built the services (${Date.now() - started} ms)`);
}

const JEST = ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js', '--runInBand', '--forceExit'];

function typecheck() {
  const started = Date.now();
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(NODE, [tsc, '-p', 'tsconfig.json', '--noEmit'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('type check failed');
  say(`type check passed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** The same database URL with another database name (tests never touch the dev databases). */
function withDatabaseName(url, suffix) {
  const parsed = new URL(url);
  parsed.pathname = `${parsed.pathname}${suffix}`;
  return parsed.toString();
}

/** Kafka: the configured brokers, or a broker of our own on `port`. */
async function kafka(port, dataDir) {
  if (process.env.KAFKA_BROKERS) {
    say(`using Kafka at ${process.env.KAFKA_BROKERS} (KAFKA_BROKERS is set; no broker started)`);
    return process.env.KAFKA_BROKERS;
  }
  const started = Date.now();
  say(`starting Kafka on 127.0.0.1:${port}…`);
  const broker = await startKafkaBroker({ port, dataDir, log: (line) => say(`kafka: ${line}`) });
  cleanups.push(async () => {
    say('stopping Kafka…');
    await broker.stop();
  });
  say(`Kafka ready on ${broker.brokers} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return broker.brokers;
}

/** Topics, databases and migrations; `fresh` drops the databases first (tests start from nothing). */
async function prepare(brokers, env, { fresh = false } = {}) {
  const { ensureAutovacuum, recreateDatabase } = await import(pathToFileURL(path.join(ROOT, 'dist/libs/platform/src/database.js')));
  if (fresh) {
    for (const url of [env.LEADS_DATABASE_URL, env.NOTIFICATIONS_DATABASE_URL]) await recreateDatabase(url);
  }
  const autovacuum = await ensureAutovacuum(env.LEADS_DATABASE_URL);
  if (autovacuum === 'turned on') say('PostgreSQL had autovacuum off (its default is on): turned it on with ALTER SYSTEM');
  if (autovacuum === 'off') say('warning: PostgreSQL runs with autovacuum off; queue tables will slow down as they grow');
  const { TopicPartitions } = await import(pathToFileURL(path.join(ROOT, 'dist/libs/contracts/src/index.js')));
  await ensureTopics(
    brokers,
    Object.entries(TopicPartitions).map(([topic, numPartitions]) => ({ topic, numPartitions })),
  );
  await warmUpGroupCoordinator(brokers);
  for (const service of ['leads-service', 'notifications-service']) {
    const result = spawnSync(NODE, [`dist/apps/${service}/src/migrate.js`], { cwd: ROOT, env, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`migrations of ${service} failed`);
  }
}

/**
 * A fresh broker creates __consumer_offsets on the first group join; doing that here keeps the
 * services' consumers from logging "group coordinator not available" errors on a first start.
 */
async function warmUpGroupCoordinator(brokers) {
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const kafka = new Kafka({ clientId: 'stack-warmup', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 0; attempt < 60; attempt++) {
      try {
        await admin.describeGroups(['stack-warmup']);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

async function waitReady(url, child, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url} exited with code ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} was not ready within ${timeoutMs / 1000} s`);
}

// Extra Node flags for the services only, e.g. SERVICE_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof"
// to profile them under `npm run bench` (NODE_OPTIONS refuses --cpu-prof).
const SERVICE_NODE_FLAGS = (process.env.SERVICE_NODE_FLAGS ?? '').split(' ').filter(Boolean);

function startChild(name, script, env) {
  const child = spawnTied(NODE, [...SERVICE_NODE_FLAGS, '--enable-source-maps', script], { cwd: ROOT, env, stdio: 'inherit' });
  cleanups.push(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  );
  child.once('exit', async (code, signal) => {
    if (stopping) return;
    console.error(`${name} stopped unexpectedly (${signal ?? `exit ${code}`}); stopping everything`);
    await stopEverything();
    process.exit(1);
  });
  return child;
}

/**
 * Brings up the broker (unless KAFKA_BROKERS is set), the databases and both services, and waits until
 * both answer /health/ready. `databaseSuffix` keeps bench and test data apart from the dev databases.
 */
async function startStack({ kafkaPort, kafkaDir, databaseSuffix = '', overrides = {} }) {
  build();
  const brokers = await kafka(kafkaPort, kafkaDir);
  const env = {
    ...process.env,
    LEADS_DATABASE_URL: withDatabaseName(process.env.LEADS_DATABASE_URL ?? DEFAULTS.LEADS_DATABASE_URL, databaseSuffix),
    NOTIFICATIONS_DATABASE_URL: withDatabaseName(
      process.env.NOTIFICATIONS_DATABASE_URL ?? DEFAULTS.NOTIFICATIONS_DATABASE_URL,
      databaseSuffix,
    ),
    KAFKA_BROKERS: brokers,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    ...overrides,
  };
  await prepare(brokers, env);
  const leadsPort = env.LEADS_PORT ?? '3001';
  const notificationsPort = env.NOTIFICATIONS_PORT ?? '3002';
  const leads = startChild('leads-service', 'dist/apps/leads-service/src/main.js', env);
  const notifications = startChild('notifications-service', 'dist/apps/notifications-service/src/main.js', env);
  await Promise.all([
    waitReady(`http://127.0.0.1:${leadsPort}/health/ready`, leads),
    waitReady(`http://127.0.0.1:${notificationsPort}/health/ready`, notifications),
  ]);
  return {
    env,
    brokers,
    leadsUrl: `http://127.0.0.1:${leadsPort}`,
    notificationsUrl: `http://127.0.0.1:${notificationsPort}`,
  };
}

async function start() {
  const began = Date.now();
  onSignals(async (signal) => {
    say(`${signal}: stopping everything`);
    await stopEverything();
    process.exit(0);
  });
  const stack = await startStack({ kafkaPort: 9092, kafkaDir: path.join(ROOT, '.data', 'kafka') });
  console.log(`
  ChargeSol is up (${((Date.now() - began) / 1000).toFixed(1)} s)
    leads-service          ${stack.leadsUrl}   docs: ${stack.leadsUrl}/docs
    notifications-service  ${stack.notificationsUrl}   docs: ${stack.notificationsUrl}/docs
    Kafka                  ${stack.brokers}
    PostgreSQL             ${new URL(stack.env.LEADS_DATABASE_URL).host}
  A token to call the APIs:  npm run token -- --role central_ops
  Ctrl-C stops everything.
`);
}

/** `npm run bench`: its own broker (9892), databases (…_bench) and services, then bench/src/run.ts. */
async function bench(args) {
  let exitCode = 1;
  onSignals(async () => {
    await stopEverything();
    process.exit(130);
  });
  try {
    const stack = await startStack({
      kafkaPort: Number(process.env.BENCH_KAFKA_PORT ?? 9892),
      kafkaDir: path.join(ROOT, '.data', 'kafka-bench'),
      databaseSuffix: '_bench',
      overrides: {
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: process.env.AUTH_JWT_SECRET ?? 'bench-only-secret-bench-only-secret-0123456789',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        QUIET_HOURS: 'off',
        RATE_LIMIT_PER_MINUTE: '100000000',
        LEADS_PORT: process.env.LEADS_PORT ?? '3101',
        NOTIFICATIONS_PORT: process.env.NOTIFICATIONS_PORT ?? '3102',
      },
    });
    say('services up; benchmarking');
    const run = spawnSync(NODE, ['dist/bench/src/run.js', ...args], {
      cwd: ROOT,
      env: { ...stack.env, LEADS_URL: stack.leadsUrl, NOTIFICATIONS_URL: stack.notificationsUrl },
      stdio: 'inherit',
    });
    exitCode = run.status ?? 1;
  } catch (error) {
    console.error(error.stack ?? error);
  } finally {
    await stopEverything();
  }
  process.exit(exitCode);
}

async function test(args) {
  let exitCode = 1;
  onSignals(async () => {
    await stopEverything();
    process.exit(130);
  });
  try {
    if (args.length === 0) typecheck(); // a full run; focused runs (with Jest args) skip it
    build();
    // Its own broker (TEST_KAFKA_PORT, default 9192) so tests can run beside `npm start`.
    // A fresh log dir too: every run starts with empty topics and no committed offsets.
    const testPort = Number(process.env.TEST_KAFKA_PORT ?? 9192);
    const testKafkaDir = path.join(ROOT, '.data', `kafka-test-${testPort}`);
    if (!process.env.KAFKA_BROKERS) await rm(testKafkaDir, { recursive: true, force: true });
    const brokers = await kafka(testPort, testKafkaDir);
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      KAFKA_BROKERS: brokers,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      LEADS_DATABASE_URL: withDatabaseName(process.env.LEADS_DATABASE_URL ?? DEFAULTS.LEADS_DATABASE_URL, '_test'),
      NOTIFICATIONS_DATABASE_URL: withDatabaseName(
        process.env.NOTIFICATIONS_DATABASE_URL ?? DEFAULTS.NOTIFICATIONS_DATABASE_URL,
        '_test',
      ),
      QUIET_HOURS: process.env.QUIET_HOURS ?? 'off',
    };
    await prepare(brokers, env, { fresh: true });
    if (args.length === 0) {
      say('checking the local broker runner (no orphan JVM)');
      const selfCheck = spawnSync(NODE, ['--test', 'deploy/local/kafka-broker.test.mjs'], { cwd: ROOT, env, stdio: 'inherit' });
      if (selfCheck.status !== 0) throw new Error('deploy/local/kafka-broker.test.mjs failed');
    }
    // A full run goes end-to-end first, on a quiet pipeline: integration suites leave thousands of
    // events behind (a 10,000-row CSV import), which the e2e services would otherwise have to wade through.
    const runs = args.length ? [args] : [['--selectProjects', 'unit', 'e2e'], ['--selectProjects', 'integration']];
    let failed = false;
    for (const runArgs of runs) {
      say(`running the test suites (${args.length ? 'as asked' : runArgs.slice(1).join(', ')})`);
      const jest = spawnSync(NODE, [...JEST, ...runArgs], { cwd: ROOT, env, stdio: 'inherit' });
      failed ||= jest.status !== 0;
    }
    exitCode = failed ? 1 : 0;
  } catch (error) {
    console.error(error.stack ?? error);
  } finally {
    await stopEverything();
  }
  process.exit(exitCode);
}

/**
 * `npm run test:faults`: the fault suite (test/faults) against the services as OS processes. It prepares its own
 * broker (FAULTS_KAFKA_PORT, default 10092) and fresh `_faults` databases, then hands the broker's port and log dir
 * to the suite, which starts, stops and restarts that broker itself (a broker outage is one of its faults).
 */
async function faults(args) {
  let exitCode = 1;
  onSignals(async () => {
    await stopEverything();
    process.exit(130);
  });
  try {
    build();
    const port = Number(process.env.FAULTS_KAFKA_PORT ?? 10092);
    const dataDir = path.join(ROOT, '.data', `kafka-faults-${port}`);
    await rm(dataDir, { recursive: true, force: true });
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      LEADS_DATABASE_URL: withDatabaseName(process.env.LEADS_DATABASE_URL ?? DEFAULTS.LEADS_DATABASE_URL, '_faults'),
      NOTIFICATIONS_DATABASE_URL: withDatabaseName(
        process.env.NOTIFICATIONS_DATABASE_URL ?? DEFAULTS.NOTIFICATIONS_DATABASE_URL,
        '_faults',
      ),
      QUIET_HOURS: 'off',
      FAULTS_KAFKA_PORT: String(port),
      FAULTS_KAFKA_DIR: dataDir,
    };
    say(`starting Kafka on 127.0.0.1:${port} to create the topics…`);
    const broker = await startKafkaBroker({ port, dataDir, log: (line) => say(`kafka: ${line}`) });
    cleanups.push(() => broker.stop());
    await prepare(broker.brokers, { ...env, KAFKA_BROKERS: broker.brokers }, { fresh: true });
    await broker.stop(); // the suite runs the broker from here on, on the same port and log dir
    say('running the fault suite (test/faults)');
    const jest = spawnSync(
      NODE,
      [
        '--experimental-vm-modules',
        '--no-warnings=ExperimentalWarning',
        'node_modules/jest/bin/jest.js',
        '--selectProjects',
        'faults',
        '--runInBand',
        '--forceExit',
        ...args,
      ],
      { cwd: ROOT, env, stdio: 'inherit' },
    );
    exitCode = jest.status ?? 1;
  } catch (error) {
    console.error(error.stack ?? error);
  } finally {
    await stopEverything();
  }
  process.exit(exitCode);
}

async function token(args) {
  const { values } = parseArgs({
    args,
    options: { role: { type: 'string', default: 'central_ops' }, sub: { type: 'string' }, name: { type: 'string' } },
  });
  if (!existsSync(path.join(ROOT, 'dist/libs/platform/src/auth.js'))) build();
  const { signDevToken } = await import(pathToFileURL(path.join(ROOT, 'dist/libs/platform/src/auth.js')));
  const { Roles } = await import(pathToFileURL(path.join(ROOT, 'dist/libs/contracts/src/index.js')));
  if (!Roles.includes(values.role)) {
    console.error(`Unknown role "${values.role}". Roles: ${Roles.join(', ')}`);
    process.exit(2);
  }
  const { loadConfig, commonEnv } = await import(pathToFileURL(path.join(ROOT, 'dist/libs/platform/src/config.js')));
  const { z } = await import('zod');
  const secret = loadConfig(z.object({ AUTH_JWT_SECRET: commonEnv.AUTH_JWT_SECRET })).AUTH_JWT_SECRET;
  const sub = values.sub ?? crypto.randomUUID();
  console.log(await signDevToken(secret, { sub, role: values.role, name: values.name ?? values.role }));
}

const [command = 'start', ...rest] = process.argv.slice(2);
const commands = {
  start,
  test: () => test(rest),
  token: () => token(rest),
  bench: () => bench(rest),
  faults: () => faults(rest),
};
if (!commands[command]) {
  console.error(`usage: stack.mjs start|test|bench|faults|token`);
  process.exit(2);
}
try {
  await commands[command]();
} catch (error) {
  console.error(error.stack ?? String(error));
  await stopEverything();
  process.exit(1);
}
