import { Migration } from '@mikro-orm/migrations';

/**
 * The queue-like tables churn: each notification is inserted, claimed, marked; each outbox and
 * inbox row inserted and updated once. PostgreSQL's default autovacuum thresholds (20 % dead rows,
 * 10 % changed for ANALYZE) let a burst grow a backlog the planner does not know about, and the
 * dispatcher's claim then sorts the whole backlog instead of reading the due index in order.
 * These tables are vacuumed and analyzed after about 1-2 % of their rows changed, and the outbox gets
 * the partial index its relay needs.
 */
const TABLES = ['notification', 'outbox_event', 'inbox_event'];

export class Migration20261122050000QueueTables extends Migration {
  override async up(): Promise<void> {
    // The relay reads unpublished rows in id order: (published_at, id) cannot give that order for
    // `published_at is null`, a partial index on id can, and holds only the rows still to publish.
    this.addSql(`drop index "outbox_event_unpublished_index";`);
    this.addSql(`create index "outbox_event_unpublished_index" on "outbox_event" ("id") where "published_at" is null;`);
    for (const table of TABLES) {
      this.addSql(
        `alter table "${table}" set (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.05);`,
      );
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "outbox_event_unpublished_index";`);
    this.addSql(`create index "outbox_event_unpublished_index" on "outbox_event" ("published_at", "id");`);
    for (const table of TABLES) {
      this.addSql(
        `alter table "${table}" reset (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor, autovacuum_vacuum_insert_scale_factor);`,
      );
    }
  }
}
