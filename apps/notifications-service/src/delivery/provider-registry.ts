import type { NotificationChannel } from '#contracts';
import { DeliveryErrorCode } from './delivery.errors.js';
import { type DeliveryProvider, ProviderError } from './provider.js';

/** Picks the provider for a channel: the first registered one that supports it (real gateways before the sandbox). */
export class ProviderRegistry {
  constructor(private readonly providers: readonly DeliveryProvider[]) {}

  /** Throws a permanent ProviderError when nothing serves the channel, so the notification fails with a reason. */
  forChannel(channel: NotificationChannel): DeliveryProvider {
    const provider = this.providers.find((candidate) => candidate.supports(channel));
    if (!provider) throw new ProviderError(`no delivery provider for channel ${channel}`, false, DeliveryErrorCode.NotConfigured);
    return provider;
  }

  /** Every registered provider, in selection order. */
  all(): readonly DeliveryProvider[] {
    return this.providers;
  }
}
