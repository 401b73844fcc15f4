import { Migration } from '@mikro-orm/migrations';

/**
 * Gateway callbacks that match no notification (unknown MessageSid / CallSid / sg_message_id, or
 * a callback that overtook the dispatcher's commit): kept with their payload for reconciliation.
 */
export class Migration20261121230000UnmatchedReceipts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "unmatched_receipt" ("id" uuid not null, "provider" varchar(20) not null, "gateway_message_id" varchar(100) null, "notification_ref" varchar(100) null, "gateway_status" varchar(50) not null, "status" varchar(20) null, "error_code" varchar(50) null, "error_message" text not null default '', "raw_payload" jsonb not null, "dedupe_key" varchar(255) not null, "received_at" timestamptz not null default now(), "reconciled_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "unmatched_receipt" add constraint "unmatched_receipt_dedupe_key_unique" unique ("dedupe_key");`);
    this.addSql(`create index "unmatched_receipt_gateway_message_id_index" on "unmatched_receipt" ("gateway_message_id");`);
    this.addSql(`create index "unmatched_receipt_open_index" on "unmatched_receipt" ("reconciled_at", "received_at");`);
    this.addSql(`alter table "unmatched_receipt" add constraint "unmatched_receipt_provider_check" check ("provider" in ('twilio', 'sendgrid'));`);
    this.addSql(`alter table "unmatched_receipt" add constraint "unmatched_receipt_status_check" check ("status" in ('sent', 'delivered', 'read', 'failed'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "unmatched_receipt" cascade;`);
  }
}
