import { z } from 'zod';
import { assertProductionSecrets, commonEnv, loadConfig, port, postgresUrl } from '#platform/config';

const optional = z.string().min(1).optional();

const schema = z.object({
  ...commonEnv,
  NOTIFICATIONS_PORT: port(3002),
  NOTIFICATIONS_DATABASE_URL: postgresUrl('postgres://postgres@127.0.0.1:5432/chargesol_notifications'),
  NOTIFICATIONS_DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:3002'),
  TWILIO_ACCOUNT_SID: optional,
  TWILIO_AUTH_TOKEN: optional,
  TWILIO_SMS_FROM: optional,
  TWILIO_WHATSAPP_FROM: optional,
  TWILIO_VOICE_FROM: optional,
  TWILIO_API_BASE_URL: z.url().optional(),
  SENDGRID_API_KEY: optional,
  SENDGRID_API_BASE_URL: z.url().optional(),
  SENDGRID_WEBHOOK_PUBLIC_KEY: optional,
  EMAIL_FROM: z.email().default('no-reply@chargesol.in'),
  /** Per-request timeout of every gateway SDK: a hung gateway becomes a transient failure. */
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Push goes through FCM HTTP v1 when FCM_PROJECT_ID and a credential are set (docs/adr/0003-push-provider.md). */
  FCM_PROJECT_ID: optional,
  /** The service-account JSON itself (not a path), as secret stores hand it out. */
  FCM_SERVICE_ACCOUNT_JSON: optional,
  /** A ready OAuth bearer token instead of a service account: for simulators. */
  FCM_ACCESS_TOKEN: optional,
  FCM_API_BASE_URL: z.url().optional(),
  QUIET_HOURS: z
    .string()
    .default('21:00-09:00')
    .refine((value) => value === 'off' || /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/.test(value), {
      message: 'must be HH:MM-HH:MM or off',
    }),
  QUIET_HOURS_TZ: z
    .string()
    .default('Asia/Kolkata')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone'),
  SEND_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  /** First retry delay of a transient provider error; doubles per attempt, with jitter. */
  SEND_RETRY_BASE_MS: z.coerce.number().int().min(1).default(2_000),
  /** Sends per second per channel, per replica. */
  SEND_RATE_PER_SECOND: z.coerce.number().positive().default(20),
  /** How long a claimed notification is reserved for one dispatcher before another may take it. */
  SEND_CLAIM_LEASE_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** How often the dispatcher and the outbox relay look for work when nothing woke them. */
  DISPATCH_POLL_MS: z.coerce.number().int().min(10).default(500),
  DISPATCH_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(50),
  DISPATCH_WORKERS: z.coerce.number().int().min(1).max(32).default(8),
});

export type NotificationsConfig = z.infer<typeof schema>;

/** Reads and validates notifications-service configuration; a bad variable stops the start, named. */
export function loadNotificationsConfig(env: NodeJS.ProcessEnv = process.env): NotificationsConfig {
  const config = loadConfig(schema, env);
  assertProductionSecrets(config);
  return config;
}

/** Injection token for the validated configuration. */
export const NOTIFICATIONS_CONFIG = Symbol('NOTIFICATIONS_CONFIG');
