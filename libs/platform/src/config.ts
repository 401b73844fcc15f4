import { z } from 'zod';

/** A configuration that failed validation; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates environment variables against a schema; the one place services read process.env. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`),
    );
  }
  return result.data;
}

const DEV_JWT_SECRET = 'chargesol-dev-only-secret-change-me-in-production';

/** Fragments every service shares; each service composes its own schema from them. */
export const commonEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port')).min(1)),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_JWT_SECRET),
  AUTH_JWKS_URL: z.url().optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Requests per minute per client IP on API and webhook routes. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1_200),
  /** OpenTelemetry (see tracing.ts), named and read as the OpenTelemetry specification says. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  // Only a case-insensitive "true" disables the SDK; any other value leaves it on.
  OTEL_SDK_DISABLED: z
    .string()
    .optional()
    .transform((value) => value?.trim().toLowerCase() === 'true'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
};

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const postgresUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// URL');

/** Rejects the dev JWT secret in production, where a real secret or JWKS must be configured. */
export function assertProductionSecrets(config: { NODE_ENV: string; AUTH_JWT_SECRET: string; AUTH_JWKS_URL?: string }) {
  if (config.NODE_ENV === 'production' && !config.AUTH_JWKS_URL && config.AUTH_JWT_SECRET === DEV_JWT_SECRET) {
    throw new ConfigError(['AUTH_JWT_SECRET: the dev-only default is not allowed when NODE_ENV=production']);
  }
}
