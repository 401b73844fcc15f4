import { Migration } from '@mikro-orm/migrations';

/**
 * The notifications schema: the seeds' Notification, NotificationTemplate, CallLog and
 * DeliveryReceipt (every field, choice and index), plus what delivery needs (address, gateway
 * id, attempts, next attempt, last error), the recipient directory with per-channel opt-outs,
 * notification rules, the inbox of handled events and this service's outbox.
 */
export class Migration20261121000000Schema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "call_log" (
      "id" uuid not null,
      "caller_id" varchar(100) not null,
      "callee_phone" varchar(16) not null,
      "call_type" varchar(30) not null,
      "context_type" varchar(30) not null,
      "context_id" uuid not null,
      "outcome" varchar(30) not null,
      "duration_seconds" int null,
      "notes" text not null default '',
      "called_at" timestamptz not null default now(),
      primary key ("id")
    );`);
    this.addSql(`create index "call_log_call_type_index" on "call_log" ("call_type");`);
    this.addSql(`create index "call_log_context_type_index" on "call_log" ("context_type");`);
    this.addSql(`create index "call_log_called_at_index" on "call_log" ("called_at");`);
    this.addSql(`alter table "call_log" add constraint "call_log_call_type_check" check ("call_type" in ('introductory', 'survey_confirmation', 'installation_confirmation', 'post_install', 'emergency', 'reschedule'));`);
    this.addSql(`alter table "call_log" add constraint "call_log_outcome_check" check ("outcome" in ('connected', 'no_answer', 'busy', 'voicemail', 'callback_requested'));`);
    this.addSql(`create table "inbox_event" (
      "event_id" uuid not null,
      "type" varchar(100) not null,
      "notifications" int not null default 0,
      "processed_at" timestamptz not null default now(),
      primary key ("event_id")
    );`);
    this.addSql(`create table "notification_template" (
      "id" serial primary key,
      "name" varchar(100) not null,
      "channel" varchar(20) not null,
      "subject_template" varchar(255) not null default '',
      "body_template" text not null,
      "html_template" text null,
      "is_active" boolean not null default true,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now()
    );`);
    this.addSql(`alter table "notification_template" add constraint "notification_template_name_unique" unique ("name");`);
    this.addSql(`alter table "notification_template" add constraint "notification_template_channel_check" check ("channel" in ('sms', 'email', 'whatsapp', 'push'));`);
    this.addSql(`create table "notification_rule" (
      "id" serial primary key,
      "event_type" varchar(100) not null,
      "to_status" varchar(30) null,
      "from_status" varchar(30) null,
      "audience" varchar(20) not null,
      "template_id" int not null,
      "priority" int not null default 10,
      "context_type" varchar(30) not null default 'lead',
      "skip_without_address" boolean not null default false,
      "is_active" boolean not null default true
    );`);
    this.addSql(`create index "notification_rule_event_type_index" on "notification_rule" ("event_type");`);
    this.addSql(`alter table "notification_rule" add constraint "notification_rule_to_status_check" check ("to_status" in ('new', 'contacted', 'documents_pending', 'documents_received', 'survey_scheduled', 'survey_completed', 'installation_scheduled', 'installation_completed', 'closed', 'cancelled', 'on_hold'));`);
    this.addSql(`alter table "notification_rule" add constraint "notification_rule_from_status_check" check ("from_status" in ('new', 'contacted', 'documents_pending', 'documents_received', 'survey_scheduled', 'survey_completed', 'installation_scheduled', 'installation_completed', 'closed', 'cancelled', 'on_hold'));`);
    this.addSql(`alter table "notification_rule" add constraint "notification_rule_audience_check" check ("audience" in ('customer', 'assignee', 'oem'));`);
    this.addSql(`alter table "notification_rule" add constraint "notification_rule_context_type_check" check ("context_type" in ('lead', 'survey', 'installation', 'payment', 'emergency'));`);
    this.addSql(`create table "notification" (
      "id" uuid not null,
      "recipient_id" varchar(100) not null,
      "channel" varchar(20) not null,
      "template_id" int null,
      "subject" varchar(255) not null default '',
      "body" text not null,
      "html_body" text null,
      "context_type" varchar(30) not null,
      "context_id" uuid null,
      "status" varchar(20) not null default 'queued',
      "address" varchar(512) null,
      "provider" varchar(50) null,
      "gateway_message_id" varchar(100) null,
      "attempts" int not null default 0,
      "next_attempt_at" timestamptz not null default now(),
      "last_error_code" varchar(50) null,
      "last_error_message" text null,
      "event_id" uuid null,
      "sent_at" timestamptz null,
      "delivered_at" timestamptz null,
      "read_at" timestamptz null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      primary key ("id")
    );`);
    this.addSql(`create index "notification_recipient_id_index" on "notification" ("recipient_id");`);
    this.addSql(`create index "notification_status_index" on "notification" ("status");`);
    this.addSql(`create index "notification_context_type_index" on "notification" ("context_type");`);
    this.addSql(`create index "notification_created_at_index" on "notification" ("created_at");`);
    this.addSql(`create index "notification_gateway_message_id_index" on "notification" ("gateway_message_id");`);
    this.addSql(`create index "notification_context_id_index" on "notification" ("context_id");`);
    this.addSql(`create index "notification_due_index" on "notification" ("status", "next_attempt_at");`);
    this.addSql(`alter table "notification" add constraint "notification_channel_check" check ("channel" in ('sms', 'email', 'whatsapp', 'push', 'call'));`);
    this.addSql(`alter table "notification" add constraint "notification_context_type_check" check ("context_type" in ('lead', 'survey', 'installation', 'payment', 'emergency'));`);
    this.addSql(`alter table "notification" add constraint "notification_status_check" check ("status" in ('queued', 'sent', 'delivered', 'failed'));`);
    this.addSql(`create table "delivery_receipt" (
      "id" uuid not null,
      "notification_id" uuid not null,
      "status" varchar(20) not null,
      "gateway_message_id" varchar(100) null,
      "error_code" varchar(50) null,
      "error_message" text not null default '',
      "raw_payload" jsonb null,
      "dedupe_key" varchar(255) not null,
      "received_at" timestamptz not null default now(),
      primary key ("id")
    );`);
    this.addSql(`alter table "delivery_receipt" add constraint "delivery_receipt_dedupe_key_unique" unique ("dedupe_key");`);
    this.addSql(`create index "delivery_receipt_notification_id_index" on "delivery_receipt" ("notification_id");`);
    this.addSql(`alter table "delivery_receipt" add constraint "delivery_receipt_status_check" check ("status" in ('sent', 'delivered', 'read', 'failed'));`);
    this.addSql(`create table "outbox_event" (
      "id" bigserial primary key,
      "event_id" uuid not null,
      "topic" varchar(100) not null,
      "message_key" varchar(100) not null,
      "type" varchar(100) not null,
      "payload" jsonb not null,
      "created_at" timestamptz not null default now(),
      "published_at" timestamptz null
    );`);
    this.addSql(`alter table "outbox_event" add constraint "outbox_event_event_id_unique" unique ("event_id");`);
    this.addSql(`create index "outbox_event_unpublished_index" on "outbox_event" ("published_at", "id");`);
    this.addSql(`create table "recipient" (
      "id" varchar(100) not null,
      "kind" varchar(20) not null default 'user',
      "name" varchar(200) not null default '',
      "phone" varchar(16) null,
      "email" varchar(254) null,
      "whatsapp" varchar(16) null,
      "push_token" varchar(512) null,
      "locale" varchar(10) not null default 'en-IN',
      "opt_out_sms" boolean not null default false,
      "opt_out_whatsapp" boolean not null default false,
      "opt_out_email" boolean not null default false,
      "opt_out_push" boolean not null default false,
      "opt_out_call" boolean not null default false,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      primary key ("id")
    );`);
    this.addSql(`alter table "recipient" add constraint "recipient_kind_check" check ("kind" in ('customer', 'user'));`);
    this.addSql(`alter table "notification_rule" add constraint "notification_rule_template_id_foreign" foreign key ("template_id") references "notification_template" ("id") on delete cascade;`);
    this.addSql(`alter table "notification" add constraint "notification_template_id_foreign" foreign key ("template_id") references "notification_template" ("id") on delete set null;`);
    this.addSql(`alter table "delivery_receipt" add constraint "delivery_receipt_notification_id_foreign" foreign key ("notification_id") references "notification" ("id") on delete cascade;`);
  }

  override async down(): Promise<void> {
    for (const table of [
      'delivery_receipt',
      'notification',
      'notification_rule',
      'notification_template',
      'call_log',
      'recipient',
      'inbox_event',
      'outbox_event',
    ]) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
  }
}
