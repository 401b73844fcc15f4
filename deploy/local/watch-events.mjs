// Prints the CloudEvents of a topic as they arrive, one line each — the README walkthrough's "watch its event".
// It reads from the end of the topic in a throwaway consumer group, so it never disturbs the services' groups.
//
//   npm run -s events                                  # leads.lead-events.v1
//   npm run -s events -- --topic notifications.events.v1 [--from-beginning]
//
// KAFKA_BROKERS as for the services (default 127.0.0.1:9092). Ctrl-C stops it.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';

const { values } = parseArgs({
  options: {
    topic: { type: 'string', default: 'leads.lead-events.v1' },
    'from-beginning': { type: 'boolean', default: false },
  },
});
const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
const kafka = new kafkajs.Kafka({ clientId: 'watch-events', brokers, logLevel: kafkajs.logLevel.ERROR });
const consumer = kafka.consumer({ groupId: `watch-events-${randomUUID()}` });

const stop = async () => {
  await consumer.disconnect().catch(() => undefined);
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

await consumer.connect();
await consumer.subscribe({ topic: values.topic, fromBeginning: values['from-beginning'] });
console.error(`watching ${values.topic} on ${brokers.join(',')} (Ctrl-C stops)`);
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    let line;
    try {
      const event = JSON.parse(message.value?.toString('utf8') ?? 'null');
      line = `${event.time} ${event.type} subject=${event.subject} id=${event.id}`;
      if (event.data?.lead) line += ` status=${event.data.lead.status}`;
      if (event.data?.to) line += ` to=${event.data.to}`;
      if (event.data?.channel) line += ` channel=${event.data.channel} status=${event.data.status ?? ''}`;
    } catch {
      line = `(not JSON, ${message.value?.length ?? 0} bytes)`;
    }
    console.log(`[p${partition}@${message.offset}] ${line}`);
  },
});
