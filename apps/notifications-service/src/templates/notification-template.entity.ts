import { defineEntity, p } from '@mikro-orm/core';
import { TemplateChannels } from '#contracts';

const NotificationTemplateSchema = defineEntity({
  name: 'NotificationTemplate',
  tableName: 'notification_template',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().length(100).unique(),
    channel: p.enum(TemplateChannels).columnType('varchar(20)'),
    /** Email only; empty for the other channels (seeds: blank). */
    subjectTemplate: p.string().length(255).default(''),
    bodyTemplate: p.text(),
    /** Email HTML part; the text part is `bodyTemplate`. */
    htmlTemplate: p.text().nullable(),
    isActive: p.boolean().default(true),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    /** The renderer's cache key: a changed template is recompiled. */
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

/** A reusable Handlebars template for one channel (seeds: NotificationTemplate). */
export class NotificationTemplate extends NotificationTemplateSchema.class {}
NotificationTemplateSchema.setClass(NotificationTemplate);
