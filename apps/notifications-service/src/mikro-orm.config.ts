import { Migrator } from '@mikro-orm/migrations';
import { defineConfig } from '@mikro-orm/postgresql';
import { notificationsMigrations } from '../migrations/index.js';
import { notificationsEntities } from './entities.js';

/** The ORM setup of notifications-service: explicit entities and migrations, never schema sync. */
export function notificationsOrmConfig(url: string, poolMax = 20) {
  return defineConfig({
    clientUrl: url,
    entities: notificationsEntities,
    extensions: [Migrator],
    migrations: { migrationsList: notificationsMigrations, transactional: true, allOrNothing: true, snapshot: false },
    pool: { min: 0, max: poolMax },
    ensureDatabase: false,
    debug: false,
  });
}
