import { Migrator } from '@mikro-orm/migrations';
import { defineConfig } from '@mikro-orm/postgresql';
import { leadsMigrations } from '../migrations/index.js';
import { leadsEntities } from './entities.js';

/** The ORM setup of leads-service: explicit entities and migrations, never schema sync. */
export function leadsOrmConfig(url: string, poolMax = 20) {
  return defineConfig({
    clientUrl: url,
    entities: leadsEntities,
    extensions: [Migrator],
    migrations: { migrationsList: leadsMigrations, transactional: true, allOrNothing: true, snapshot: false },
    pool: { min: 0, max: poolMax },
    ensureDatabase: false,
    debug: false,
  });
}
