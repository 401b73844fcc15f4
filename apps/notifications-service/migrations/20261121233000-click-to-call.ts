import { Migration } from '@mikro-orm/migrations';

/** Click-to-call attempts: the ops user's leg (CallSid) and what the customer leg became (call log). */
export class Migration20261121233000ClickToCall extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "click_to_call" ("id" uuid not null, "caller_id" varchar(100) not null, "caller_phone" varchar(16) not null, "callee_phone" varchar(16) not null, "call_type" varchar(30) not null, "context_type" varchar(30) not null, "context_id" uuid not null, "call_sid" varchar(100) null, "status" varchar(30) not null default 'placing', "error_message" text null, "call_log_id" uuid null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "click_to_call" add constraint "click_to_call_call_sid_unique" unique ("call_sid");`);
    this.addSql(`create index "click_to_call_context_id_index" on "click_to_call" ("context_id");`);
    this.addSql(`alter table "click_to_call" add constraint "click_to_call_call_type_check" check ("call_type" in ('introductory', 'survey_confirmation', 'installation_confirmation', 'post_install', 'emergency', 'reschedule'));`);
    this.addSql(`alter table "click_to_call" add constraint "click_to_call_status_check" check ("status" in ('placing', 'ringing_caller', 'completed', 'caller_unreachable', 'failed'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "click_to_call" cascade;`);
  }
}
