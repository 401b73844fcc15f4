import kafkajs from 'kafkajs';

/**
 * Moves a consumer group's committed offsets to the end of its topics, so a suite's consumer starts
 * with only the messages the suite itself produces. Earlier suites leave thousands of events behind
 * (a 10,000-row CSV import), which a consumer would otherwise have to work through first.
 * Only for tests: it must run while the group has no members.
 */
export async function skipGroupBacklog(brokers: string[], groupId: string, topics: string[]): Promise<void> {
  const kafka = new kafkajs.Kafka({ clientId: 'test-skip-backlog', brokers, logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId, topic, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) });
    }
  } finally {
    await admin.disconnect();
  }
}
