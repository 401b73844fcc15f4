import { Counter, Gauge, Histogram } from 'prom-client';

let countBacklog: (() => Promise<number>) | undefined;

/** Lets the running relay answer the backlog gauge at scrape time. */
export function measureBacklogWith(count: (() => Promise<number>) | undefined): void {
  countBacklog = count;
}

/** Events written but not yet on Kafka (counted when /metrics is scraped). */
export const outboxBacklog = new Gauge({
  name: 'leads_outbox_backlog_messages',
  help: 'Outbox events not yet published to Kafka',
  async collect() {
    if (countBacklog) this.set(await countBacklog().catch(() => -1));
  },
});

/** Time from the commit of a change to its event being acknowledged by Kafka. */
export const outboxPublishLag = new Histogram({
  name: 'leads_outbox_publish_lag_seconds',
  help: 'Seconds between an outbox event being written and published',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
});

/** Events published by the relay. */
export const outboxPublished = new Counter({
  name: 'leads_outbox_published_total',
  help: 'Outbox events published to Kafka since start',
});
