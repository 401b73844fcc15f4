import { randomUUID } from 'node:crypto';
import { type NotificationChannel, NotificationChannels } from '#contracts';
import { Logger } from '@nestjs/common';
import { maskEmail, maskPhone } from '#platform/logging';
import type { DeliveryProvider, OutboundMessage, SendResult } from './provider.js';

/** A message the sandbox "sent", kept so a developer (or a test) can see it. */
export interface SandboxDelivery extends OutboundMessage {
  gatewayMessageId: string;
  sentAt: Date;
}

/** Masks a recipient for logs: phones and emails as the platform masks them, push tokens cut short. */
export function maskRecipient(channel: NotificationChannel, to: string): string {
  if (channel === 'email') return maskEmail(to);
  if (channel === 'push') return to.length > 8 ? `${to.slice(0, 6)}…` : '***';
  return maskPhone(to.replace(/^whatsapp:/, ''));
}

/** Stands in for every gateway that has no credentials: never calls out, remembers the last messages, logs each one. */
export class SandboxProvider implements DeliveryProvider {
  readonly name = 'sandbox';
  private readonly recent: SandboxDelivery[] = [];
  private readonly logger = new Logger('SandboxProvider');

  constructor(
    private readonly channels: readonly NotificationChannel[] = NotificationChannels,
    private readonly capacity = 200,
  ) {}

  supports(channel: NotificationChannel): boolean {
    return this.channels.includes(channel);
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const delivery: SandboxDelivery = { ...message, gatewayMessageId: `sandbox-${randomUUID()}`, sentAt: new Date() };
    this.recent.push(delivery);
    if (this.recent.length > this.capacity) this.recent.splice(0, this.recent.length - this.capacity);
    this.logger.log(
      `sandbox ${message.channel} to ${maskRecipient(message.channel, message.to)} notification ${message.notificationId} as ${delivery.gatewayMessageId}`,
    );
    return { gatewayMessageId: delivery.gatewayMessageId, provider: this.name };
  }

  /** The remembered messages, oldest first. */
  sent(): readonly SandboxDelivery[] {
    return [...this.recent];
  }

  /** The latest message sent for a notification, if still remembered. */
  lastFor(notificationId: string): SandboxDelivery | undefined {
    return this.recent.findLast((delivery) => delivery.notificationId === notificationId);
  }
}
