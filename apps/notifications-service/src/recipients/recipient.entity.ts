import { defineEntity, p } from '@mikro-orm/core';

export const RecipientKinds = ['customer', 'user'] as const;
export type RecipientKind = (typeof RecipientKinds)[number];

const RecipientSchema = defineEntity({
  name: 'Recipient',
  tableName: 'recipient',
  properties: {
    /** A platform user id, or `cust:<E.164>` for a customer (same person across leads). */
    id: p.string().length(100).primary(),
    kind: p.enum(RecipientKinds).columnType('varchar(20)').default('user'),
    name: p.string().length(200).default(''),
    /** E.164. */
    phone: p.string().length(16).nullable(),
    email: p.string().length(254).nullable(),
    /** E.164; falls back to `phone` when unset. */
    whatsapp: p.string().length(16).nullable(),
    pushToken: p.string().length(512).nullable(),
    locale: p.string().length(10).default('en-IN'),
    optOutSms: p.boolean().default(false),
    optOutWhatsapp: p.boolean().default(false),
    optOutEmail: p.boolean().default(false),
    optOutPush: p.boolean().default(false),
    optOutCall: p.boolean().default(false),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

/** A contact-directory entry: where and whether a person may be messaged. */
export class Recipient extends RecipientSchema.class {}
RecipientSchema.setClass(Recipient);
