import { MikroORM } from '@mikro-orm/postgresql';
import { ensureDatabase } from '#platform/database';
import { loadLeadsConfig } from './config.js';
import { leadsOrmConfig } from './mikro-orm.config.js';

/** Creates the leads database when missing and applies pending migrations. */
export async function migrateLeadsDatabase(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const orm = await MikroORM.init(leadsOrmConfig(url, 2));
  try {
    const applied = await orm.migrator.up();
    return applied.map((migration) => migration.name);
  } finally {
    await orm.close(true);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadLeadsConfig();
  const applied = await migrateLeadsDatabase(config.LEADS_DATABASE_URL);
  console.log(`leads-service: ${applied.length ? `applied ${applied.join(', ')}` : 'database is up to date'}`);
}
