import { z } from 'zod';
import { exampleMessage } from './asyncapi-examples.js';
import { cloudEventSchema } from './envelope.js';
import { LeadEventTypes, LeadSubmittedType, leadSnapshotSchema } from './lead-events.js';
import { NotificationEventTypes, callLogSnapshotSchema } from './notification-events.js';
import { eventDataSchemas, type KnownEventType } from './registry.js';
import { ConsumerGroups, DlqHeaders, TopicPartitions, Topics, type TopicName } from './topics.js';

/** The services of the platform, as they appear in operations. */
export const AsyncApiServices = ['leads-service', 'notifications-service'] as const;
type Service = (typeof AsyncApiServices)[number];

/** What a topic carries and who writes and reads it (CONTRACT.md § Kafka). */
interface ChannelSpec {
  id: string;
  topic: TopicName;
  title: string;
  description: string;
  key: string;
  /** Event types on the topic; a dead-letter topic has none of its own (it keeps original values). */
  types: KnownEventType[];
  deadLetterOf?: TopicName;
  producers: Service[];
  consumers: Service[];
}

/** The topology of CONTRACT.md: one entry per topic (keyed by topic, so a new topic without one does not compile). */
const channelsByTopic: Record<TopicName, ChannelSpec> = {
  [Topics.LeadEvents]: {
    id: 'leadEvents',
    topic: Topics.LeadEvents,
    title: 'Lead events',
    description: 'Every change of a lead, with the full lead snapshot after the change (`data.lead`).',
    key: 'The lead id: all events of one lead are in one partition, in order.',
    types: Object.values(LeadEventTypes),
    producers: ['leads-service'],
    consumers: ['notifications-service'],
  },
  [Topics.InboundLeads]: {
    id: 'inboundLeads',
    topic: Topics.InboundLeads,
    title: 'Inbound leads',
    description: 'Leads handed over by upstream OEM systems; leads-service creates them idempotently by (sourceName, externalRef).',
    key: 'The source name and the externalRef of the lead.',
    types: [LeadSubmittedType],
    producers: [],
    consumers: ['leads-service'],
  },
  [Topics.InboundLeadsDlq]: {
    id: 'inboundLeadsDlq',
    topic: Topics.InboundLeadsDlq,
    title: 'Rejected inbound leads',
    description: 'Inbound messages leads-service could not accept: the original value, unchanged, with the reason in `x-error`.',
    key: 'As on the inbound topic.',
    types: [],
    deadLetterOf: Topics.InboundLeads,
    producers: ['leads-service'],
    consumers: [],
  },
  [Topics.NotificationEvents]: {
    id: 'notificationEvents',
    topic: Topics.NotificationEvents,
    title: 'Notification events',
    description: 'What happened to notifications (sent, delivered, failed) and calls that were logged.',
    key: 'The notification id, or the call log id for chargesol.call.logged.',
    types: Object.values(NotificationEventTypes),
    producers: ['notifications-service'],
    consumers: ['leads-service'],
  },
  [Topics.NotificationLeadEventsDlq]: {
    id: 'notificationLeadEventsDlq',
    topic: Topics.NotificationLeadEventsDlq,
    title: 'Lead events notifications-service could not process',
    description: 'Lead events that still failed after the bounded retries: the original value, unchanged, with the reason in `x-error`.',
    key: 'The lead id.',
    types: [],
    deadLetterOf: Topics.LeadEvents,
    producers: ['notifications-service'],
    consumers: [],
  },
  [Topics.LeadsNotificationEventsDlq]: {
    id: 'leadsNotificationEventsDlq',
    topic: Topics.LeadsNotificationEventsDlq,
    title: 'Notification events leads-service could not process',
    description: 'Notification events that still failed after the bounded retries in leads-service: the original value, unchanged, with the reason in `x-error`.',
    key: 'As on notifications.events.v1.',
    types: [],
    deadLetterOf: Topics.NotificationEvents,
    producers: ['leads-service'],
    consumers: [],
  },
};

/** The channels in a stable order (the order of Topics). */
export const asyncApiChannels: ChannelSpec[] = Object.values(Topics).map((topic) => channelsByTopic[topic]);

