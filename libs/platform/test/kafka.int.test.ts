import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import { KafkaConnection } from '../src/kafka.js';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

describe('KafkaConnection (real broker)', () => {
  const connection = new KafkaConnection({ clientId: 'platform-kafka-test', brokers });
  const kafka = new kafkajs.Kafka({ clientId: 'platform-kafka-test-setup', brokers, logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();

  beforeAll(() => admin.connect());
  afterAll(async () => {
    await admin.disconnect();
    await connection.onApplicationShutdown();
  });

  it('measures a consumer group lag as end offset minus committed offset, per partition', async () => {
    const topic = `platform.lag.${randomUUID()}`;
    const groupId = `platform-lag-${randomUUID()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
    await connection.send(topic, [0, 1, 2, 3, 4].map((n) => ({ key: 'same-key', value: String(n), partition: 0 })));
    await connection.send(topic, [{ value: 'x', partition: 1 }]);
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '1' }] });

    const lags = await connection.consumerLag(groupId, [topic]);
    expect(lags.sort((a, b) => a.partition - b.partition)).toEqual([
      { topic, partition: 0, lag: 3 },
      { topic, partition: 1, lag: 0 },
    ]);
  }, 30_000);
});
