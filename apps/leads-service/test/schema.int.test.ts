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
});
