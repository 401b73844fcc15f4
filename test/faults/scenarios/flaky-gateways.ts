import { GatewaySimulator, type GatewayFailure, type RecordedRequest, SIMULATOR_DEFAULTS } from '../../support/gateway-simulator.js';
import { freePort } from '../../support/service-process.js';
import { type FaultContext, progress, runScenario, type ScenarioRow } from '../support/context.js';
import { produceLeadCreated } from '../support/kafka.js';
import { query, tally } from '../support/ledger.js';
import { freshDatabases, startService, track, waitFor } from '../support/processes.js';

const EVENTS = Number(process.env.FAULTS_GATEWAY_EVENTS ?? 200);
const FAILURE_RATIO = 0.3;
const SEND_MAX_RETRIES = 3;
/** The failure kind rotates every this many gateway requests, so all three kinds are exercised. */
const ROTATE_EVERY = 40;
const KINDS: GatewayFailure[] = ['server-error', 'rate-limited', 'hang'];

/** Which notification a gateway request was for: Twilio by recipient (unique per lead and channel), SendGrid by customArgs. */
function notificationKey(request: RecordedRequest): string | null {
  if (request.target === 'twilio-message') return `twilio|${String(request.form.To)}`;
  if (request.target === 'sendgrid') {
    const args = (request.json as { custom_args?: { notificationId?: string } } | null)?.custom_args;
    return args?.notificationId ? `sendgrid|${args.notificationId}` : null;
  }
  return null;
}

/**
 * Scenario 5: Twilio and SendGrid (the gateway simulator) fail 30 % of sends with 500, 429 or a hang; every
 * notification must end sent or failed with a reason, none queued, and none accepted twice by the gateway.
 * A hang that timed out and was retried is ambiguous with a real gateway (it may have sent); counted apart.
 */
