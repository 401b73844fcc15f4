import { migrateDatabase } from '#platform/database';
import { loadNotificationsConfig } from './config.js';
import { notificationsOrmConfig } from './mikro-orm.config.js';

/** Creates the notifications database when missing and applies pending migrations. */
export function migrateNotificationsDatabase(url: string): Promise<string[]> {
  return migrateDatabase(url, notificationsOrmConfig(url, 2));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadNotificationsConfig();
  const applied = await migrateNotificationsDatabase(config.NOTIFICATIONS_DATABASE_URL);
  console.log(`notifications-service: ${applied.length ? `applied ${applied.join(', ')}` : 'database is up to date'}`);
}
