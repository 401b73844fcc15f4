import type { NotificationChannel } from '#contracts';

/** One rendered message on its way to a gateway; `to` is an E.164 phone, an email address or a push token. */
export interface OutboundMessage {
  notificationId: string;
  channel: NotificationChannel;
  to: string;
  subject?: string;
  body: string;
  html?: string;
  statusCallbackUrl?: string;
}

/** What a gateway accepted: its own id for the message, used to match later status callbacks. */
export interface SendResult {
  gatewayMessageId: string;
  provider: string;
}

/** A gateway refused or could not be reached; `transient` (timeout, network, 429, 5xx) means try again later. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** A way to deliver messages on one or more channels. */
export interface DeliveryProvider {
  readonly name: string;
  supports(channel: NotificationChannel): boolean;
  send(message: OutboundMessage): Promise<SendResult>;
}
