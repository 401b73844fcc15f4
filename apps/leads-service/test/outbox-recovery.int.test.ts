import { Topics } from '#contracts';
import { randomUUID } from 'node:crypto';
import { createSource, eventOf, leadBody, startLeadsApp, TopicReader, waitForOutboxDrained } from './support.js';

describe('outbox with Kafka unreachable', () => {
  it('creates still return 201, and every event arrives exactly once once Kafka is reachable', async () => {
    // Rows other tests left unpublished would only delay ours: publish them first.
    const before = await startLeadsApp();
    await waitForOutboxDrained(before, 180_000);
    await before.close();

    // The same database, but a broker address where nothing listens: Kafka is "down".
    const down = await startLeadsApp({ env: { KAFKA_BROKERS: '127.0.0.1:9' } });
    const ops = `Bearer ${await down.token('central_ops')}`;
    const source = await createSource(down);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await down.http().post('/api/v1/leads').set('authorization', ops).send(leadBody(source.id, { oemId: randomUUID() }));
      expect(response.status).toBe(201);
      ids.push(response.body.id);
    }
    const metrics = await down.http().get('/metrics');
    const backlog = Number(/^leads_outbox_backlog_messages(?:\{[^}]*\})? (\d+)/m.exec(metrics.text)?.[1]);
    expect(backlog).toBeGreaterThanOrEqual(5);
    await down.close();

    // Kafka is back: a replica that can reach it publishes the backlog. The reader joins first
    // (it reads from the end of the topic), so it cannot miss what the relay sends at start-up.
    const reader = await TopicReader.start(before.config.KAFKA_BROKERS, Topics.LeadEvents);
    const up = await startLeadsApp();
    try {
      const ours = (m: { key: Buffer | null }) => ids.includes(m.key?.toString() ?? '');
      await reader.waitFor(ours, ids.length, 60_000);
      // A marker created afterwards is published after every earlier row (position order), so
      // once it arrives a duplicate of ours would have arrived too.
      const marker = await up.http().post('/api/v1/leads').set('authorization', ops).send(leadBody(source.id, { oemId: randomUUID() }));
      await reader.waitFor((m) => m.key?.toString() === marker.body.id, 1, 60_000);
      const received = reader.messages.filter(ours).map(eventOf);
      expect(received.map((e) => e.subject).sort()).toEqual([...ids].sort());
      expect(received.every((e) => e.type === 'chargesol.lead.created')).toBe(true);
      const lag = await up.http().get('/metrics');
      expect(lag.text).toMatch(/leads_outbox_publish_lag_seconds_count(?:\{[^}]*\})? [1-9]/);
    } finally {
      await reader.stop();
      await up.close();
    }
  }, 300_000);
});

describe('outbox relay wake-up', () => {
  it('publishes as soon as the transaction that queued an event commits, not at the next poll', async () => {
    // A poll interval no test would wait for: only the commit subscriber can have woken the relay.
    const app = await startLeadsApp({ env: { OUTBOX_POLL_MS: '60000' } });
    const reader = await TopicReader.start(app.config.KAFKA_BROKERS, Topics.LeadEvents);
    try {
      await waitForOutboxDrained(app, 60_000);
      const ops = `Bearer ${await app.token('central_ops')}`;
      const source = await createSource(app);
      const created = await app.http().post('/api/v1/leads').set('authorization', ops).send(leadBody(source.id, { oemId: randomUUID() }));
      expect(created.status).toBe(201);
      await reader.waitFor((m) => m.key?.toString() === created.body.id, 1, 30_000);
      // A transition is a separate transaction with its own event: it wakes the relay as well.
      const assigned = await app
        .http()
        .post(`/api/v1/leads/${created.body.id}/assignment`)
        .set('authorization', ops)
        .send({ assignedToId: randomUUID() });
      expect(assigned.status).toBeLessThan(300);
      await reader.waitFor((m) => m.key?.toString() === created.body.id, 2, 30_000);
    } finally {
      await reader.stop();
      await app.close();
    }
  }, 120_000);
});
