import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { buildAsyncApiDocument, messageIdOf } from './asyncapi.js';
import { eventDataSchemas, parseMessage } from './registry.js';
import { DlqHeaders, TopicPartitions, Topics } from './topics.js';

const require = createRequire(import.meta.url);
const asyncApiSpecs = require('@asyncapi/specs') as { schemas: Record<string, object> };
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ROOT = path.resolve(import.meta.dirname, '../../..');

const document = buildAsyncApiDocument() as any;

/** Validates against the official AsyncAPI 3.0.0 JSON Schema, as the AsyncAPI parser does (ajv, non-strict). */
function asyncApiErrors(doc: unknown): string[] {
  // The AsyncAPI schema bundles the draft-07 meta-schema itself; Ajv's own copy would clash with it.
  const ajv = new Ajv({ strict: false, allErrors: true, meta: false, validateSchema: false });
  addFormats(ajv);
  const validate = ajv.compile(asyncApiSpecs.schemas['3.0.0']!);
  return validate(doc) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`);
}

describe('buildAsyncApiDocument', () => {
  it('is a valid AsyncAPI 3.0.0 document', () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(asyncApiErrors(document)).toEqual([]);
  });

  it('would be rejected by the schema check when broken (the check can fail)', () => {
    const broken = structuredClone(document);
    broken.channels.leadEvents.bindings.kafka.partitions = 0;
    delete broken.info.version;
    broken.components.schemas.LeadSnapshot.properties.city.type = 'text';
    const errors = asyncApiErrors(broken).join('\n');
    expect(errors).toContain('/channels/leadEvents/bindings/kafka/partitions');
    expect(errors).toContain("/info must have required property 'version'");
    expect(errors).toContain('/components/schemas/LeadSnapshot/properties/city/type');
  });

  it('has no dangling $ref, and operations only use messages of their channel', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) key === '$ref' ? refs.push(value as string) : walk(value);
      }
    };
    walk(document);
    const resolve = (pointer: string) =>
      pointer.slice(2).split('/').reduce((node: any, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
    expect(refs.filter((pointer) => resolve(pointer) === undefined)).toEqual([]);
    for (const operation of Object.values(document.operations) as any[]) {
      const channel = operation.channel.$ref;
      for (const message of operation.messages) expect(message.$ref.startsWith(`${channel}/messages/`)).toBe(true);
    }
  });

  it('has one channel per contract topic, with its partition count', () => {
    const channels = Object.values(document.channels) as any[];
    expect(channels.map((c) => c.address).sort()).toEqual(Object.values(Topics).sort());
    for (const channel of channels) expect(channel.bindings.kafka.partitions).toBe(TopicPartitions[channel.address as keyof typeof TopicPartitions]);
  });

  it('has a message for every event type, its payload the envelope with that type and its data schema', () => {
    for (const type of Object.keys(eventDataSchemas)) {
      const message = document.components.messages[messageIdOf(type)];
      expect(message.name).toBe(type);
      const schemaId = message.payload.$ref.replace('#/components/schemas/', '');
      const payload = document.components.schemas[schemaId];
      expect(payload.properties.type).toEqual({ type: 'string', const: type });
      expect(payload.properties.specversion).toEqual({ type: 'string', const: '1.0' });
      expect(payload.required).toEqual(expect.arrayContaining(['specversion', 'id', 'source', 'type', 'time', 'data']));
      expect(payload.properties.data.type).toBe('object');
    }
  });

  it('gives every event message an example that both the contract and the published JSON Schema accept', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const type of Object.keys(eventDataSchemas)) {
      const message = document.components.messages[messageIdOf(type)];
      const [example] = message.examples;
      expect(parseMessage(JSON.stringify(example.payload))).toMatchObject({ kind: 'known', event: { type } });
      const validate = ajv.compile({ $ref: message.payload.$ref, components: document.components });
      expect(validate(example.payload) ? [] : validate.errors).toEqual([]);
      expect(validate({ ...example.payload, data: [] })).toBe(false);
      expect(validate({ ...example.payload, specversion: '0.3' })).toBe(false);
    }
  });

  it('shares the lead snapshot, and status changes carry from and to', () => {
    const statusChanged = document.components.schemas.LeadStatusChanged.properties.data;
    expect(statusChanged.properties.lead).toEqual({ $ref: '#/components/schemas/LeadSnapshot' });
    expect(statusChanged.required).toEqual(expect.arrayContaining(['lead', 'from', 'to']));
    expect(document.components.schemas.LeadSnapshot.properties.status.enum).toContain('new');
  });

  it('lets producers add fields: no schema forbids unknown properties', () => {
    expect(JSON.stringify(document.components.schemas)).not.toContain('"additionalProperties":false');
  });

  it('describes the dead-letter topics with their x-error and x-original-topic headers', () => {
    const originals: Record<string, string> = {
      [Topics.InboundLeadsDlq]: Topics.InboundLeads,
      [Topics.NotificationLeadEventsDlq]: Topics.LeadEvents,
      [Topics.LeadsNotificationEventsDlq]: Topics.NotificationEvents,
    };
    expect(Object.values(Topics).filter((topic) => topic.includes('.dlq.')).sort()).toEqual(Object.keys(originals).sort());
    for (const [dlq, original] of Object.entries(originals)) {
      const channel = Object.values(document.channels).find((c: any) => c.address === dlq) as any;
      const [messageRef] = Object.values(channel.messages) as { $ref: string }[];
      const message = document.components.messages[messageRef!.$ref.split('/').pop()!];
      expect(message.headers.required).toEqual([DlqHeaders.Error, DlqHeaders.OriginalTopic]);
      expect(message.headers.properties[DlqHeaders.OriginalTopic].const).toBe(original);
    }
  });

  it('says which service sends and receives each topic', () => {
    const summary = Object.values(document.operations).map(
      (op: any) => `${op.action} ${document.channels[op.channel.$ref.split('/').pop()].address}`,
    );
    expect(summary.sort()).toEqual(
      [
        `send ${Topics.LeadEvents}`,
        `receive ${Topics.LeadEvents}`,
        `receive ${Topics.InboundLeads}`,
        `send ${Topics.InboundLeadsDlq}`,
        `send ${Topics.NotificationEvents}`,
        `receive ${Topics.NotificationEvents}`,
        `send ${Topics.NotificationLeadEventsDlq}`,
        `send ${Topics.LeadsNotificationEventsDlq}`,
      ].sort(),
    );
  });

  it('is what docs/asyncapi.yaml holds (regenerate with deploy/scripts/generate-docs.mjs)', () => {
    const committed = parse(readFileSync(path.join(ROOT, 'docs/asyncapi.yaml'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(document)));
  });
});
