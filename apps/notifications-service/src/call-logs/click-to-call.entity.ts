import { defineEntity, p } from '@mikro-orm/core';
import { CallTypes } from '#contracts';

export const ClickToCallStatuses = ['placing', 'ringing_caller', 'completed', 'caller_unreachable', 'failed'] as const;
export type ClickToCallStatus = (typeof ClickToCallStatuses)[number];

const ClickToCallSchema = defineEntity({
  name: 'ClickToCall',
  tableName: 'click_to_call',
  indexes: [{ properties: ['contextId'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    /** The ops user who asked for the call (token subject); the call log's caller. */
    callerId: p.string().length(100),
    /** E.164: the ops user's phone, rung first. */
    callerPhone: p.string().length(16),
    /** E.164: the customer, dialled once the ops user answers. */
    calleePhone: p.string().length(16),
    callType: p.enum(CallTypes).columnType('varchar(30)'),
    contextType: p.string().length(30),
    contextId: p.uuid(),
    /** Twilio's CallSid of the leg to the ops user; the customer leg reports it as ParentCallSid. */
    callSid: p.string().length(100).nullable().unique(),
    status: p.enum(ClickToCallStatuses).columnType('varchar(30)').default('placing'),
    errorMessage: p.text().nullable(),
    /** The call log written when the customer leg ended (one per click-to-call). */
    callLogId: p.uuid().nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

/** A click-to-call: ring the ops user, then bridge to the customer; the customer leg becomes a call log. */
export class ClickToCall extends ClickToCallSchema.class {}
ClickToCallSchema.setClass(ClickToCall);
