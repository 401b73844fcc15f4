import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type KafkaOptions, type KafkaContext, Transport } from '@nestjs/microservices';
import { type Admin, type IHeaders, Kafka, logLevel, type Producer, type Message } from 'kafkajs';
import { DlqHeaders, InvalidEventError } from '#contracts';
import { consumedEvents } from './metrics.js';
import { DomainError } from './problem.js';
import { contextFromHeaders, contextFromTraceparent, inSpan, markFailed, SpanKind } from './tracing.js';

const kafkaLogger = new Logger('Kafka');

/** Longest a produce request may take (kafkajs retries inside it) before the producer is replaced. */
const SEND_DEADLINE_MS = 30_000;

class SendDeadlineError extends Error {
  constructor() {
    super(`Kafka send did not complete within ${SEND_DEADLINE_MS} ms`);
  }
}

/**
 * Errors after which an idempotent producer cannot go on: its producer id / sequence numbers no
 * longer match the broker's (typically after a broker restart lost or fenced its state). kafkajs
 * keeps retrying with the same stale state forever; only a new producer (a new producer id) helps.
 */
const PRODUCER_STATE_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'PRODUCER_FENCED',
]);

/** Whether a send failed because the producer's idempotence state is stale (see PRODUCER_STATE_ERRORS). */
export function isStaleProducerError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { type, cause } = error as { type?: unknown; cause?: unknown };
  if (typeof type === 'string' && PRODUCER_STATE_ERRORS.has(type)) return true;
  return isStaleProducerError(cause, depth + 1);
}

/** Routes kafkajs' own log lines to the Nest logger (warnings and errors only). */
const logCreator = () => (entry: { level: number; log: { message: string; [k: string]: unknown } }) => {
  const { message, ...rest } = entry.log;
  if (entry.level === logLevel.ERROR) kafkaLogger.error({ ...rest }, message);
  else if (entry.level === logLevel.WARN) kafkaLogger.warn({ ...rest }, message);
};

export interface KafkaSettings {
  clientId: string;
  brokers: string[];
}

/**
 * One kafkajs client per process: an idempotent producer whose sends are serialized
 * (kafkajs' idempotent producer must not have concurrent send() calls) and an admin for health.
 */
export class KafkaConnection implements OnApplicationShutdown {
  readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;
  private sendChain: Promise<unknown> = Promise.resolve();

