import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { createCloudEvent, LeadEventTypes } from '#contracts';
import { summarize, type RunFigures } from './stats.js';

const { Kafka, logLevel } = kafkajs;

/**
 * Floor B: bare kafkajs producing lead-event envelopes to a topic of the same broker and a consumer
 * reading them back — produce-to-consume latency and the rate the pair sustains.
 */
export async function measureKafkaFloor(options: { brokers: string[]; messages: number; batchSize: number }): Promise<RunFigures> {
  const kafka = new Kafka({ clientId: 'bench-floor', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const topic = `bench.floor.${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 12, replicationFactor: 1 }], waitForLeaders: true });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `bench-floor-${randomUUID()}` });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  try {
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic, fromBeginning: true });
    let done!: () => void;
    const allConsumed = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key!.toString();
        JSON.parse(message.value!.toString()); // the consumer parses, as a real one would
        latencies.push(performance.now() - sentAt.get(key)!);
        if (latencies.length === options.messages) done();
      },
    });
    const started = performance.now();
    for (let offset = 0; offset < options.messages; offset += options.batchSize) {
      const batch = Array.from({ length: Math.min(options.batchSize, options.messages - offset) }, () => {
        const leadId = randomUUID();
        const event = createCloudEvent({ source: 'bench-floor', type: LeadEventTypes.Created, subject: leadId, data: { leadId } });
        sentAt.set(leadId, performance.now());
        return { key: leadId, value: JSON.stringify(event) };
      });
      await producer.send({ topic, messages: batch, acks: -1 });
    }
    await allConsumed;
    const elapsedS = (performance.now() - started) / 1000;
    return { rps: options.messages / elapsedS, ...summarize(latencies) };
  } finally {
    await Promise.allSettled([producer.disconnect(), consumer.disconnect()]);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}
