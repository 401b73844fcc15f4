import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MikroORM } from '@mikro-orm/postgresql';
import { Kafka, logLevel, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import { ConsumerGroups, createCloudEvent, type LeadSnapshot, Topics } from '#contracts';
import { signDevToken } from '#platform/auth';
import { createServiceApp } from '#platform/bootstrap';
import { NotificationsAppModule } from '../../src/app.module.js';
import { loadNotificationsConfig, type NotificationsConfig } from '../../src/config.js';
import { Clock } from '../../src/dispatch/clock.js';
import { skipGroupBacklog } from '../../../../test/support/consumer-group.js';

/** 12:00 IST: outside the default quiet hours, so tests do not depend on when they run. */
export const MIDDAY_IST = new Date('2026-11-21T12:00:00+05:30');

/** A notifications-service app on the test database and broker, with a settable clock. */
export interface Harness {
  app: NestFastifyApplication;
  config: NotificationsConfig;
  orm: MikroORM;
  /** The app's clock runs in real time from where `set` put it. */
  clock: { set(instant: Date): void; now(): Date };
  kafka: Kafka;
  producer: Producer;
  token(role?: string, sub?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(options: { consume?: boolean; env?: Record<string, string> } = {}): Promise<Harness> {
  const config = loadNotificationsConfig({
    ...process.env,
    DISPATCH_POLL_MS: '50',
    SEND_RETRY_BASE_MS: '20',
    QUIET_HOURS: '21:00-09:00',
    ...options.env,
  });
  if (options.consume) await skipGroupBacklog(config.KAFKA_BROKERS, ConsumerGroups.Notifications, [Topics.LeadEvents]);
  const app = await createServiceApp(NotificationsAppModule.register(config), {
    name: 'notifications-service',
    description: 'test',
    quiet: true,
    ...(options.consume
      ? { consumer: { clientId: 'notifications-service-test', brokers: config.KAFKA_BROKERS, groupId: ConsumerGroups.Notifications } }
      : {}),
  });
  let offsetMs = 0;
  const clock = {
    set: (instant: Date) => void (offsetMs = instant.getTime() - Date.now()),
    now: () => new Date(Date.now() + offsetMs),
  };
  clock.set(MIDDAY_IST);
  app.get(Clock).now = clock.now;
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  if (options.consume) await app.startAllMicroservices();
  const orm = app.get(MikroORM);
  const kafka = new Kafka({ clientId: `hn-test-${randomUUID().slice(0, 8)}`, brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return {
    app,
    config,
    orm: orm as unknown as MikroORM,
    clock,
    kafka,
    producer,
    token: (role = 'central_ops', sub = randomUUID()) => signDevToken(config.AUTH_JWT_SECRET, { sub, role: role as never, name: 'Test' }),
    close: async () => {
      await producer.disconnect();
      await app.close();
    },
  };
}

export { leadSnapshot, randomPhone } from '../../../../test/support/lead-snapshot.js';

/** A lead event envelope as leads-service publishes it. */
export function leadEvent(type: string, lead: LeadSnapshot, extra: Record<string, unknown> = {}) {
  return createCloudEvent({ source: 'leads-service', type, subject: lead.id, data: { lead, actor: null, ...extra } });
}

export async function produceLeadEvent(producer: Producer, event: { subject?: string } | string, key?: string): Promise<void> {
  const value = typeof event === 'string' ? event : JSON.stringify(event);
  await producer.send({ topic: Topics.LeadEvents, messages: [{ key: key ?? (typeof event === 'string' ? 'poison' : event.subject), value }] });
}

/** Polls until `probe` returns a truthy value (or throws with what it last saw). */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Collects every message of a topic from the beginning, with a throwaway group. */
export async function collectTopic(kafka: Kafka, topic: string): Promise<{ messages: KafkaMessage[]; stop: () => Promise<void> }> {
  const consumer: Consumer = kafka.consumer({ groupId: `hn-collector-${randomUUID()}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
  return { messages, stop: () => consumer.disconnect() };
}