  constructor(readonly settings: KafkaSettings) {
    this.kafka = new Kafka({
      clientId: settings.clientId,
      brokers: settings.brokers,
      logLevel: logLevel.WARN,
      logCreator,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
    });
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      return producer;
    })().catch((error) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }

  /** Sends messages to one topic, in order, acknowledged by all in-sync replicas. */
  send(topic: string, messages: Message[]): Promise<void> {
    return this.sendBatch([{ topic, messages }]);
  }

  /**
   * Sends messages to several topics as one batch, in order per topic. Sends run one at a time;
   * each has a deadline, and a send that misses it (a producer wedged by a broker restart) fails
   * and the next send starts from a new producer, so one hung request never stalls every later one.
   * A send refused for stale idempotence state (out-of-order sequence after a broker restart) also
   * replaces the producer; kafkajs alone would repeat the refusal forever.
   */
  sendBatch(topicMessages: { topic: string; messages: Message[] }[]): Promise<void> {
    const run = this.sendChain.then(async () => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SendDeadlineError()), SEND_DEADLINE_MS);
      });
      try {
        await Promise.race([
          this.connectedProducer().then((producer) => producer.sendBatch({ topicMessages, acks: -1 })),
          deadline,
        ]);
      } catch (error) {
        if (error instanceof SendDeadlineError) this.replaceProducer('a Kafka send missed its deadline');
        else if (isStaleProducerError(error)) this.replaceProducer(`the producer's idempotence state is stale (${(error as Error).message})`);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    });
    this.sendChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Drops the current producer; the next send starts a new one, with a new producer id. Rows the
   * failed send may still have written are sent again: at least once, and consumers dedupe by id.
   */
  private replaceProducer(reason: string): void {
    kafkaLogger.warn(`${reason}; starting a new producer`);
    const wedged = this.producer;
    this.producer = undefined;
    void wedged?.then((producer) => producer.disconnect()).catch(() => undefined);
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      return admin;
    })().catch((error) => {
      this.admin = undefined;
      throw error;
    });
    return this.admin;
  }

  /** Lag of a consumer group per partition: the partition's end offset minus the group's committed offset. */
  async consumerLag(groupId: string, topics: string[]): Promise<{ topic: string; partition: number; lag: number }[]> {
    const admin = await this.connectedAdmin();
    const committed = await admin.fetchOffsets({ groupId, topics });
    const lags = await Promise.all(
      committed.map(async ({ topic, partitions }) => {
        const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
        return partitions.map(({ partition, offset }) => {
          const end = ends.get(partition) ?? 0;
          const at = Number(offset);
          // -1: nothing committed yet; the group starts from the beginning (fromBeginning: true).
          return { topic, partition, lag: Math.max(0, end - (at < 0 ? 0 : at)) };
        });
      }),
    );
    return lags.flat();
  }

  /** Answers when the cluster answers a metadata call within the timeout. */
  async ping(timeoutMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const admin = await Promise.race([this.connectedAdmin(), timeout]);
      await Promise.race([admin.describeCluster(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sendChain;
    const [producer, admin] = await Promise.allSettled([this.producer, this.admin]);
    if (producer.status === 'fulfilled') await producer.value?.disconnect();
    if (admin.status === 'fulfilled') await admin.value?.disconnect();
  }
}

/** Options for the Kafka transport (KeyOrderedKafkaServer) of a hybrid app: commits after processing, raw values, fixed group id. */
export function kafkaConsumerOptions(settings: KafkaSettings & { groupId: string }): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: {
        clientId: `${settings.clientId}-consumer`,
        brokers: settings.brokers,
        logLevel: logLevel.WARN,
        logCreator,
        retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
      },
      consumer: {
        groupId: settings.groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
      },
      subscribe: { fromBeginning: true },
      // Up to 12 partitions' fetched batches at a time, each handled by KeyOrderedKafkaServer (per
      // key in order, different keys side by side). A batch's offsets are resolved only once all of
      // its messages were handled — after their database commits (or DLQ writes) — and committed
      // at least every second: one OffsetCommit per batch rather than per message. A crash
      // redelivers what was processed but not yet committed; the inboxes make that harmless.
      run: { autoCommit: true, autoCommitInterval: 1_000, partitionsConsumedConcurrently: 12 },
      parser: { keepBinary: true },
      postfixId: '',
    },
  };
}

export interface ConsumePolicy {
  /** Dead-letter topic for messages that cannot be processed. */
  dlqTopic: string;
  /** Attempts before a failing message is dead-lettered (default 3). */
  maxAttempts?: number;
  /** First retry delay; doubles on each attempt, with jitter (default 200 ms). */
  baseDelayMs?: number;
}

/** True when retrying cannot help: the message itself is wrong. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof InvalidEventError ||
    (error instanceof DomainError && ['invalid', 'not_found', 'conflict', 'forbidden'].includes(error.kind))
  );
}

function reasonOf(error: unknown): string {
  if (error instanceof InvalidEventError) return error.reason;
  if (error instanceof DomainError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** How much of an oversized poison message its DLQ copy keeps. */
const DLQ_TRUNCATED_BYTES = 64 * 1024;

