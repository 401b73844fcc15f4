import { randomUUID } from 'node:crypto';
import type { LeadSnapshot } from '#contracts';

/** A random valid Indian mobile number in E.164. */
export function randomPhone(): string {
  return `+9198${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

/** A valid `new` lead as leads-service puts it in its events (random ids and phone); `overrides` replace any field. */
export function leadSnapshot(overrides: Partial<LeadSnapshot> = {}): LeadSnapshot {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    oemId: randomUUID(),
    customerName: 'Asha Rao',
    customerPhone: randomPhone(),
    customerEmail: null,
    addressLine1: '12 MG Road',
    addressLine2: '',
    city: 'Bengaluru',
    state: 'Karnataka',
    pincode: '560001',
    latitude: null,
    longitude: null,
    sourceId: 1,
    status: 'new',
    chargerModel: null,
    assignedToId: null,
    introCallCompleted: false,
    externalRef: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}