export function flakyGateways(ctx: FaultContext): Promise<ScenarioRow> {
  return runScenario(`gateways fail ${FAILURE_RATIO * 100} % (500/429/hang)`, `events ${EVENTS} (produced to Kafka)`, async (row) => {
    const databases = ctx.databases('s5');
    await freshDatabases(databases);
    const simulator = await GatewaySimulator.start({ seed: 6 });
    const simulated = track(() => simulator.close());
    const port = await freePort();
    const service = await startService(
      'notifications-service',
      ctx.serviceEnv(databases, {
        TWILIO_ACCOUNT_SID: SIMULATOR_DEFAULTS.twilio.accountSid,
        TWILIO_AUTH_TOKEN: SIMULATOR_DEFAULTS.twilio.authToken,
        TWILIO_SMS_FROM: '+15005550006',
        TWILIO_WHATSAPP_FROM: 'whatsapp:+15005550006',
        TWILIO_API_BASE_URL: simulator.baseUrl,
        SENDGRID_API_KEY: SIMULATOR_DEFAULTS.sendgrid.apiKey,
        SENDGRID_API_BASE_URL: simulator.baseUrl,
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        DELIVERY_TIMEOUT_MS: '1000',
        SEND_RETRY_BASE_MS: '100',
        SEND_MAX_RETRIES: String(SEND_MAX_RETRIES),
        SEND_RATE_PER_SECOND: '200',
      }),
      { port },
    );
    let kind = -1;
    const rotate = setInterval(() => {
      const next = Math.floor(simulator.requests.length / ROTATE_EVERY) % KINDS.length;
      if (next !== kind) simulator.setFailureRatio(FAILURE_RATIO, KINDS[(kind = next)]);
    }, 50);
    try {
      const ids = await produceLeadCreated(ctx.broker.brokers, EVENTS, ctx.nextPhone);
      const expected = ids.length * 3;
      progress(`${ids.length} events produced; waiting for ${expected} notifications to end sent or failed`);
      await waitFor(
        async () => {
          const [state] = await query<{ total: number; queued: number }>(
            databases.notifications,
            `select count(*)::int as total, count(*) filter (where status = 'queued')::int as queued from notification where event_id = any($1::uuid[])`,
            [ids],
          );
          return state.total === expected && state.queued === 0;
        },
        8 * 60_000,
        `all ${expected} notifications sent or failed`,
        () => {
          if (!service.alive()) throw new Error(`notifications-service died:\n${service.output().slice(-3000)}`);
        },
      );
      clearInterval(rotate);
      const counted = await tally(databases.notifications, 'event_id', ids);
      const final = await query<{ status: string; reasonless: number; n: number }>(
        databases.notifications,
        `select status, count(*)::int as n, count(*) filter (where status = 'failed' and (last_error_code is null or last_error_message is null))::int as reasonless
           from notification where event_id = any($1::uuid[]) group by status order by status`,
        [ids],
      );
      const reasons = await query<{ code: string | null; n: number }>(
        databases.notifications,
        `select last_error_code as code, count(*)::int as n from notification where event_id = any($1::uuid[]) and status = 'failed' group by 1 order by 1`,
        [ids],
      );
      // Every injected failure is transient (500, 429, timeout): a notification may only fail once its retries are spent.
      const [retries] = await query<{ early: number; retried_sent: number }>(
        databases.notifications,
        `select count(*) filter (where status = 'failed' and attempts <> $2)::int as early,
                count(*) filter (where status in ('sent', 'delivered') and attempts > 1)::int as retried_sent
           from notification where event_id = any($1::uuid[])`,
        [ids, SEND_MAX_RETRIES + 1],
      );
      if (retries.early) row.failures.push(`${retries.early} notifications failed before ${SEND_MAX_RETRIES} retries were spent`);
      const byStatus = Object.fromEntries(final.map((entry) => [entry.status, entry.n]));
      const reasonless = final.reduce((sum, entry) => sum + entry.reasonless, 0);
      const sentInDb = (byStatus.sent ?? 0) + (byStatus.delivered ?? 0);

      const perNotification = new Map<string, { accepted: number; hung: number; failed: number }>();
      for (const request of simulator.requests) {
        const key = notificationKey(request);
        if (!key) continue;
        const entry = perNotification.get(key) ?? { accepted: 0, hung: 0, failed: 0 };
        if (request.status === null) entry.hung++;
        else if (request.status < 300) entry.accepted++;
        else entry.failed++;
        perNotification.set(key, entry);
      }
      const entries = [...perNotification.values()];
      const sentTwice = entries.filter((entry) => entry.accepted > 1).length;
      const ambiguous = entries.filter((entry) => entry.hung > 0 && entry.accepted > 0).length;
      const acceptedOnce = entries.filter((entry) => entry.accepted === 1).length;
      const hangs = entries.reduce((sum, entry) => sum + entry.hung, 0);
      const errors = entries.reduce((sum, entry) => sum + entry.failed, 0);

      row.lost = counted.lost;
      row.duplicated = counted.duplicated + sentTwice;
      row.details.push(
        `notifications ${counted.notifications}/${expected}: ${Object.entries(byStatus).map(([status, n]) => `${status} ${n}`).join(', ')}`,
        `sent after a retry ${retries.retried_sent}`,
        `failed (after ${SEND_MAX_RETRIES + 1} attempts) for ${reasons.map((reason) => `${reason.code ?? 'no code'}×${reason.n}`).join(', ') || 'none'}`,
        `gateway requests ${simulator.requests.length} (errors ${errors}, hangs ${hangs})`,
        `sent twice ${sentTwice}`,
        `ambiguous (timed out, then retried and accepted) ${ambiguous}`,
      );
      if (reasonless) row.failures.push(`${reasonless} failed notifications have no error code/message`);
      if (sentInDb !== acceptedOnce + sentTwice) {
        row.failures.push(`${sentInDb} notifications are sent in the database but the gateways accepted ${acceptedOnce + sentTwice} distinct ones`);
      }
    } finally {
      clearInterval(rotate);
      await service.kill('SIGTERM');
      await simulated.stop();
    }
  });
}
