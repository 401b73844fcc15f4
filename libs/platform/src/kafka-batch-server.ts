import { type KafkaOptions, ServerKafka } from '@nestjs/microservices';
import type { Consumer, KafkaMessage } from 'kafkajs';

/** Key chains of one fetched batch that are handled at the same time. */
const CHAINS_PER_BATCH = 8;

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
export class KeyOrderedKafkaServer extends ServerKafka {
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
        await inKeyOrder(batch.messages, (message) =>
          this.handleMessage({ topic: batch.topic, partition: batch.partition, message, heartbeat, pause }),
        );
      },
    });
  }
}
