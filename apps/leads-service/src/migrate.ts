import { migrateDatabase } from '#platform/database';
import { loadLeadsConfig } from './config.js';
import { leadsOrmConfig } from './mikro-orm.config.js';

/** Creates the leads database when missing and applies pending migrations. */
export function migrateLeadsDatabase(url: string): Promise<string[]> {
  return migrateDatabase(url, leadsOrmConfig(url, 2));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadLeadsConfig();
  const applied = await migrateLeadsDatabase(config.LEADS_DATABASE_URL);
  console.log(`leads-service: ${applied.length ? `applied ${applied.join(', ')}` : 'database is up to date'}`);
}