function isMessageTooLarge(error: unknown): boolean {
  const err = error as { type?: string; message?: string; cause?: unknown } | undefined;
  if (!err) return false;
  if (err.type === 'MESSAGE_TOO_LARGE' || /too large|MESSAGE_TOO_LARGE/i.test(err.message ?? '')) return true;
  return isMessageTooLarge(err.cause);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function headerText(headers: IHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/**
 * The trace context and event id of a message: the `traceparent` / `ce-id` headers, else the
 * envelope's own `traceparent` / `id` (producers that set no headers).
 */
function messageOrigin(value: Buffer | null, headers: IHeaders) {
  let parent = contextFromHeaders(headers);
  let eventId = headerText(headers, 'ce-id');
  if (headers.traceparent === undefined || eventId === undefined) {
    try {
      const envelope = JSON.parse(value?.toString('utf8') ?? 'null') as { id?: unknown; traceparent?: unknown } | null;
      if (headers.traceparent === undefined && typeof envelope?.traceparent === 'string') {
        parent = contextFromTraceparent(envelope.traceparent);
      }
      if (eventId === undefined && typeof envelope?.id === 'string') eventId = envelope.id;
    } catch {
      // Not JSON: the handler rejects it; its span starts a new trace.
    }
  }
  return { parent, eventId: eventId?.slice(0, 100) };
}

/**
 * Runs one Kafka message through `handle` with the platform's policy: bounded retries with
 * backoff for transient failures, the DLQ (with `x-error` and `x-original-topic`) for permanent
 * ones and for those that keep failing; the offset is marked for commit only when this resolves.
 * The partition always moves on, except when even the DLQ cannot be written (then the message is
 * redelivered).
 */
export async function consumeWithPolicy(
  ctx: KafkaContext,
  connection: KafkaConnection,
  policy: ConsumePolicy,
  handle: (value: Buffer | null, headers: IHeaders) => Promise<'processed' | 'skipped'>,
  logger: Logger,
): Promise<void> {
  const message = ctx.getMessage();
  const topic = ctx.getTopic();
  const partition = ctx.getPartition();
  const maxAttempts = policy.maxAttempts ?? 3;
  const baseDelay = policy.baseDelayMs ?? 200;
  const value = (message.value as Buffer | null) ?? null;
  const where = { topic, partition, offset: message.offset };
  const { parent, eventId } = messageOrigin(value, message.headers ?? {});
  const correlationId = headerText(message.headers ?? {}, 'x-correlation-id') ?? eventId;

  // A consumer span continuing the producer's trace, active for the handler: its log lines carry
  // the trace id, the event id and a correlation id (the message's, else the event id).
  await inSpan(
    `process ${topic}`,
    {
      kind: SpanKind.CONSUMER,
      parent,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition),
        'messaging.kafka.offset': Number(message.offset),
        ...(eventId ? { 'messaging.message.id': eventId } : {}),
      },
      logFields: { ...(eventId ? { eventId } : {}), ...(correlationId ? { correlationId } : {}) },
    },
    async (span) => {
      for (let attempt = 1; ; attempt++) {
        try {
          const outcome = await handle(value, message.headers ?? {});
          consumedEvents.inc({ topic, outcome });
          break;
        } catch (error) {
          const permanent = isPermanent(error);
          if (!permanent && attempt < maxAttempts) {
            consumedEvents.inc({ topic, outcome: 'retried' });
            logger.warn({ ...where, attempt, err: reasonOf(error) }, 'message failed, retrying');
            const delay = baseDelay * 2 ** (attempt - 1);
            await sleep(delay / 2 + Math.random() * delay);
            await ctx.getHeartbeat()();
            continue;
          }
          const reason = reasonOf(error);
          markFailed(span, reason);
          logger.error({ ...where, attempts: attempt, reason }, 'message dead-lettered');
          const headers = {
            ...(message.headers ?? {}),
            [DlqHeaders.Error]: reason.slice(0, 2_000),
            [DlqHeaders.OriginalTopic]: topic,
            'x-original-partition': String(partition),
            'x-original-offset': String(message.offset),
          };
          const key = message.key as Buffer | null;
          try {
            await connection.send(policy.dlqTopic, [{ key, value, headers }]);
          } catch (error) {
            if (!isMessageTooLarge(error)) throw error;
            // The original filled the broker's size limit; with our headers it no longer fits. Keep the
            // start of it rather than block the partition forever.
            await connection.send(policy.dlqTopic, [
              {
                key,
                value: value?.subarray(0, DLQ_TRUNCATED_BYTES) ?? null,
                headers: { ...headers, 'x-truncated': 'true', 'x-original-size': String(value?.length ?? 0) },
              },
            ]);
          }
          consumedEvents.inc({ topic, outcome: 'dead_lettered' });
          break;
        }
      }
    },
  );
}
