import { Migration } from '@mikro-orm/migrations';

/** Lead sources, leads, history, documents, idempotency keys and the outbox (seeds: Leads Models). */
export class InitialLeadSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "lead_sources" (
      "id" serial primary key,
      "name" varchar(100) not null,
      "oem_id" uuid null,
      "source_type" varchar(20) not null,
      constraint "lead_sources_name_unique" unique ("name"),
      constraint "lead_sources_source_type_check" check ("source_type" in ('api', 'manual', 'portal')));`);

    // status is varchar(30), not the seeds' 20: installation_scheduled/_completed are 22 characters.
    this.addSql(`create table "leads" (
      "id" uuid not null primary key,
      "oem_id" uuid not null,
      "customer_name" varchar(200) not null,
      "customer_phone" varchar(15) not null,
      "customer_email" varchar(254) null,
      "address_line1" varchar(255) not null,
      "address_line2" varchar(255) not null default '',
      "city" varchar(100) not null,
      "state" varchar(100) not null,
      "pincode" varchar(10) not null,
      "latitude" numeric(9,6) null,
      "longitude" numeric(9,6) null,
      "source_id" int not null,
      "status" varchar(30) not null default 'new',
      "held_from_status" varchar(30) null,
      "charger_model" varchar(100) null,
      "assigned_to_id" uuid null,
      "intro_call_completed" boolean not null default false,
      "external_ref" varchar(100) null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      constraint "leads_source_id_external_ref_unique" unique ("source_id", "external_ref"),
      constraint "leads_status_check" check ("status" in ('new', 'contacted', 'documents_pending', 'documents_received', 'survey_scheduled', 'survey_completed', 'installation_scheduled', 'installation_completed', 'closed', 'cancelled', 'on_hold')),
      constraint "leads_held_from_status_check" check ("held_from_status" in ('new', 'contacted', 'documents_pending', 'documents_received', 'survey_scheduled', 'survey_completed', 'installation_scheduled', 'installation_completed', 'closed', 'cancelled', 'on_hold')),
      constraint "leads_source_id_foreign" foreign key ("source_id") references "lead_sources" ("id") on delete restrict);`);
    for (const column of ['oem_id', 'customer_phone', 'city', 'state', 'status', 'assigned_to_id', 'created_at']) {
      this.addSql(`create index "leads_${column}_index" on "leads" ("${column}");`);
    }
    this.addSql(`create index "leads_created_at_id_index" on "leads" ("created_at", "id");`);

    this.addSql(`create table "lead_history" (
      "id" uuid not null primary key,
      "lead_id" uuid not null,
      "action" varchar(30) not null,
      "actor_id" varchar(100) null,
      "actor_role" varchar(30) null,
      "from_status" varchar(30) null,
      "to_status" varchar(30) null,
      "changes" jsonb null,
      "reason" text null,
      "created_at" timestamptz not null,
      constraint "lead_history_lead_id_foreign" foreign key ("lead_id") references "leads" ("id") on delete cascade);`);
    this.addSql(`create index "lead_history_lead_id_created_at_index" on "lead_history" ("lead_id", "created_at");`);

    this.addSql(`create table "lead_documents" (
      "id" uuid not null primary key,
      "lead_id" uuid not null,
      "document_type" varchar(30) not null,
      "file" varchar(255) not null,
      "content_type" varchar(100) not null,
      "size_bytes" int not null,
      "sha256" varchar(64) not null,
      "original_name" varchar(255) not null default '',
      "uploaded_by_id" uuid not null,
      "uploaded_at" timestamptz not null,
      "notes" text not null default '',
      constraint "lead_documents_document_type_check" check ("document_type" in ('electricity_bill', 'location_photo', 'electrician_contact', 'other')),
      constraint "lead_documents_lead_id_foreign" foreign key ("lead_id") references "leads" ("id") on delete cascade);`);
    this.addSql(`create index "lead_documents_lead_id_index" on "lead_documents" ("lead_id");`);

    this.addSql(`create table "idempotency_keys" (
      "principal_id" varchar(100) not null,
      "key" varchar(200) not null,
      "request_hash" varchar(64) not null,
      "lead_id" uuid not null,
      "created_at" timestamptz not null,
      primary key ("principal_id", "key"));`);

    this.addSql(`create table "outbox_messages" (
      "position" bigserial primary key,
      "event_id" uuid not null,
      "aggregate_id" uuid not null,
      "topic" varchar(200) not null,
      "message_key" varchar(200) not null,
      "payload" jsonb not null,
      "headers" jsonb null,
      "created_at" timestamptz not null,
      "published_at" timestamptz null,
      constraint "outbox_messages_event_id_unique" unique ("event_id"));`);
    this.addSql(
      `create index "outbox_messages_unpublished_index" on "outbox_messages" ("position") where "published_at" is null;`,
    );
  }

  override async down(): Promise<void> {
    for (const table of ['outbox_messages', 'idempotency_keys', 'lead_documents', 'lead_history', 'leads', 'lead_sources']) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
  }
}
