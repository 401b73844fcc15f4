import { Counter } from 'prom-client';

/** Gateway callbacks by provider and outcome (applied, duplicate, unmatched, ignored). */
export const webhookCallbacks = new Counter({
  name: 'notifications_webhook_callbacks_total',
  help: 'Gateway callbacks handled, by provider and outcome',
  labelNames: ['provider', 'outcome'] as const,
});

/** Webhook requests refused by the signature check, by provider and reason. */
export const webhookRejections = new Counter({
  name: 'notifications_webhook_rejections_total',
  help: 'Webhook requests refused (signature missing, invalid, stale or not configured)',
  labelNames: ['provider', 'reason'] as const,
});
