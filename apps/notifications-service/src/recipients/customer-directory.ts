import type { EntityManager } from '@mikro-orm/postgresql';
import type { LeadSnapshot } from '#contracts';
import { queryRows } from '#platform/database';
import type { ContactPoints } from './addresses.js';
import { customerRecipientId, toE164 } from './phone.js';

/** A directory entry as the lead-event path reads it: who, and how to reach them. */
export interface DirectoryEntry extends ContactPoints {
  id: string;
  kind: string;
  name: string;
}

/** A recipient row as the directory reads it (`DIRECTORY_COLUMNS`, or that object built in SQL by `directoryJson`). */
export interface DirectoryRow {
  id: string;
  kind: string;
  name: string;
  phone: string | null;
  email: string | null;
  whatsapp: string | null;
  push_token: string | null;
  opt_out_sms: boolean;
  opt_out_whatsapp: boolean;
  opt_out_email: boolean;
  opt_out_push: boolean;
  opt_out_call: boolean;
}

const DIRECTORY_COLUMNS = [
  'id', 'kind', 'name', 'phone', 'email', 'whatsapp', 'push_token',
  'opt_out_sms', 'opt_out_whatsapp', 'opt_out_email', 'opt_out_push', 'opt_out_call',
] as const;
const COLUMN_LIST = DIRECTORY_COLUMNS.join(', ');

/** SQL for the directory row of the recipient aliased `alias` as one JSON object (null when there is none). */
export function directoryJson(alias: string): string {
  const fields = DIRECTORY_COLUMNS.map((column) => `'${column}', ${alias}.${column}`).join(', ');
  return `case when ${alias}.id is null then null else json_build_object(${fields}) end`;
}

export const toDirectoryEntry = (row: DirectoryRow): DirectoryEntry => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  phone: row.phone,
  email: row.email,
  whatsapp: row.whatsapp,
  pushToken: row.push_token,
  optOutSms: row.opt_out_sms,
  optOutWhatsapp: row.opt_out_whatsapp,
  optOutEmail: row.opt_out_email,
  optOutPush: row.opt_out_push,
  optOutCall: row.opt_out_call,
});

/**
 * Creates or refreshes the customers' directory entries from lead snapshots, keyed by the
 * normalized phone, with one INSERT … ON CONFLICT, so leads of the same customer handled at once do
 * not collide; opt-outs and a known email are never cleared by a lead. Several leads of one
 * customer in one call count in order: the last name wins, and the last email given.
 *
 * Returns each lead's entry by the lead's phone as given; a phone that is not a valid number has none.
 */
export async function upsertCustomersFromLeads(em: EntityManager, leads: LeadSnapshot[]): Promise<Map<string, DirectoryEntry>> {
  const rows = new Map<string, { id: string; name: string; phone: string; email: string | null }>();
  const idOfPhone = new Map<string, string>();
  for (const lead of leads) {
    const phone = toE164(lead.customerPhone);
    if (!phone) continue;
    const id = customerRecipientId(phone);
    idOfPhone.set(lead.customerPhone, id);
    const email = lead.customerEmail?.trim() || rows.get(id)?.email || null;
    rows.set(id, { id, name: lead.customerName, phone, email });
  }
  if (!rows.size) return new Map();
  const upserted = await queryRows<DirectoryRow>(
    em,
    `insert into recipient (id, kind, name, phone, email, created_at, updated_at)
       select r.id, 'customer', r.name, r.phone, r.email, $1, $1
         from json_to_recordset($2::json) as r(id text, name text, phone text, email text)
     on conflict (id) do update
       set name = excluded.name, phone = excluded.phone, email = coalesce(excluded.email, recipient.email),
           updated_at = excluded.updated_at
     returning ${COLUMN_LIST}`,
    [new Date(), JSON.stringify([...rows.values()])],
  );
  const byId = new Map(upserted.map((row) => [row.id, toDirectoryEntry(row)]));
  return new Map([...idOfPhone].map(([phone, id]) => [phone, byId.get(id)!]));
}

/** The directory entries of these ids (staff, OEMs) that exist. */
export async function findDirectoryEntries(em: EntityManager, ids: readonly string[]): Promise<Map<string, DirectoryEntry>> {
  if (!ids.length) return new Map();
  const rows = await queryRows<DirectoryRow>(
    em,
    `select ${COLUMN_LIST} from recipient where id = any($1::text[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, toDirectoryEntry(row)]));
}
