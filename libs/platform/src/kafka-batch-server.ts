import { type KafkaOptions, ServerKafka } from '@nestjs/microservices';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { consumedEvents } from './metrics.js';

/**
 * Key chains of one fetched batch that are handled at the same time. With 12 partitions that is up
 * to 384 messages in flight, which is what lets a group commit fill: at 8 a batch never held more
 * than 96 events, and the notifications pipeline measured about half the rate.
 */
const CHAINS_PER_BATCH = 32;

/**
 * Handles a partition's fetched messages: those with the same key one after another in offset
 * order, different keys side by side (at most `concurrency` keys at a time). Resolves when every
 * message was handled; rejects with the first failure, but only after all the others settled.
 */
export async function inKeyOrder(
  messages: readonly KafkaMessage[],
  handle: (message: KafkaMessage) => Promise<unknown>,
  concurrency = CHAINS_PER_BATCH,
): Promise<void> {
  const chains = new Map<string, KafkaMessage[]>();
  for (const message of messages) {
    // A message without a key is ordered with the other keyless ones.
    const key = message.key ? message.key.toString('latin1') : '';
    const chain = chains.get(key);
    if (chain) chain.push(message);
    else chains.set(key, [message]);
  }
  const pending = [...chains.values()];
  const failures: unknown[] = [];
  const worker = async () => {
    for (let chain = pending.shift(); chain; chain = pending.shift()) {
      try {
        for (const message of chain) await handle(message);
      } catch (error) {
        // The rest of this key waits for the redelivery: its order is kept.
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
  if (failures.length) throw failures[0];
}

/**
 * Nest's Kafka server, taking a fetched batch at a time instead of a message at a time. With one
 * message per partition in flight, a consumer could never have more events in progress — and in a
 * group commit — than it has partitions. Here the messages of a batch are handled as `inKeyOrder`
 * says, so per key (per lead) the order holds; the batch's offsets are resolved, and auto-committed,
 * only after all of its messages were handled: after their database commits or DLQ writes. A batch
 * that fails (a message that could not even be dead-lettered) is fetched again, and the inboxes
 * make the redelivery of its handled messages harmless.
 */
/**
 * The `@EventPattern` extras of a consumer that handles only some event types of its topic:
 * `@EventPattern(topic, { eventTypes: [...] })`. A message whose `ce-type` header (the CloudEvents
 * Kafka binding's type) names another type is skipped before it is parsed or routed; it is some
 * other consumer's event, and whether its body is well formed is that consumer's business. A
 * message without the header still goes to the handler, which validates it (and dead-letters it).
 */
export interface EventTypeFilter {
  eventTypes?: readonly string[];
}

/** Whether a message of `topic` is skipped unread under its handler's `eventTypes`. */
export function isForOthers(message: KafkaMessage, eventTypes: ReadonlySet<string> | undefined): boolean {
  if (!eventTypes) return false;
  const header = message.headers?.['ce-type'];
  const type = Array.isArray(header) ? header[0] : header;
  return type !== undefined && !eventTypes.has(type.toString());
}

export class KeyOrderedKafkaServer extends ServerKafka {
  /** Per topic, the event types its handler reads (from its EventTypeFilter), or undefined for all. */
  private readonly eventTypes = new Map<string, ReadonlySet<string> | undefined>();

  constructor(options: Required<KafkaOptions>['options']) {
    super(options);
  }

  override async bindEvents(consumer: Consumer): Promise<void> {
    const topics = [...this.messageHandlers.keys()];
    if (topics.length > 0) await consumer.subscribe({ ...(this.options.subscribe ?? {}), topics });
    await consumer.run({
      ...(this.options.run ?? {}),
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, heartbeat, pause }) => {
        const eventTypes = this.eventTypesOf(batch.topic);
        const messages = batch.messages.filter((message) => !isForOthers(message, eventTypes));
        const skipped = batch.messages.length - messages.length;
        if (skipped) consumedEvents.inc({ topic: batch.topic, outcome: 'skipped' }, skipped);
        await inKeyOrder(messages, (message) =>
          this.handleMessage({ topic: batch.topic, partition: batch.partition, message, heartbeat, pause }),
        );
      },
    });
  }

  private eventTypesOf(topic: string): ReadonlySet<string> | undefined {
    if (!this.eventTypes.has(topic)) {
      const types = (this.messageHandlers.get(topic)?.extras as EventTypeFilter | undefined)?.eventTypes;
      this.eventTypes.set(topic, types ? new Set(types) : undefined);
    }
    return this.eventTypes.get(topic);
  }
}
