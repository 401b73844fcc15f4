// A real single-node Kafka (KRaft) broker for local runs and tests, without Docker:
// the broker's jars come from Maven Central (deploy/local/kafka/pom.xml) and run on the
// machine's JDK. Plain ESM JavaScript so it runs on Node 24 with no build step.
//
//   const { brokers, stop } = await startKafkaBroker({ port: 9092 });
//   await ensureTopics(brokers, [{ topic: 'leads.events', numPartitions: 3 }]);
//   ...
//   await stop();
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');
const POM = path.join(HERE, 'kafka', 'pom.xml');
const TEMPLATE = path.join(HERE, 'kafka', 'server.properties.template');
const SETPRIV = '/usr/bin/setpriv';
const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 15_000;

export const DEFAULT_CACHE_DIR = path.join(REPO_ROOT, '.cache', 'kafka');

const defaultLog = (msg) => console.error(`[kafka] ${msg}`);

/** The Kafka version pinned in the pom; the jar name tells whether the cache holds it. */
async function kafkaVersion() {
  const pom = await readFile(POM, 'utf8');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (!version) throw new Error(`no <kafka.version> in ${POM}`);
  return version;
}

/**
 * Makes sure `<cacheDir>/libs` holds the broker's classpath. The first run downloads
 * ~45 MB through Maven; later runs only check that the Kafka jar is there (offline).
 */
export async function ensureKafkaInstalled({ cacheDir = DEFAULT_CACHE_DIR, log = defaultLog } = {}) {
  const version = await kafkaVersion();
  const libs = path.join(cacheDir, 'libs');
  const jar = path.join(libs, `kafka_2.13-${version}.jar`);
  if (existsSync(jar)) return { libs, version };

  await mkdir(cacheDir, { recursive: true });
  await removeStaleTempDirs(cacheDir);
  // Download next to the final folder and rename it into place when Maven has finished,
  // so an interrupted download never looks like a complete classpath.
  const tmp = path.join(cacheDir, `libs.tmp-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  log(`downloading Kafka ${version} jars from Maven Central into ${libs} (first run only)…`);
  const started = Date.now();
  try {
    await run('mvn', ['-q', '-B', 'dependency:copy-dependencies', '-f', POM, `-DoutputDirectory=${tmp}`]);
    if (!existsSync(path.join(tmp, `kafka_2.13-${version}.jar`))) {
      throw new Error(`Maven finished but kafka_2.13-${version}.jar is not in ${tmp}`);
    }
    // A folder from an older version is moved aside first: rename() cannot replace a non-empty dir.
    if (existsSync(libs)) {
      const old = `${libs}.old-${process.pid}`;
      await rename(libs, old);
      await rm(old, { recursive: true, force: true });
    }
    await rename(tmp, libs);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    // Another process may have installed the same version concurrently; that's fine.
    if (existsSync(jar)) return { libs, version };
    throw err;
  }
  log(`Kafka ${version} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { libs, version };
}

/** Removes `libs.tmp-<pid>` / `libs.old-<pid>` folders left by processes that no longer exist. */
async function removeStaleTempDirs(cacheDir) {
  for (const name of await readdir(cacheDir)) {
    const pid = Number(/^libs\.(?:tmp|old)-(\d+)$/.exec(name)?.[1]);
    if (pid && !isAlive(pid)) await rm(path.join(cacheDir, name), { recursive: true, force: true });
  }
}

/**
 * Starts a broker+controller on 127.0.0.1:<port> (controller on <port+1>) with its data in
 * `dataDir`, and resolves once it answers metadata requests.
 * Returns `{ brokers: '127.0.0.1:<port>', stop, pid }`; `stop()` is idempotent.
 */
export async function startKafkaBroker({
  cacheDir = DEFAULT_CACHE_DIR,
  dataDir,
  port = 9092,
  log = defaultLog,
  heap = '512m',
} = {}) {
  dataDir = path.resolve(dataDir ?? path.join(cacheDir, 'data', String(port)));
  const controllerPort = port + 1;
  const brokers = `127.0.0.1:${port}`;

  await assertPortFree(port, 'broker');
  await assertPortFree(controllerPort, 'controller');

  const { libs } = await ensureKafkaInstalled({ cacheDir, log });
  const classpath = `${libs}/*`; // the JVM expands the wildcard itself
  const logDir = path.join(dataDir, 'kraft-logs');
  const propsFile = path.join(dataDir, 'server.properties');
  const logFile = path.join(dataDir, 'broker.log');
  await mkdir(logDir, { recursive: true });

  const escape = (v) => v.replaceAll('\\', '\\\\'); // Java .properties treats '\' as escape
  const props = (await readFile(TEMPLATE, 'utf8'))
    .replaceAll('{{PORT}}', String(port))
    .replaceAll('{{CONTROLLER_PORT}}', String(controllerPort))
    .replaceAll('{{LOG_DIRS}}', escape(logDir));
  await writeFile(propsFile, props);

  // Format once. The cluster id lives in meta.properties from then on, so a fresh random one is fine.
  if (!existsSync(path.join(logDir, 'meta.properties'))) {
    const clusterId = randomBytes(16).toString('base64url'); // Kafka's Uuid text form
    log(`formatting ${logDir} (cluster id ${clusterId})`);
    await run('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile]);
  }

  const jvmArgs = [
    `-Xmx${heap}`,
    '-Xms64m',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    '-Dorg.slf4j.simpleLogger.showDateTime=true',
    '-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS',
    '-cp',
    classpath,
    'kafka.Kafka',
    propsFile,
  ];
  if (!existsSync(SETPRIV)) log(`${SETPRIV} not found: the JVM may outlive this process if it is SIGKILLed`);

  // The JVM writes straight into the file (not through a pipe), so it never blocks or gets
  // SIGPIPE on a full/closed pipe, and the terminal stays quiet.
  const logHandle = await open(logFile, 'w');
  let child;
  try {
    child = spawnTied('java', jvmArgs, { stdio: ['ignore', logHandle.fd, logHandle.fd] });
  } finally {
    await logHandle.close(); // the child has its own copy of the fd
  }
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ error }));
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  log(`starting broker on ${brokers} (pid ${child.pid}, log ${logFile})`);

  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM'); // Kafka shuts down cleanly on SIGTERM
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    })());

  try {
    await waitUntilReady(brokers, exited, logFile);
  } catch (err) {
    await stop();
    throw err;
  }
  log(`broker ready on ${brokers}`);
  return { brokers, stop, pid: child.pid };
}

