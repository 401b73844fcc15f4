import { Migration } from '@mikro-orm/migrations';

/**
 * The lead list filters by status and pages by (created_at desc, id desc). With only single-column
 * indexes PostgreSQL collected every lead of the status and sorted them for each page (seconds at
 * 1,000,000 leads); over (status, created_at, id) it reads one status's leads newest first and stops
 * after the page, checking the other filters (city ILIKE …) on the way. Not CONCURRENTLY: migrations
 * run in one transaction; the build holds writes to leads for its duration.
 */
export class LeadListStatusIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index if not exists "leads_status_created_at_id_index" on "leads" ("status", "created_at", "id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "leads_status_created_at_id_index";`);
  }
}
