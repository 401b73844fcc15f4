import { type FaultContext, progress, runScenario, type ScenarioRow } from '../support/context.js';
import { notificationsGroupMembers, notificationsLag, produceLeadCreated } from '../support/kafka.js';
import { inboxCount, inboxTotal, tally } from '../support/ledger.js';
import { freshDatabases, type ServiceProcess, startService, waitFor } from '../support/processes.js';

const SETTLE_MS = 8 * 60_000;

/** Fails fast when a service that should be running has died. */
function mustLive(...services: ServiceProcess[]): () => void {
  return () => {
    for (const service of services) {
      if (!service.alive()) throw new Error(`${service.name} died (${service.child.exitCode ?? service.child.signalCode}):\n${service.output().slice(-3000)}`);
    }
  };
}

/** Waits until every event is in the inbox and the group has committed everything on the topic. */
async function settle(ctx: FaultContext, notificationsUrl: string, ids: string[], alive: () => void): Promise<void> {
  let reported = Date.now();
  await waitFor(
    async () => {
      const inbox = await inboxCount(notificationsUrl, ids);
      const lag = await notificationsLag(ctx.broker.brokers);
      if (Date.now() - reported > 15_000) {
        reported = Date.now();
        progress(`waiting: inbox ${inbox}/${ids.length}, consumer lag ${lag}`);
      }
      return inbox === ids.length && lag === 0;
    },
    SETTLE_MS,
    `all ${ids.length} events in the inbox and consumer lag 0`,
    alive,
  );
}

/**
 * Scenario 1: lead events produced straight to Kafka (HTTP creation is not what is under test here, and Kafka
 * lets 5000 events arrive within the budget) while notifications-service is SIGKILLed twice and restarted.
 */
export function notificationsKilledTwice(ctx: FaultContext): Promise<ScenarioRow> {
  return runScenario('notifications SIGKILLed twice', `events ${ctx.events} (produced to Kafka)`, async (row) => {
    const databases = ctx.databases('s1');
    await freshDatabases(databases);
    const env = ctx.serviceEnv(databases);
    let service = await startService('notifications-service', env);
    progress('notifications-service ready; producing');
    try {
      const producing = produceLeadCreated(ctx.broker.brokers, ctx.events, ctx.nextPhone);
      for (const fraction of [0.25, 0.6]) {
        const at = Math.ceil(ctx.events * fraction);
        await waitFor(async () => (await inboxTotal(databases.notifications)) >= at, SETTLE_MS, `${at} events in the inbox`, mustLive(service));
        await service.kill('SIGKILL');
        row.details.push(`killed at ${await inboxTotal(databases.notifications)}`);
        progress(`notifications-service SIGKILLed at ${await inboxTotal(databases.notifications)} events; restarting`);
        service = await startService('notifications-service', env);
        progress('notifications-service restarted');
      }
      const ids = await producing;
      progress(`${ids.length} events produced; waiting for the inbox and lag 0`);
      await settle(ctx, databases.notifications, ids, mustLive(service));
      progress('settled');
      const counted = await tally(databases.notifications, 'event_id', ids);
      row.lost = counted.lost;
      row.duplicated = counted.duplicated;
      row.details.push(`notifications ${counted.notifications}/${ids.length * 3}`);
    } finally {
      await service.kill('SIGTERM');
    }
  });
}

/**
 * Scenario 4: two notifications-service instances share the group over the 12 partitions; one is SIGKILLed
 * mid-stream and the other takes over its partitions after the rebalance.
 */
export function oneOfTwoInstancesKilled(ctx: FaultContext): Promise<ScenarioRow> {
  return runScenario('2 instances, one SIGKILLed', `events ${ctx.events} (produced to Kafka)`, async (row) => {
    const databases = ctx.databases('s4');
    await freshDatabases(databases);
    const env = ctx.serviceEnv(databases);
    const first = await startService('notifications-service', env);
    let second: ServiceProcess | null = null;
    try {
      second = await startService('notifications-service', env);
      const both = second;
      // Both members hold partitions before any event flows, so the kill really takes work away.
      await waitFor(
        async () => {
          const members = await notificationsGroupMembers(ctx.broker.brokers);
          return members.length === 2 && members.every((member) => member.partitions > 0);
        },
        120_000,
        'two group members sharing the 12 partitions',
        mustLive(first, both),
      );
      const shares = (await notificationsGroupMembers(ctx.broker.brokers)).map((member) => member.partitions);
      row.details.push(`partitions ${shares.join('+')}`);
      progress(`group of two: partitions ${shares.join('+')}`);
      const producing = produceLeadCreated(ctx.broker.brokers, ctx.events, ctx.nextPhone);
      const at = Math.ceil(ctx.events * 0.4);
      await waitFor(async () => (await inboxTotal(databases.notifications)) >= at, SETTLE_MS, `${at} events in the inbox`, mustLive(first, both));
      await second.kill('SIGKILL');
      row.details.push(`killed one at ${await inboxTotal(databases.notifications)}`);
      progress(`one instance SIGKILLed at ${await inboxTotal(databases.notifications)} events`);
      const ids = await producing;
      progress(`${ids.length} events produced; waiting for the inbox and lag 0`);
      await settle(ctx, databases.notifications, ids, mustLive(first));
      progress('settled');
      const members = await notificationsGroupMembers(ctx.broker.brokers);
      row.details.push(`members after ${members.length} holding ${members.map((member) => member.partitions).join('+')}`);
      if (members.length !== 1 || members[0].partitions !== 12) row.failures.push(`after the kill the survivor should hold all 12 partitions, group: ${JSON.stringify(members)}`);
      const counted = await tally(databases.notifications, 'event_id', ids);
      row.lost = counted.lost;
      row.duplicated = counted.duplicated;
      row.details.push(`notifications ${counted.notifications}/${ids.length * 3}`);
    } finally {
      await second?.kill('SIGTERM');
      await first.kill('SIGTERM');
    }
  });
}