/** One-line meaning of each event type, for the document's readers. */
const eventSummaries: Record<KnownEventType, string> = {
  [LeadEventTypes.Created]: 'A lead was created (over HTTP, by CSV import or from an inbound message).',
  [LeadEventTypes.Updated]: 'Contact, address or charger fields of a lead changed; `changedFields` names them.',
  [LeadEventTypes.StatusChanged]: 'A lead moved in its lifecycle from `from` to `to`.',
  [LeadEventTypes.Assigned]: 'A lead was assigned to a field team member.',
  [LeadEventTypes.DocumentUploaded]: 'A document (electricity bill, location photo, …) was attached to a lead.',
  [LeadEventTypes.IntroCallCompleted]: 'The introductory call of a lead was logged as connected.',
  [LeadSubmittedType]: 'An upstream OEM system submits a lead; `sourceName` and `externalRef` are required.',
  [NotificationEventTypes.Sent]: 'A gateway accepted a notification.',
  [NotificationEventTypes.Delivered]: 'A gateway reported a notification delivered.',
  [NotificationEventTypes.Failed]: 'A notification failed for good (after retries, or a permanent gateway error).',
  [NotificationEventTypes.CallLogged]: 'A call (introductory, survey confirmation, …) was logged.',
};

/** `chargesol.lead.status_changed` → `leadStatusChanged`: a message id that reads well in tools. */
export function messageIdOf(type: string): string {
  const words = type.replace(/^chargesol\./, '').split(/[._]/);
  return words.map((word, i) => (i === 0 ? word : word[0]!.toUpperCase() + word.slice(1))).join('');
}

const pascal = (id: string) => id[0]!.toUpperCase() + id.slice(1);
const serviceKey = (service: Service) => service.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
const ref = (pointer: string) => ({ $ref: pointer });

/** Draft-07 JSON Schemas of the envelopes and shared snapshots, referencing one another under components.schemas. */
function buildSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  registry.add(leadSnapshotSchema, { id: 'LeadSnapshot' });
  registry.add(callLogSnapshotSchema, { id: 'CallLogSnapshot' });
  registry.add(cloudEventSchema, { id: 'CloudEvent' });
  for (const [type, data] of Object.entries(eventDataSchemas) as [KnownEventType, z.ZodType][]) {
    const envelope = cloudEventSchema.extend({ type: z.literal(type), data });
    registry.add(envelope, { id: pascal(messageIdOf(type)) });
  }
  // `input` describes what a producer may send: optional fields with defaults stay optional.
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-7',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, tidy(schema)]));
}

/**
 * Drops `$schema`/`$id` (the document is the context) and `additionalProperties: false` (consumers
 * ignore unknown fields, so producers may add fields). For readers, a `format` (uuid, date-time,
 * email) stands for zod's equivalent regex, and JSON's safe-integer bounds go without saying.
 */
function tidy(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(tidy);
  if (!schema || typeof schema !== 'object') return schema;
  const source = schema as Record<string, unknown>;
  const entries = Object.entries(source)
    .filter(([key, value]) => {
      if (key === '$schema' || key === '$id') return false;
      if (key === 'additionalProperties' && value === false) return false;
      if (key === 'pattern' && typeof source.format === 'string') return false;
      return !((key === 'minimum' || key === 'maximum') && Math.abs(Number(value)) === Number.MAX_SAFE_INTEGER);
    })
    .map(([key, value]) => [key, tidy(value)]);
  return Object.fromEntries(entries);
}

/** Kafka headers our outbox relays write; all optional for other producers. */
const eventHeaders = {
  type: 'object',
  properties: {
    'content-type': { type: 'string', const: 'application/cloudevents+json' },
    'ce-type': { type: 'string', description: 'The envelope\'s `type`.' },
    'ce-id': { type: 'string', description: 'The envelope\'s `id`.' },
    traceparent: {
      type: 'string',
      description:
        'W3C trace context of the change that produced the event (also in the envelope\'s `traceparent`); consumers continue the trace from it.',
    },
  },
};

function eventMessage(type: KnownEventType, channel: ChannelSpec) {
  const example = exampleMessage(type);
  return {
    name: type,
    title: type,
    summary: eventSummaries[type],
    contentType: 'application/json',
    headers: eventHeaders,
    payload: ref(`#/components/schemas/${pascal(messageIdOf(type))}`),
    examples: [{ name: messageIdOf(type), summary: `Kafka key: ${example.key}`, payload: example.value }],
    bindings: { kafka: { key: { type: 'string', description: channel.key }, bindingVersion: '0.5.0' } },
  };
}

