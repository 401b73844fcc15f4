import { type FaultContext, progress, runScenario, type ScenarioRow } from '../support/context.js';
import { notificationsLag } from '../support/kafka.js';
import { createLeads, formatStatuses, prepareLeadsApi } from '../support/lead-load.js';
import { tally, unpublishedOutbox } from '../support/ledger.js';
import { PgProxy } from '../support/pg-proxy.js';
import { fetchStatus, freshDatabases, type ServiceProcess, startService, track, waitFor } from '../support/processes.js';

const SETTLE_MS = 5 * 60_000;
const KAFKA_OUTAGE_MS = 20_000;
const PG_OUTAGE_MS = 15_000;

function mustLive(...services: ServiceProcess[]): () => void {
  return () => {
    for (const service of services) {
      if (!service.alive()) throw new Error(`${service.name} died (${service.child.exitCode ?? service.child.signalCode}):\n${service.output().slice(-3000)}`);
    }
  };
}

/** Every created lead's event published and turned into its notifications, and the group caught up. */
async function settleLeads(ctx: FaultContext, databases: { leads: string; notifications: string }, leadIds: string[], alive: () => void) {
  let reported = Date.now();
  await waitFor(
    async () => {
      const state = {
        unpublished: await unpublishedOutbox(databases.leads),
        missing: (await tally(databases.notifications, 'context_id', leadIds)).lost,
        lag: await notificationsLag(ctx.broker.brokers),
      };
      if (Date.now() - reported > 15_000) {
        reported = Date.now();
        progress(`waiting: outbox unpublished ${state.unpublished}, notifications missing ${state.missing}, consumer lag ${state.lag}`);
      }
      return state.unpublished === 0 && state.missing === 0 && state.lag === 0;
    },
    SETTLE_MS,
    `outbox drained and notifications for all ${leadIds.length} leads`,
    alive,
  );
}

/**
 * Scenario 2: leads created over HTTP while the Kafka broker is stopped for 20 s: the creates keep answering 201
 * (the outbox holds the events), and after the restart every event is delivered once.
 */
export function kafkaStopped(ctx: FaultContext): Promise<ScenarioRow> {
  return runScenario(`Kafka stopped ${KAFKA_OUTAGE_MS / 1000} s during creates`, 'creates over HTTP', async (row) => {
    const databases = ctx.databases('s2');
    await freshDatabases(databases);
    const env = ctx.serviceEnv(databases);
    const leads = await startService('leads-service', env);
    const notifications = await startService('notifications-service', env).catch(async (error: unknown) => {
      await leads.kill();
      throw error;
    });
    const alive = mustLive(leads, notifications);
    // Two workers are plenty to prove creates keep succeeding; more only lengthens the delivery tail.
    const load = createLeads(leads.url, await prepareLeadsApi(leads.url), ctx.nextPhone, { total: 100_000, concurrency: 2 });
    try {
      await waitFor(() => load.progress().created.length >= 100, 120_000, '100 leads created before the outage', alive);
      await ctx.broker.stop();
      progress('broker stopped');
      const before = load.progress().created.length;
      // The fault lasts a fixed time by design; correctness below is polled with deadlines.
      await new Promise((resolve) => setTimeout(resolve, KAFKA_OUTAGE_MS));
      const during = load.progress().created.length - before;
      await ctx.broker.start();
      progress(`broker started again; ${during} leads created during the outage`);
      const after = load.progress().created.length;
      await waitFor(() => load.progress().created.length >= after + 100, 120_000, '100 leads created after the restart', alive);
      load.stop();
      const results = await load.done;
      progress(`creates stopped: ${formatStatuses(results.statuses)}; waiting for delivery`);
      row.events = `creates ${results.created.length} (${during} during the outage)`;
      row.details.push(`statuses ${formatStatuses(results.statuses)}`);
      const other = [...results.statuses.keys()].filter((status) => status !== 201);
      if (other.length) row.failures.push(`creates answered other than 201: ${formatStatuses(results.statuses)}`);
      if (during === 0) row.failures.push('no lead was created while Kafka was down');
      await settleLeads(ctx, databases, results.created, alive);
      const counted = await tally(databases.notifications, 'context_id', results.created);
      row.lost = counted.lost;
      row.duplicated = counted.duplicated;
      row.details.push(`notifications ${counted.notifications}/${results.created.length * 3}`);
    } finally {
      load.stop();
      await load.done;
      await Promise.all([leads.kill(), notifications.kill()]);
    }
  });
}

