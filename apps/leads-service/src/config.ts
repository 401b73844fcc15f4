import { z } from 'zod';
import { assertProductionSecrets, commonEnv, loadConfig, port, postgresUrl } from '#platform/config';

const schema = z.object({
  ...commonEnv,
  LEADS_PORT: port(3001),
  LEADS_DATABASE_URL: postgresUrl('postgres://postgres@127.0.0.1:5432/chargesol_leads'),
  LEADS_DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
  DOCUMENTS_DIR: z.string().default('.data/documents'),
  S3_BUCKET: z.string().optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('ap-south-1'),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(500),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /** How long the relay waits after a commit wakes it, to publish the commits behind it in the same batch. */
  OUTBOX_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(5),
});

export type LeadsConfig = z.infer<typeof schema>;

/** Reads and validates leads-service configuration; a bad variable stops the start, named. */
export function loadLeadsConfig(env: NodeJS.ProcessEnv = process.env): LeadsConfig {
  const config = loadConfig(schema, env);
  assertProductionSecrets(config);
  return config;
}

/** Injection token for the validated configuration. */
export const LEADS_CONFIG = Symbol('LEADS_CONFIG');
