import { Migration } from '@mikro-orm/migrations';

/** The trace context a notification was created in, so its send continues the lead's trace. */
export class Migration20261122020000NotificationTraceparent extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "notification" add column "traceparent" varchar(100) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "notification" drop column if exists "traceparent";`);
  }
}
