import type { MigrationObject } from '@mikro-orm/core';
import { InitialLeadSchema } from './20261121-initial-lead-schema.js';

/** Every migration of leads-service in order; reviewed like code. */
export const leadsMigrations: MigrationObject[] = [{ name: '20261121-initial-lead-schema', class: InitialLeadSchema }];
