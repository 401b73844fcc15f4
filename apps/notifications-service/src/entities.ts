import { CallLog } from './call-logs/call-log.entity.js';
import { ClickToCall } from './call-logs/click-to-call.entity.js';
import { InboxEvent } from './lead-events/inbox-event.entity.js';
import { DeliveryReceipt } from './notifications/delivery-receipt.entity.js';
import { Notification } from './notifications/notification.entity.js';
import { OutboxEvent } from './outbox/outbox-event.entity.js';
import { Recipient } from './recipients/recipient.entity.js';
import { NotificationRule } from './rules/notification-rule.entity.js';
import { NotificationTemplate } from './templates/notification-template.entity.js';
import { UnmatchedReceipt } from './webhooks/unmatched-receipt.entity.js';

/** Every entity of notifications-service, registered with the ORM (feature modules add theirs here). */
export const notificationsEntities = [
  NotificationTemplate,
  Notification,
  DeliveryReceipt,
  CallLog,
  Recipient,
  NotificationRule,
  InboxEvent,
  OutboxEvent,
  UnmatchedReceipt,
  ClickToCall,
];
