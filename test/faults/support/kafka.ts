import path from 'node:path';
import { pathToFileURL } from 'node:url';
import kafkajs from 'kafkajs';
import { ConsumerGroups, createCloudEvent, LeadEventTypes, Topics } from '#contracts';
import { leadSnapshot } from '../../support/lead-snapshot.js';
import { track } from './processes.js';

interface BrokerHandle {
  brokers: string;
  stop: () => Promise<void>;
}
interface BrokerModule {
  startKafkaBroker: (options: { port: number; dataDir: string; log?: (line: string) => void }) => Promise<BrokerHandle>;
}

/**
 * The suite's own broker on the port and log dir `npm run test:faults` prepared (topics already created),
 * which a scenario may stop and start again to cut Kafka off.
 */
export class FaultBroker {
  private handle: BrokerHandle | null = null;
  private tracked: { stop: () => Promise<unknown> } | null = null;
  readonly brokers: string;

  constructor(
    private readonly port: number,
    private readonly dataDir: string,
  ) {
    this.brokers = `127.0.0.1:${port}`;
  }

  /** True between start() and stop(). */
  get running(): boolean {
    return this.handle !== null;
  }

  /** Starts the broker and resolves when it answers metadata requests. */
  async start(): Promise<void> {
    const module = (await import(pathToFileURL(path.join(process.cwd(), 'deploy/local/kafka-broker.mjs')).href)) as BrokerModule;
    this.handle = await module.startKafkaBroker({ port: this.port, dataDir: this.dataDir, log: () => undefined });
    this.tracked = track(() => this.handle?.stop() ?? Promise.resolve());
  }

  /** Stops the broker (SIGTERM, then SIGKILL after its grace period); its data stays for the next start. */
  async stop(): Promise<void> {
    await this.tracked?.stop();
    this.handle = null;
    this.tracked = null;
  }
}

/** A kafkajs client on the suite's broker. */
export function kafkaClient(brokers: string): kafkajs.Kafka {
  return new kafkajs.Kafka({ clientId: 'faults-suite', brokers: brokers.split(','), logLevel: kafkajs.logLevel.NOTHING });
}

/** The customer every fault-suite lead has, with its own phone number (and an email made from it). */
export function faultTestCustomer(phone: string) {
  return {
    customerName: 'Fault Test Customer',
    customerPhone: phone,
    customerEmail: `customer.${phone.slice(1)}@example.com`,
    addressLine1: '1 Test Road',
    city: 'Pune',
    state: 'Maharashtra',
    pincode: '411001',
  };
}

/** A valid `chargesol.lead.created` event for a fresh lead with a unique phone number and an email. */
export function leadCreatedEvent(phone: string) {
  const now = new Date().toISOString();
  const leadId = crypto.randomUUID();
  const lead = leadSnapshot({
    id: leadId,
    ...faultTestCustomer(phone),
    createdAt: now,
    updatedAt: now,
  });
  return createCloudEvent({ source: 'faults-suite', type: LeadEventTypes.Created, subject: leadId, data: { lead, actor: null } });
}

/** Unique Indian mobile numbers (E.164) for this run: a random block per run, then a counter. */
export function phoneNumbers(): () => string {
  let next = 0;
  const block = 7_000_000 + Math.floor(Math.random() * 2_000) * 1_000;
  return () => `+919${String(block * 100 + next++).padStart(9, '0').slice(-9)}`;
}

/**
 * Produces `count` lead.created events on leads.lead-events.v1 (key = lead id) in batches, one batch at a time,
 * and returns their ids as soon as Kafka acknowledged each batch (`onBatch` sees the running total).
 */
export async function produceLeadCreated(
  brokers: string,
  count: number,
  nextPhone: () => string,
  onBatch: (produced: number) => void = () => undefined,
): Promise<string[]> {
  const producer = kafkaClient(brokers).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const ids: string[] = [];
  try {
    for (let offset = 0; offset < count; offset += 250) {
      const events = Array.from({ length: Math.min(250, count - offset) }, () => leadCreatedEvent(nextPhone()));
      await producer.send({
        topic: Topics.LeadEvents,
        acks: -1,
        messages: events.map((event) => ({ key: event.subject, value: JSON.stringify(event) })),
      });
      ids.push(...events.map((event) => event.id));
      onBatch(ids.length);
    }
  } finally {
    await producer.disconnect();
  }
  return ids;
}

/** Lag of the notifications consumer group on lead events: 0 when every message is committed. */
export async function notificationsLag(brokers: string): Promise<number> {
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(Topics.LeadEvents);
    const [committed] = await admin.fetchOffsets({ groupId: ConsumerGroups.Notifications, topics: [Topics.LeadEvents] });
    const at = new Map(committed.partitions.map((partition) => [partition.partition, Number(partition.offset)]));
    return ends.reduce((lag, end) => lag + Math.max(0, Number(end.high) - Math.max(0, at.get(end.partition) ?? 0)), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Members of the notifications group and how many lead-event partitions each holds. */
export async function notificationsGroupMembers(brokers: string): Promise<{ clientHost: string; partitions: number }[]> {
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([ConsumerGroups.Notifications]);
    return (groups[0]?.members ?? []).map((member) => {
      let partitions = 0;
      try {
        const assignment = kafkajs.AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        partitions = assignment?.assignment[Topics.LeadEvents]?.length ?? 0;
      } catch {
        // an empty assignment during a rebalance
      }
      return { clientHost: member.clientHost, partitions };
    });
  } finally {
    await admin.disconnect();
  }
}
