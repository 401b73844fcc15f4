import type { FilterQuery } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { keysetFilter, toPage } from '#platform/pagination';
import { DomainError } from '#platform/problem';
import { Clock } from '../dispatch/clock.js';
import { Dispatcher } from '../dispatch/dispatcher.service.js';
import { addressFor } from '../recipients/addresses.js';
import { toE164 } from '../recipients/phone.js';
import { Recipient } from '../recipients/recipient.entity.js';
import { NotificationTemplate } from '../templates/notification-template.entity.js';
import { TemplateRenderer } from '../templates/template-renderer.js';
import { findUnsafeText } from '#platform/text-safety';
import { traceparentOf } from '#platform/tracing';
import type { ListNotificationsQuery } from './dto/list-notifications.query.js';
import type { NotificationDetailView, NotificationPage, NotificationView } from './dto/notification.view.js';
import type { SendNotificationDto } from './dto/send-notification.dto.js';
import { DeliveryReceipt } from './delivery-receipt.entity.js';
import { Notification } from './notification.entity.js';
import { NotificationErrorCode } from './notifications.errors.js';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** Notification history, detail with receipts, and ad-hoc sends (queued for the dispatcher). */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly em: EntityManager,
    private readonly renderer: TemplateRenderer,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
  ) {}

  async list(query: ListNotificationsQuery): Promise<NotificationPage> {
    const limit = query.limit ?? 50;
    const where: FilterQuery<Notification> = {};
    if (query.recipientId) where.recipientId = query.recipientId;
    if (query.channel) where.channel = query.channel;
    if (query.status) where.status = query.status;
    if (query.contextType) where.contextType = query.contextType;
    if (query.contextId) where.contextId = query.contextId;
    if (query.cursor) where.$or = keysetFilter('createdAt', query.cursor, NotificationErrorCode.InvalidCursor).$or;
    const rows = await this.em.fork().find(Notification, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: limit + 1 });
    return toPage(rows, limit, toView, (notification) => ({ at: notification.createdAt, id: notification.id }));
  }

  async get(id: string): Promise<NotificationDetailView> {
    const em = this.em.fork();
    const notification = await em.findOne(Notification, id);
    if (!notification) throw new DomainError('not_found', NotificationErrorCode.NotFound, `Notification ${id} does not exist`);
    const receipts = await em.find(DeliveryReceipt, { notification: id }, { orderBy: { receivedAt: 'asc', id: 'asc' } });
    return {
      ...toView(notification),
      receipts: receipts.map((receipt) => ({
        id: receipt.id,
        status: receipt.status,
        gatewayMessageId: receipt.gatewayMessageId ?? null,
        errorCode: receipt.errorCode ?? null,
        errorMessage: receipt.errorMessage,
        receivedAt: receipt.receivedAt.toISOString(),
      })),
    };
  }

  /** Renders (or takes) the content now and queues it; delivery follows through the dispatcher. */
  async send(input: SendNotificationDto): Promise<NotificationView> {
    // HTTP bodies were checked by the global pipe; this guards every other caller.
    const unsafe = findUnsafeText(input.context, 'context');
    if (unsafe.length) throw new DomainError('invalid', NotificationErrorCode.InvalidContext, 'context holds text that cannot be stored', unsafe);
    const em = this.em.fork();
    const directory = await em.findOne(Recipient, input.recipient.id);
    const address = input.recipient.address
      ? this.normalizeAddress(input.channel, input.recipient.address)
      : directory
        ? addressFor(input.channel, directory)
        : null;

    let template: NotificationTemplate | null = null;
    let content: { subject: string; body: string; html: string | null };
    if (input.templateName) {
      template = await em.findOne(NotificationTemplate, { name: input.templateName, isActive: true });
      if (!template) {
        throw new DomainError('invalid', NotificationErrorCode.TemplateNotFound, `No active template ${input.templateName}`, [
          { field: 'templateName', message: 'no active template with this name' },
        ]);
      }
      if (template.channel !== input.channel) {
        throw new DomainError('invalid', NotificationErrorCode.TemplateChannelMismatch, `Template ${template.name} is for ${template.channel}`, [
          { field: 'templateName', message: `template is for channel ${template.channel}` },
        ]);
      }
      try {
        content = this.renderer.render(template, { recipient: { id: input.recipient.id, name: directory?.name ?? '' }, ...input.context });
      } catch (error) {
        throw new DomainError('invalid', NotificationErrorCode.TemplateDidNotRender, (error as Error).message, [
          { field: 'context', message: (error as Error).message },
        ]);
      }
    } else if (input.body) {
      content = { subject: input.subject ?? '', body: input.body, html: null };
    } else {
      throw new DomainError('invalid', NotificationErrorCode.ContentMissing, 'Give templateName (+ context) or body', [
        { field: 'body', message: 'body is required without templateName' },
      ]);
    }

    const notification = em.create(Notification, {
      recipientId: input.recipient.id,
      channel: input.channel,
      template,
      subject: content.subject.slice(0, 255),
      body: content.body,
      htmlBody: content.html,
      contextType: input.contextType,
      contextId: input.contextId ?? null,
      address,
      traceparent: traceparentOf() ?? null,
      nextAttemptAt: this.clock.now(),
    });
    await em.flush();
    this.dispatcher.wake();
    return toView(notification);
  }

  private normalizeAddress(channel: string, raw: string): string {
    if (channel === 'sms' || channel === 'whatsapp' || channel === 'call') {
      const e164 = toE164(raw);
      if (e164) return e164;
      throw new DomainError('invalid', NotificationErrorCode.InvalidAddress, 'recipient.address is not a valid phone number', [
        { field: 'recipient.address', message: 'must be a valid phone number' },
      ]);
    }
    if (channel === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(raw)) {
      throw new DomainError('invalid', NotificationErrorCode.InvalidAddress, 'recipient.address is not an email address', [
        { field: 'recipient.address', message: 'must be an email address' },
      ]);
    }
    return raw;
  }
}

function toView(notification: Notification): NotificationView {
  return {
    id: notification.id,
    recipientId: notification.recipientId,
    channel: notification.channel,
    templateId: notification.template?.id ?? null,
    subject: notification.subject,
    body: notification.body,
    contextType: notification.contextType,
    contextId: notification.contextId ?? null,
    status: notification.status,
    address: notification.address ?? null,
    provider: notification.provider ?? null,
    gatewayMessageId: notification.gatewayMessageId ?? null,
    attempts: notification.attempts,
    nextAttemptAt: notification.nextAttemptAt.toISOString(),
    lastErrorCode: notification.lastErrorCode ?? null,
    lastErrorMessage: notification.lastErrorMessage ?? null,
    eventId: notification.eventId ?? null,
    sentAt: iso(notification.sentAt),
    deliveredAt: iso(notification.deliveredAt),
    readAt: iso(notification.readAt),
    createdAt: notification.createdAt.toISOString(),
  };
}