/** Polls describeCluster until the broker answers; rejects at once if the JVM exits. */
async function waitUntilReady(brokers, exited, logFile) {
  let exit;
  exited.then((e) => (exit = e));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError;
  while (!exit && Date.now() < deadline) {
    try {
      const { brokers: members } = await withAdmin(brokers, (admin) => admin.describeCluster(), {
        connectionTimeout: 1000,
        requestTimeout: 2000,
        retry: { retries: 0 },
      });
      if (members.length > 0) return;
    } catch (err) {
      lastError = err;
    }
    // Poll interval, raced with the JVM's exit so a crash is reported immediately.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 250))]);
  }
  const tail = (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-31).join('\n');
  const why = exit
    ? exit.error
      ? `could not be spawned: ${exit.error.message}`
      : `exited early (code ${exit.code}, signal ${exit.signal})`
    : `did not answer within ${READY_TIMEOUT_MS / 1000} s (last error: ${lastError?.message})`;
  throw new Error(`Kafka broker on ${brokers} ${why}. Last lines of ${logFile}:\n${tail}`);
}

/**
 * Creates the topics that do not exist yet (replication factor 1) and waits for their leaders.
 * `topics`: [{ topic, numPartitions }]. Existing topics are left as they are.
 */
export async function ensureTopics(brokers, topics) {
  await withAdmin(brokers, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter(({ topic }) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      topics: missing.map(({ topic, numPartitions }) => ({ topic, numPartitions, replicationFactor: 1 })),
      waitForLeaders: true,
    });
  });
}

async function withAdmin(brokers, fn, clientOptions = {}) {
  const kafka = new Kafka({
    clientId: 'local-kafka-broker',
    brokers: [brokers],
    logLevel: logLevel.NOTHING, // connection errors while polling are expected; callers get exceptions
    ...clientOptions,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Fails with a clear message if something already listens on 127.0.0.1:<port>. */
async function assertPortFree(port, role) {
  const inUse = await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err) => (err.code === 'EADDRINUSE' ? resolve(true) : reject(err)));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(false)));
  });
  if (!inUse) return;
  const isKafka = await withAdmin(`127.0.0.1:${port}`, (a) => a.describeCluster(), {
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  }).then(
    () => true,
    () => false,
  );
  throw new Error(
    isKafka
      ? `Cannot start a Kafka broker: a Kafka broker is already running on 127.0.0.1:${port}. ` +
          `Stop it, or use it instead of starting one.`
      : `Cannot start a Kafka broker: port ${port} (${role} listener) on 127.0.0.1 is already in use ` +
          `by another program (see \`ss -ltnp 'sport = :${port}'\`). Choose another port.`,
  );
}

/**
 * spawn() whose child can never outlive this Node process. setpriv sets PR_SET_PDEATHSIG and
 * then execs the command (same pid), so the kernel SIGKILLs the child when this process dies
 * for any reason, even SIGKILL. Without setpriv (e.g. macOS) the command runs unwrapped.
 * detached: false keeps it in our process group, so Ctrl-C reaches it too.
 */
function spawnTied(command, args, options) {
  return existsSync(SETPRIV)
    ? spawn(SETPRIV, ['--pdeathsig', 'SIGKILL', '--', command, ...args], { ...options, detached: false })
    : spawn(command, args, { ...options, detached: false });
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Runs a command to completion; rejects with its output if it fails. */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawnTied(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', (err) =>
      reject(new Error(`cannot run ${command} (${err.message}); is it installed and on PATH?`)),
    );
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${output}`)),
    );
  });
}
