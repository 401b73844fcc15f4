import { type EntityManager, MikroORM, type Options } from '@mikro-orm/postgresql';
import { CompiledQuery, type Transaction } from 'kysely';
import pg from 'pg';

/** Runs `work` on a connection to the server's `postgres` database, with the target database's name. */
async function withServer<T>(url: string, work: (client: pg.Client, name: string) => Promise<T>): Promise<T> {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[\w-]+$/.test(name)) throw new Error(`Refusing to manage a database with the name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await work(client, name);
  } finally {
    await client.end();
  }
}

/** Creates the database named in `url` when it does not exist yet. */
export function ensureDatabase(url: string): Promise<boolean> {
  return withServer(url, async (client, name) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  });
}

/** Drops (disconnecting its sessions) and creates the database named in `url`: tests start from nothing. */
export function recreateDatabase(url: string): Promise<void> {
  return withServer(url, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
}

/**
 * Creates the database when missing and applies its pending MikroORM migrations (never a schema
 * sync); returns the names of the migrations applied. `ormConfig` is the service's own config.
 */
export async function migrateDatabase(url: string, ormConfig: Options): Promise<string[]> {
  await ensureDatabase(url);
  const orm = await MikroORM.init(ormConfig);
  try {
    const applied = await orm.migrator.up();
    return applied.map((migration) => migration.name);
  } finally {
    await orm.close(true);
  }
}

/**
 * Makes sure the server runs autovacuum (PostgreSQL's default), which keeps the planner's
 * statistics current and the dead rows of the queue tables (outbox, notifications) in check.
 * With it off — some server images ship so — the dispatcher's claim is planned on the statistics
 * of an empty table, and sorts the whole backlog on every claim. For the local stack only: it
 * turns autovacuum on with ALTER SYSTEM when it may (a superuser), else reports 'off'.
 */
export function ensureAutovacuum(url: string): Promise<'on' | 'turned on' | 'off'> {
  return withServer(url, async (client) => {
    const { rows } = await client.query<{ autovacuum: string }>('SHOW autovacuum');
    if (rows[0]?.autovacuum === 'on') return 'on';
    try {
      await client.query('ALTER SYSTEM SET autovacuum = on');
      await client.query('SELECT pg_reload_conf()');
      return 'turned on';
    } catch {
      return 'off';
    }
  });
}

/**
 * For the rest of the current transaction, plans without explicit sorts. A queue claim —
 * `… ORDER BY due LIMIT n FOR UPDATE SKIP LOCKED` over an index on `due` — then reads that index in
 * order and stops after n rows. On statistics older than a burst, PostgreSQL may instead scan the
 * whole backlog and sort it (on disk, as the locking step above the sort keeps it from being a
 * top-n sort) on every claim: seen here with 17,000 queued notifications, 160 ms a claim.
 */
export async function claimInIndexOrder(tx: { execute(sql: string): Promise<unknown> }): Promise<void> {
  await tx.execute('set local enable_sort = off');
}

/**
 * Runs one statement with its parameters bound by the driver (`$1`, `$2`, …: the extended query
 * protocol), in the entity manager's transaction when it has one. MikroORM's `execute` inlines
 * every parameter into the SQL text on the client, escaping each value; for the set-wise
 * statements, whose parameters are whole batches as JSON, that costs more CPU than the statement
 * itself. Arrays bind as PostgreSQL arrays, dates as timestamps.
 */
export async function queryRows<Row extends object>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<Row[]> {
  const executor = em.getTransactionContext<Transaction<Record<string, never>>>() ?? em.getConnection().getClient();
  const result = await executor.executeQuery<Row>(CompiledQuery.raw(sql, [...params]));
  return result.rows;
}
