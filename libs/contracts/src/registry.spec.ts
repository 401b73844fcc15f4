import { createCloudEvent } from './envelope.js';
import { LeadEventTypes } from './lead-events.js';
import { leadSnapshot } from '../../../test/support/lead-snapshot.js';
import { InvalidEventError, parseMessage } from './registry.js';

const lead = leadSnapshot({ customerPhone: '+919812345678', latitude: 12.971599, longitude: 77.594566 });

const created = () =>
  createCloudEvent({ source: 'leads-service', type: LeadEventTypes.Created, subject: lead.id, data: { lead } });

const reasonOf = (value: unknown): string => {
  try {
    parseMessage(JSON.stringify(value));
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    return (error as InvalidEventError).reason;
  }
  throw new Error('expected the message to be rejected');
};

describe('event contracts', () => {
  it('accepts an envelope produced by createCloudEvent', () => {
    const parsed = parseMessage(Buffer.from(JSON.stringify(created())));
    expect(parsed.kind).toBe('known');
    expect(parsed.event.type).toBe(LeadEventTypes.Created);
    expect(parsed.event.specversion).toBe('1.0');
  });

  it('tolerates unknown fields in the envelope and in data', () => {
    const event = { ...created(), extension: 'x', data: { lead: { ...lead, newField: 1 }, extra: true } };
    expect(parseMessage(JSON.stringify(event)).kind).toBe('known');
  });

  it('returns unknown types for the consumer to skip', () => {
    const event = { ...created(), type: 'chargesol.lead.teleported' };
    expect(parseMessage(JSON.stringify(event)).kind).toBe('unknown');
  });

  it('rejects a missing required envelope field, naming it', () => {
    const { id: _id, ...withoutId } = created();
    expect(reasonOf(withoutId)).toMatch(/^invalid CloudEvents envelope: id:/);
  });

  it('rejects a missing required data field, naming its path', () => {
    const { customerPhone: _phone, ...partial } = lead;
    expect(reasonOf({ ...created(), data: { lead: partial } })).toContain('data.lead.customerPhone');
  });

  it('rejects a wrong enum value, naming the field', () => {
    const event = createCloudEvent({
      source: 'leads-service',
      type: LeadEventTypes.StatusChanged,
      subject: lead.id,
      data: { lead, from: 'new', to: 'teleported' },
    });
    expect(reasonOf(event)).toContain('data.to');
  });

  it('rejects values that are not JSON or empty', () => {
    expect(() => parseMessage('not json{')).toThrow('message value is not JSON');
    expect(() => parseMessage(null)).toThrow('message has no value');
  });

  it('validates an inbound submission', () => {
    const event = createCloudEvent({
      source: 'oem-portal',
      type: 'chargesol.lead.submitted',
      subject: 'ref-1',
      data: { sourceName: 'Tata Motors Portal', customerName: 'A' },
    });
    expect(reasonOf(event)).toContain('data.externalRef');
  });
});
