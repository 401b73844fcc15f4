import { MikroORM } from '@mikro-orm/postgresql';
import { loadLeadsConfig } from '../src/config.js';
import { leadsOrmConfig } from '../src/mikro-orm.config.js';

describe('leads-service schema', () => {
  it('the migrated database matches the entities exactly (schema diff is empty)', async () => {
    const orm = await MikroORM.init(leadsOrmConfig(loadLeadsConfig().LEADS_DATABASE_URL, 2));
    try {
      const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
      expect(diff.trim()).toBe('');
    } finally {
      await orm.close(true);
    }
  });

  it('the outbox is vacuumed and analyzed after a small share of it changed (it churns)', async () => {
    const orm = await MikroORM.init(leadsOrmConfig(loadLeadsConfig().LEADS_DATABASE_URL, 2));
    try {
      const [row] = await orm.em.fork().execute<{ reloptions: string[] }[]>(
        `select reloptions from pg_class where relname = 'outbox_messages' and relkind = 'r'`,
      );
      expect(row.reloptions).toEqual(
        expect.arrayContaining(['autovacuum_vacuum_scale_factor=0.02', 'autovacuum_analyze_scale_factor=0.01']),
      );
    } finally {
      await orm.close(true);
    }
  });
});
