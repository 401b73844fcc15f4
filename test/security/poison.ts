import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Kafka, logLevel, type Consumer, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import { createCloudEvent, DlqHeaders } from '#contracts';
import { hostileValue } from './hostile.js';

/** Header that tags each produced test message, so its dead-lettered copy can be found again. */
export const POISON_ID = 'x-hostile-id';

/** The poison run's seed (HOSTILE_SEED to repeat one) and how many messages it sends (HOSTILE_POISON_COUNT). */
export const POISON_SEED = Number(process.env.HOSTILE_SEED ?? Date.now() % 1_000_000);
export const POISON_COUNT = Number(process.env.HOSTILE_POISON_COUNT ?? 40);

/** Headers that tag a message with `id` (see POISON_ID). */
export const poisonTag = (id: string) => ({ [POISON_ID]: id });

/** One poison message: its raw value (null is a tombstone) and what kind of poison it is. */
export interface Poison {
  kind: string;
  value: Buffer | null;
}

/**
 * Poison for a topic whose good messages are `valid()` envelopes of `type`: random bytes, text
 * that is not JSON, JSON that is not an envelope, a broken envelope, and the right type with wrong
 * data (`breakData` makes sure at least one required field is wrong).
 */
export function poisonMessages(
  valid: () => ReturnType<typeof createCloudEvent>,
  breakData: fc.Arbitrary<(data: Record<string, unknown>) => unknown>,
): fc.Arbitrary<Poison> {
  const json = (kind: string) => (value: unknown) => ({ kind, value: Buffer.from(JSON.stringify(value) ?? 'null') });
  return fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 500 }).map((bytes) => ({ kind: 'random bytes', value: Buffer.from(bytes) })),
    fc
      .oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }), fc.constantFrom('{', '{"type":', '[1,', 'undefined', '\u0000'))
      .filter((text) => {
        try {
          JSON.parse(text);
          return false;
        } catch {
          return true;
        }
      })
      .map((text) => ({ kind: 'not JSON', value: Buffer.from(text, 'utf8') })),
    // No `type` key: a JSON object with a string type is an (unknown-type) event to a consumer that peeks at it.
    fc
      .jsonValue({ maxDepth: 3 })
      .filter((v) => !(v && typeof v === 'object' && ('specversion' in v || 'type' in v)))
      .map(json('JSON, not an envelope')),
    fc
      .tuple(
        fc.constantFrom('specversion', 'id', 'source', 'type', 'time', 'data'),
        fc.constantFrom<unknown>(undefined, null, 42, true, {}, [], ''),
      )
      // An empty string type is left out: leads-service's inbound consumer treats it as an unknown type (skipped).
      .filter(([field, value]) => !(field === 'type' && value === ''))
      .map(([field, value]) => {
        const envelope: Record<string, unknown> = { ...valid() };
        // Every value here is wrong for every envelope field (data: only its absence is checked here).
        if (value === undefined || field === 'data') delete envelope[field];
        else envelope[field] = value;
        return json(`envelope with a bad ${field}`)(envelope);
      }),
    breakData.map((breaker) => {
      const envelope = valid();
      return json('envelope with wrong data')({ ...envelope, data: breaker(envelope.data as Record<string, unknown>) });
    }),
  );
}

/** Hostile values small enough for a Kafka message (the broker refuses values over 1 MB). */
const messageSized = hostileValue.filter((value) => (JSON.stringify(value) ?? '').length < 100_000);

/**
 * Replaces one required field of `data` with a wrong value (null, 42, true, {}, [], …) or drops it;
 * other fields get hostile values too. List only fields for which none of those values is valid.
 */
export function breakRequired(required: string[], optional: string[] = []): fc.Arbitrary<(data: Record<string, unknown>) => unknown> {
  return fc
    .tuple(
      fc.constantFrom(...required),
      fc.option(fc.constantFrom<unknown>(null, 42, true, {}, [], { nested: 'x' }, -1.5), { nil: undefined }),
      fc.dictionary(fc.constantFrom(...(optional.length ? optional : required)), messageSized, { maxKeys: 2 }),
    )
    .map(([field, wrong, noise]) => (data: Record<string, unknown>) => {
      const broken: Record<string, unknown> = { ...data, ...noise };
      if (wrong === undefined) delete broken[field];
      else broken[field] = wrong;
      return broken;
    });
}

/** Reads a topic from now on, collecting every message. */
export class TopicTap {
  readonly messages: KafkaMessage[] = [];
  private constructor(private readonly consumer: Consumer) {}

  static async start(brokers: string[], topic: string): Promise<TopicTap> {
    const kafka = new Kafka({ clientId: `hostile-tap-${randomUUID().slice(0, 8)}`, brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `hostile-tap-${randomUUID()}` });
    const tap = new TopicTap(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({ eachMessage: async ({ message }) => void tap.messages.push(message) });
    await joined;
    return tap;
  }

  /** The collected message tagged `id`, waiting for it up to `timeoutMs`. */
  async tagged(id: string, timeoutMs = 60_000): Promise<KafkaMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((m) => m.headers?.[POISON_ID]?.toString() === id);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`message ${id} never arrived (${this.messages.length} others did)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  has(id: string): boolean {
    return this.messages.some((m) => m.headers?.[POISON_ID]?.toString() === id);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

/** A plain producer for tests (not idempotent: poison is sent once and its order is kept by the one key). */
export async function testProducer(brokers: string[]): Promise<{ producer: Producer; stop: () => Promise<void> }> {
  const kafka = new Kafka({ clientId: `hostile-producer-${randomUUID().slice(0, 8)}`, brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
  await producer.connect();
  return { producer, stop: () => producer.disconnect() };
}

/** Sends messages one at a time, in order (one key keeps them on one partition), each well under the broker's size limit. */
export async function sendInOrder(producer: Producer, topic: string, messages: Message[]): Promise<void> {
  for (const message of messages) await producer.send({ topic, messages: [message] });
}

/** Poison samples drawn reproducibly (the seed is printed by the test on failure). */
export function samplePoison(arbitrary: fc.Arbitrary<Poison>, count: number, seed: number): Poison[] {
  return fc.sample(arbitrary, { numRuns: count, seed });
}

/** Sends the poison in order on one key, each tagged with a fresh id; returns the ids, in the same order. */
export async function sendTaggedPoison(producer: Producer, topic: string, key: string, poison: Poison[]): Promise<string[]> {
  const ids = poison.map(() => randomUUID());
  await sendInOrder(producer, topic, poison.map((p, i) => ({ key, value: p.value, headers: poisonTag(ids[i]) })));
  return ids;
}

/** Each poison message is in the DLQ unchanged, with an `x-error` and its original topic. */
export async function expectDeadLettered(dlq: TopicTap, poison: Poison[], ids: string[], originalTopic: string): Promise<void> {
  for (const [i, p] of poison.entries()) {
    const dead = await dlq.tagged(ids[i]);
    expect({ kind: p.kind, value: dead.value?.toString('base64') ?? null }).toEqual({ kind: p.kind, value: p.value?.toString('base64') ?? null });
    expect(dead.headers?.[DlqHeaders.Error]?.toString()).toBeTruthy();
    expect(dead.headers?.[DlqHeaders.OriginalTopic]?.toString()).toBe(originalTopic);
  }
}
