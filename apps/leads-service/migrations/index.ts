import type { MigrationObject } from '@mikro-orm/core';
import { InitialLeadSchema } from './20261121-initial-lead-schema.js';
import { OutboxAutovacuum } from './20261122-outbox-autovacuum.js';
import { LeadListStatusIndex } from './20261202-lead-list-status-index.js';

/** Every migration of leads-service in order; reviewed like code. */
export const leadsMigrations: MigrationObject[] = [
  { name: '20261121-initial-lead-schema', class: InitialLeadSchema },
  { name: '20261122-outbox-autovacuum', class: OutboxAutovacuum },
  { name: '20261202-lead-list-status-index', class: LeadListStatusIndex },
];
