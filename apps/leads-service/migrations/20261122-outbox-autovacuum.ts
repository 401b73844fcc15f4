import { Migration } from '@mikro-orm/migrations';

/**
 * Every outbox row is inserted and then updated once (published): under PostgreSQL's default
 * thresholds (20 % dead rows) the relay's scan of unpublished rows wades through dead index
 * entries between vacuums. The outbox is vacuumed and analyzed after about 1-2 % of it changed.
 */
export class OutboxAutovacuum extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "outbox_messages" set (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.05);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "outbox_messages" reset (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor, autovacuum_vacuum_insert_scale_factor);`,
    );
  }
}
