import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121000000Schema } from './20261121000000-schema.js';
import { Migration20261121000100DefaultRules } from './20261121000100-default-rules.js';
import { Migration20261121230000UnmatchedReceipts } from './20261121230000-unmatched-receipts.js';
import { Migration20261121233000ClickToCall } from './20261121233000-click-to-call.js';
import { Migration20261122020000NotificationTraceparent } from './20261122020000-notification-traceparent.js';
import { Migration20261122050000QueueTables } from './20261122050000-queue-tables.js';

/** Every migration of notifications-service in order; reviewed like code. */
export const notificationsMigrations: MigrationObject[] = [
  { name: 'Migration20261121000000Schema', class: Migration20261121000000Schema },
  { name: 'Migration20261121000100DefaultRules', class: Migration20261121000100DefaultRules },
  { name: 'Migration20261121230000UnmatchedReceipts', class: Migration20261121230000UnmatchedReceipts },
  { name: 'Migration20261121233000ClickToCall', class: Migration20261121233000ClickToCall },
  { name: 'Migration20261122020000NotificationTraceparent', class: Migration20261122020000NotificationTraceparent },
  { name: 'Migration20261122050000QueueTables', class: Migration20261122050000QueueTables },
];
