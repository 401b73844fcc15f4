// Self-check for kafka-broker.mjs against a real broker (downloads Kafka on the first run):
//   node_modules/node/bin/node deploy/local/kafka-broker.test.mjs
// Uses ports 19092-19097 so it does not collide with a dev broker on 9092.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import kafkajs from 'kafkajs';
import { ensureKafkaInstalled, ensureTopics, startKafkaBroker } from './kafka-broker.mjs';

const { Kafka, Partitioners, logLevel } = kafkajs;
const MODULE_URL = new URL('./kafka-broker.mjs', import.meta.url).href;

let tmp;
before(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'kafka-broker-test-'));
  await ensureKafkaInstalled({ log: (m) => console.log(`# ${m}`) });
});
after(() => rm(tmp, { recursive: true, force: true }));

/** Live (non-zombie) processes whose command line mentions `needle`. */
async function processesMentioning(needle) {
  const found = [];
  for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      const state = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.[0];
      if (cmdline.includes(needle) && state !== 'Z') found.push(Number(pid));
    } catch {
      // the process went away while we looked
    }
  }
  return found;
}

async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('second install is instant and offline', async () => {
  const started = Date.now();
  const { version } = await ensureKafkaInstalled({ log: () => assert.fail('should not download again') });
  assert.match(version, /^4\./);
  assert.ok(Date.now() - started < 500);
});

test('starts a broker, creates a topic, produces and consumes, stops without leftovers', async () => {
  const dataDir = path.join(tmp, 'broker-a');
  const broker = await startKafkaBroker({ dataDir, port: 19092, log: (m) => console.log(`# ${m}`) });
  try {
    assert.equal(broker.brokers, '127.0.0.1:19092');
    assert.deepEqual(await processesMentioning(`${dataDir}/server.properties`), [broker.pid]);

    // A second broker on the same port is refused with a message naming the port.
    await assert.rejects(
      startKafkaBroker({ dataDir: path.join(tmp, 'other'), port: 19092, log: () => {} }),
      /Kafka broker is already running on 127\.0\.0\.1:19092/,
    );

    await ensureTopics(broker.brokers, [{ topic: 'selfcheck', numPartitions: 3 }]);
    await ensureTopics(broker.brokers, [{ topic: 'selfcheck', numPartitions: 3 }]); // idempotent

    const kafka = new Kafka({ clientId: 'selfcheck', brokers: [broker.brokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: ['selfcheck'] });
    await admin.disconnect();
    assert.equal(topics[0].partitions.length, 3);

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'selfcheck', messages: [{ key: 'k', value: 'hello' }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: 'selfcheck' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'selfcheck', fromBeginning: true });
    const received = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within 30 s')), 30_000);
      consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(message.value.toString());
        },
      });
    });
    await consumer.disconnect();
    assert.equal(received, 'hello');
  } finally {
    await broker.stop();
    await broker.stop(); // idempotent
  }
  assert.deepEqual(await processesMentioning(`${dataDir}/server.properties`), []);
});

test('a busy port is reported clearly', async () => {
  const server = net.createServer().listen(19096, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    await assert.rejects(
      startKafkaBroker({ dataDir: path.join(tmp, 'busy'), port: 19096, log: () => {} }),
      /port 19096 .* already in use/,
    );
  } finally {
    server.close();
  }
});

test('SIGKILLing the Node process that started a broker leaves no JVM behind', async () => {
  const dataDir = path.join(tmp, 'broker-b');
  const script = `
    import { startKafkaBroker } from ${JSON.stringify(MODULE_URL)};
    const { pid } = await startKafkaBroker({ dataDir: ${JSON.stringify(dataDir)}, port: 19094, log: () => {} });
    console.log(JSON.stringify({ pid }));
    setInterval(() => {}, 60_000); // stay alive until killed
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const childExited = new Promise((r) => child.once('exit', r));
  try {
    const jvmPid = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line).pid);
      });
      child.once('exit', (code) => reject(new Error(`child exited (${code}) before the broker was ready`)));
    });
    assert.deepEqual(await processesMentioning(`${dataDir}/server.properties`), [jvmPid]);

    child.kill('SIGKILL');
    await childExited;
    await waitFor(
      async () => (await processesMentioning(`${dataDir}/server.properties`)).length === 0,
      5_000,
      `JVM ${jvmPid} to die after its parent was SIGKILLed`,
    );
  } finally {
    child.kill('SIGKILL');
  }
});
