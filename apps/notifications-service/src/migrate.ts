import { MikroORM } from '@mikro-orm/postgresql';
import { ensureDatabase } from '#platform/database';
import { loadNotificationsConfig } from './config.js';
import { notificationsOrmConfig } from './mikro-orm.config.js';

/** Creates the notifications database when missing and applies pending migrations. */
export async function migrateNotificationsDatabase(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const orm = await MikroORM.init(notificationsOrmConfig(url, 2));
  try {
    const applied = await orm.migrator.up();
    return applied.map((migration) => migration.name);
  } finally {
    await orm.close(true);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadNotificationsConfig();
  const applied = await migrateNotificationsDatabase(config.NOTIFICATIONS_DATABASE_URL);
  console.log(`notifications-service: ${applied.length ? `applied ${applied.join(', ')}` : 'database is up to date'}`);
}