/**
 * Scenario 3: leads-service reaches PostgreSQL through a TCP proxy that is cut and restored: readiness goes
 * 503 then 200, creates meanwhile get 503 problem+json (never 500), the process lives on, and every 201 arrives.
 */
export function postgresUnreachable(ctx: FaultContext): Promise<ScenarioRow> {
  return runScenario('PostgreSQL unreachable (leads-service)', 'creates over HTTP', async (row) => {
    const databases = ctx.databases('s3');
    await freshDatabases(databases);
    const proxy = new PgProxy();
    await proxy.open();
    const proxied = track(() => proxy.cut());
    const leads = await startService('leads-service', ctx.serviceEnv({ ...databases, leads: proxy.url(databases.leads) }));
    const notifications = await startService('notifications-service', ctx.serviceEnv(databases)).catch(async (error: unknown) => {
      await leads.kill();
      throw error;
    });
    const alive = mustLive(leads, notifications);
    const load = createLeads(leads.url, await prepareLeadsApi(leads.url), ctx.nextPhone, { total: 100_000, concurrency: 2 });
    try {
      await waitFor(() => load.progress().created.length >= 50, 120_000, '50 leads created before the cut', alive);
      await proxy.cut();
      const cutAt = Date.now();
      progress('PostgreSQL cut');
      const refusedBefore = (load.progress().statuses.get(503) ?? 0);
      await waitFor(async () => (await fetchStatus(`${leads.url}/health/ready`)) === 503, 60_000, '/health/ready 503 while PostgreSQL is cut', alive);
      await waitFor(() => (load.progress().statuses.get(503) ?? 0) >= refusedBefore + 20, 60_000, '20 creates answered 503 during the outage', alive);
      // The outage lasts at least OUTAGE_MS, so pool connections time out and retries meet a dead port too.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, PG_OUTAGE_MS - (Date.now() - cutAt))));
      const createdDuringOutage = load.progress().created.length;
      await proxy.open();
      progress('PostgreSQL restored');
      await waitFor(async () => (await fetchStatus(`${leads.url}/health/ready`)) === 200, 60_000, '/health/ready 200 after PostgreSQL is back', alive);
      row.details.push(`ready 503 → 200 again ${Math.round((Date.now() - cutAt) / 1000)} s after the cut`);
      await waitFor(() => load.progress().created.length >= createdDuringOutage + 50, 120_000, '50 leads created after the restore', alive);
      load.stop();
      const results = await load.done;
      progress(`creates stopped: ${formatStatuses(results.statuses)}; waiting for delivery`);
      row.events = `creates ${results.created.length} accepted`;
      row.details.push(`statuses ${formatStatuses(results.statuses)}`);
      const other = [...results.statuses.keys()].filter((status) => status !== 201 && status !== 503);
      if (other.length) row.failures.push(`creates answered other than 201/503: ${formatStatuses(results.statuses)}`);
      if (results.notProblemJson) row.failures.push(`${results.notProblemJson} error answers were not application/problem+json`);
      await settleLeads(ctx, databases, results.created, alive);
      const counted = await tally(databases.notifications, 'context_id', results.created);
      row.lost = counted.lost;
      row.duplicated = counted.duplicated;
      row.details.push(`notifications ${counted.notifications}/${results.created.length * 3}`, 'process alive');
    } finally {
      load.stop();
      await load.done;
      await Promise.all([leads.kill(), notifications.kill()]);
      await proxied.stop();
    }
  });
}
