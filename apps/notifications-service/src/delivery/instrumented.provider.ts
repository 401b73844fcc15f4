import type { NotificationChannel } from '#contracts';
import { Counter, Histogram } from 'prom-client';
import { type DeliveryProvider, type OutboundMessage, ProviderError, type SendResult } from './provider.js';

const gatewayRequests = new Counter({
  name: 'notifications_gateway_requests_total',
  help: 'Sends handed to a delivery provider, by provider, channel and outcome (accepted, transient_error, permanent_error)',
  labelNames: ['provider', 'channel', 'outcome'] as const,
});

const gatewayLatency = new Histogram({
  name: 'notifications_gateway_request_seconds',
  help: 'Time a delivery provider took to accept or refuse a send',
  labelNames: ['provider', 'channel'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

/** Wraps a provider so every send is counted by outcome and timed, without the providers knowing about metrics. */
export class InstrumentedProvider implements DeliveryProvider {
  readonly name: string;

  constructor(readonly inner: DeliveryProvider) {
    this.name = inner.name;
  }

  supports(channel: NotificationChannel): boolean {
    return this.inner.supports(channel);
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const labels = { provider: this.name, channel: message.channel };
    const stop = gatewayLatency.startTimer(labels);
    try {
      const result = await this.inner.send(message);
      gatewayRequests.inc({ ...labels, outcome: 'accepted' });
      return result;
    } catch (error) {
      const transient = error instanceof ProviderError ? error.transient : false;
      gatewayRequests.inc({ ...labels, outcome: transient ? 'transient_error' : 'permanent_error' });
      throw error;
    } finally {
      stop();
    }
  }

  /** Passes shutdown through to providers that hold resources (firebase app, sockets). */
  async close(): Promise<void> {
    await (this.inner as { close?: () => Promise<void> }).close?.();
  }
}
