import { randomUUID } from 'node:crypto';
import type { Principal } from '#platform/auth';
import { DomainError } from '#platform/problem';
import { leadScope, oemOfNewLead } from './leads-access.js';

const oem: Principal = { sub: randomUUID(), role: 'oem', name: 'Tata' };
const ops: Principal = { sub: randomUUID(), role: 'central_ops', name: 'Ops' };

describe('lead access', () => {
  it("an OEM's new leads are its own; naming another OEM is 403", () => {
    expect(oemOfNewLead(undefined, oem)).toBe(oem.sub);
    expect(oemOfNewLead(oem.sub, oem)).toBe(oem.sub);
    try {
      oemOfNewLead(randomUUID(), oem);
      throw new Error('accepted');
    } catch (error) {
      expect((error as DomainError).kind).toBe('forbidden');
    }
  });

  it('Central Ops must name the OEM', () => {
    const other = randomUUID();
    expect(oemOfNewLead(other, ops)).toBe(other);
    try {
      oemOfNewLead(undefined, ops);
      throw new Error('accepted');
    } catch (error) {
      expect((error as DomainError).errors[0].field).toBe('oemId');
    }
  });

  it('an OEM is scoped to its own leads, Central Ops to all', () => {
    expect(leadScope(oem)).toEqual({ oemId: oem.sub });
    expect(leadScope(ops)).toEqual({});
  });
});
