import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import request from 'supertest';
import { ConsumerGroups, type Role } from '#contracts';
import { signDevToken } from '#platform/auth';
import { createServiceApp } from '#platform/bootstrap';
import { LeadsAppModule } from '../src/app.module.js';
import { loadLeadsConfig, type LeadsConfig } from '../src/config.js';

/** A running leads-service (not listening on a port) for supertest, on the real PostgreSQL and Kafka. */
export interface TestApp {
  app: NestFastifyApplication;
  config: LeadsConfig;
  http: () => ReturnType<typeof request>;
  token: (role: Role, sub?: string) => Promise<string>;
  close: () => Promise<void>;
}

export async function startLeadsApp(
  options: { env?: Record<string, string>; consumer?: boolean } = {},
): Promise<TestApp> {
  const config = loadLeadsConfig({ ...process.env, ...options.env });
  const app = await createServiceApp(LeadsAppModule.register(config), {
    name: 'leads-service',
    description: 'test',
    quiet: true,
    uploadLimit: 10 * 1024 * 1024,
    bodyLimit: 12 * 1024 * 1024,
    ...(options.consumer
      ? { consumer: { clientId: 'leads-service', brokers: config.KAFKA_BROKERS, groupId: ConsumerGroups.LeadsInbound } }
      : {}),
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  if (options.consumer) await app.startAllMicroservices();
  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    token: (role, sub = randomUUID()) => signDevToken(config.AUTH_JWT_SECRET, { sub, role, name: role }),
    close: () => app.close(),
  };
}

/** A leads-service, a central_ops Authorization header and a lead source: where most API tests start. */
export async function startLeadsAppWithSource(): Promise<{ t: TestApp; ops: string; sourceId: number }> {
  const t = await startLeadsApp();
  return { t, ops: `Bearer ${await t.token('central_ops')}`, sourceId: (await createSource(t)).id };
}

/** A unique suffix so tests never collide with rows of earlier runs (the test database is kept). */
export const unique = () => randomUUID().slice(0, 8);

/** A random valid Indian mobile number. */
export const indianMobile = () => `+919${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;

/** A valid create body for a source. */
export function leadBody(sourceId: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customerName: `Asha Rao ${unique()}`,
    customerPhone: indianMobile(),
    customerEmail: `asha.${unique()}@example.com`,
    addressLine1: '12 MG Road',
    city: 'Bengaluru',
    state: 'Karnataka',
    pincode: '560001',
    latitude: 12.9715987,
    longitude: 77.5945627,
    sourceId,
    chargerModel: 'AC 7.4 kW',
    ...extra,
  };
}

/** Creates a lead source through the API and returns its id. */
export async function createSource(t: TestApp, extra: Record<string, unknown> = {}): Promise<{ id: number; name: string }> {
  const name = `Source ${unique()}`;
  const response = await t
    .http()
    .post('/api/v1/lead-sources')
    .set('authorization', `Bearer ${await t.token('central_ops')}`)
    .send({ name, sourceType: 'api', ...extra })
    .expect(201);
  return response.body;
}

/** Reads a topic from the moment it joined: every message produced afterwards is collected. */
export class TopicReader {
  readonly messages: KafkaMessage[] = [];
  private constructor(private readonly consumer: Consumer) {}

  static async start(brokers: string[], topic: string): Promise<TopicReader> {
    const kafka = new Kafka({ clientId: `test-${unique()}`, brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `test-${unique()}` });
    const reader = new TopicReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: async ({ message }) => {
        reader.messages.push(message);
      },
    });
    await joined;
    return reader;
  }

  /** Waits until `count` collected messages match, and returns them (fails after `timeoutMs`). */
  async waitFor(match: (message: KafkaMessage) => boolean, count = 1, timeoutMs = 30_000): Promise<KafkaMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.filter(match);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`only ${found.length} of ${count} expected messages arrived`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** Parses a collected message's CloudEvent value. */
export const eventOf = (message: KafkaMessage) => JSON.parse(message.value!.toString('utf8'));

/** Waits until the relay has published every outbox row (the backlog gauge of /metrics reads 0). */
export async function waitForOutboxDrained(t: TestApp, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metrics = await t.http().get('/metrics');
    const backlog = Number(/^leads_outbox_backlog_messages(?:\{[^}]*\})? (-?\d+)/m.exec(metrics.text)?.[1]);
    if (backlog === 0) return;
    if (Date.now() > deadline) throw new Error(`outbox backlog still ${backlog}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
