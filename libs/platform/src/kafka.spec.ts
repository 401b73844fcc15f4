import kafkajs from 'kafkajs';
import { isStaleProducerError } from './kafka.js';

const { KafkaJSProtocolError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } = kafkajs as unknown as Record<
  string,
  new (e: unknown, options?: unknown) => Error
>;

const protocolError = (type: string, code: number) => new KafkaJSProtocolError({ message: type.toLowerCase(), type, code, retriable: false });

describe('isStaleProducerError', () => {
  it('recognises the refusals that only a new producer id cures, however kafkajs wraps them', () => {
    const outOfOrder = protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', 45);
    expect(isStaleProducerError(outOfOrder)).toBe(true);
    expect(isStaleProducerError(new KafkaJSNumberOfRetriesExceeded(outOfOrder, { retryCount: 5, retryTime: 1000 }))).toBe(true);
    // kafkajs' retrier wraps what it gives up on as KafkaJSNonRetriableError(e, { cause: e.cause || e }).
    const unknown = protocolError('UNKNOWN_PRODUCER_ID', 59);
    expect(isStaleProducerError(new KafkaJSNonRetriableError(unknown, { cause: unknown }))).toBe(true);
    expect(isStaleProducerError(protocolError('INVALID_PRODUCER_EPOCH', 47))).toBe(true);
  });

  it('leaves other failures (broker down, unknown topic) to the ordinary retry', () => {
    expect(isStaleProducerError(protocolError('UNKNOWN_TOPIC_OR_PARTITION', 3))).toBe(false);
    expect(isStaleProducerError(protocolError('NOT_LEADER_FOR_PARTITION', 6))).toBe(false);
    expect(isStaleProducerError(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'))).toBe(false);
    expect(isStaleProducerError(undefined)).toBe(false);
  });
});
