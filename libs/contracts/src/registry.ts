import { z } from 'zod';
import { cloudEventSchema, describeIssues, type CloudEvent } from './envelope.js';
import { LeadSubmittedType, leadEventDataSchemas, leadSubmittedDataSchema } from './lead-events.js';
import { notificationEventDataSchemas } from './notification-events.js';

/** Every event type of the contract with the schema of its `data`. */
export const eventDataSchemas = {
  ...leadEventDataSchemas,
  ...notificationEventDataSchemas,
  [LeadSubmittedType]: leadSubmittedDataSchema,
} as const;

export type KnownEventType = keyof typeof eventDataSchemas;
export type KnownEvent<T extends KnownEventType = KnownEventType> = {
  [K in T]: CloudEvent<K, z.infer<(typeof eventDataSchemas)[K]>>;
}[T];

export function isKnownEventType(type: string): type is KnownEventType {
  return Object.hasOwn(eventDataSchemas, type);
}

/** Why a message could not be read as an event of the contract. */
export class InvalidEventError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidEventError';
  }
}

export type ParsedMessage =
  | { kind: 'known'; event: KnownEvent }
  | { kind: 'unknown'; event: CloudEvent };

/**
 * Parses a raw Kafka value into an envelope and, for a type of the contract, its data.
 * Unknown fields are tolerated; a type this contract does not know comes back as `unknown`
 * so consumers can skip it. Anything else throws InvalidEventError naming the field.
 */
export function parseMessage(value: Buffer | string | null | undefined): ParsedMessage {
  if (value === null || value === undefined || value.length === 0) {
    throw new InvalidEventError('message has no value');
  }
  let json: unknown;
  try {
    json = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    throw new InvalidEventError('message value is not JSON');
  }
  const envelope = cloudEventSchema.safeParse(json);
  if (!envelope.success) {
    throw new InvalidEventError(`invalid CloudEvents envelope: ${describeIssues(envelope.error)}`);
  }
  const event = envelope.data as CloudEvent;
  if (!isKnownEventType(event.type)) return { kind: 'unknown', event };
  const data = eventDataSchemas[event.type].safeParse(event.data);
  if (!data.success) {
    throw new InvalidEventError(`invalid ${event.type}: ${describeIssues(data.error, 'data')}`);
  }
  return { kind: 'known', event: { ...event, data: data.data } as KnownEvent };
}

/** Narrows a parsed event to one type. */
export function isEventOfType<T extends KnownEventType>(
  event: KnownEvent,
  type: T,
): event is Extract<KnownEvent, { type: T }> {
  return event.type === type;
}