function deadLetterMessage(channel: ChannelSpec) {
  return {
    name: `${channel.topic} message`,
    title: `Dead-lettered ${channel.deadLetterOf} message`,
    summary: `A message from ${channel.deadLetterOf}, kept byte for byte, that could not be processed.`,
    contentType: 'application/json',
    headers: {
      type: 'object',
      required: [DlqHeaders.Error, DlqHeaders.OriginalTopic],
      properties: {
        [DlqHeaders.Error]: { type: 'string', description: 'Why the message was dead-lettered (the last error).' },
        [DlqHeaders.OriginalTopic]: { type: 'string', const: channel.deadLetterOf, description: 'The topic it came from.' },
        // Written by consumeWithPolicy (libs/platform/src/kafka.ts) beside the two contract headers.
        'x-original-partition': { type: 'string', description: 'Partition of the original message.' },
        'x-original-offset': { type: 'string', description: 'Offset of the original message, to find or replay it.' },
        'x-truncated': { type: 'string', const: 'true', description: 'Present when the value was too large to dead-letter whole and was cut.' },
        'x-original-size': { type: 'string', description: 'With x-truncated: the size in bytes of the original value.' },
      },
    },
    payload: {
      description: `The original value, unchanged (the original headers are kept too): usually a CloudEvents envelope of ${channel.deadLetterOf}, but it may be the very value that was not valid JSON or not a valid event. Cut to its first 64 KiB when x-truncated is set.`,
    },
    bindings: { kafka: { key: { type: 'string', description: channel.key }, bindingVersion: '0.5.0' } },
  };
}

const groupOf: Record<Service, string> = {
  'leads-service': ConsumerGroups.LeadsInbound,
  'notifications-service': ConsumerGroups.Notifications,
};

function buildOperations(messageIdsOf: Record<string, string[]>) {
  const operations: Record<string, unknown> = {};
  for (const channel of asyncApiChannels) {
    const messages = messageIdsOf[channel.id]!.map((id) => ref(`#/channels/${channel.id}/messages/${id}`));
    for (const service of channel.producers) {
      operations[`${serviceKey(service)}Sends${pascal(channel.id)}`] = {
        action: 'send',
        channel: ref(`#/channels/${channel.id}`),
        title: `${service} publishes ${channel.title.toLowerCase()}`,
        summary: channel.deadLetterOf
          ? `${service} dead-letters what it could not process from ${channel.deadLetterOf}.`
          : `${service} publishes to ${channel.topic} through its transactional outbox (at least once, in order per key).`,
        messages,
      };
    }
    for (const service of channel.consumers) {
      operations[`${serviceKey(service)}Receives${pascal(channel.id)}`] = {
        action: 'receive',
        channel: ref(`#/channels/${channel.id}`),
        title: `${service} consumes ${channel.title.toLowerCase()}`,
        summary: `${service} reads ${channel.topic} in consumer group \`${groupOf[service]}\`: bounded retries, then the dead-letter topic, then the offset is committed. Unknown fields and types are ignored.`,
        messages,
        bindings: { kafka: { groupId: { type: 'string', enum: [groupOf[service]] }, bindingVersion: '0.5.0' } },
      };
    }
  }
  return operations;
}

/** The AsyncAPI 3.0 document of every topic and event of the contract, generated from this library. */
export function buildAsyncApiDocument() {
  const messages: Record<string, unknown> = {};
  const messageIdsOf: Record<string, string[]> = {};
  const channels: Record<string, unknown> = {};
  for (const channel of asyncApiChannels) {
    const ids: string[] = [];
    if (channel.deadLetterOf) {
      const id = `${channel.id}Message`;
      messages[id] = deadLetterMessage(channel);
      ids.push(id);
    }
    for (const type of channel.types) {
      const id = messageIdOf(type);
      messages[id] = eventMessage(type, channel);
      ids.push(id);
    }
    messageIdsOf[channel.id] = ids;
    channels[channel.id] = {
      address: channel.topic,
      title: channel.title,
      description: channel.description,
      messages: Object.fromEntries(ids.map((id) => [id, ref(`#/components/messages/${id}`)])),
      bindings: { kafka: { topic: channel.topic, partitions: TopicPartitions[channel.topic], bindingVersion: '0.5.0' } },
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'ChargeSol platform events',
      version: '1.0.0',
      description: [
        'Kafka topics and events of the ChargeSol platform (leads-service, notifications-service).',
        'Every message value is a CloudEvents 1.0 JSON envelope; `data` depends on `type`.',
        'Consumers ignore unknown fields and unknown types. Generated from libs/contracts',
        '(deploy/scripts/generate-docs.mjs); do not edit by hand.',
      ].join('\n'),
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The broker `npm start` runs (KAFKA_BROKERS).',
      },
      kubernetes: {
        host: 'chargesol-kafka-kafka-bootstrap:9092',
        protocol: 'kafka',
        description: 'The Strimzi cluster of deploy/k8s/overlays/prod, inside the cluster.',
      },
    },
    channels,
    operations: buildOperations(messageIdsOf),
    components: { schemas: buildSchemas(), messages },
  };
}
