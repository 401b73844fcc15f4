import { defineEntity, p } from '@mikro-orm/core';
import { CallOutcomes, CallTypes } from '#contracts';

const CallLogSchema = defineEntity({
  name: 'CallLog',
  tableName: 'call_log',
  indexes: [{ properties: ['callType'] }, { properties: ['contextType'] }, { properties: ['calledAt'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    /** The user who made the call (users are external). */
    callerId: p.string().length(100),
    /** E.164: 15 digits plus `+` needs 16 (the seeds' 15 cannot hold every E.164 number). */
    calleePhone: p.string().length(16),
    callType: p.enum(CallTypes).columnType('varchar(30)'),
    contextType: p.string().length(30),
    contextId: p.uuid(),
    outcome: p.enum(CallOutcomes).columnType('varchar(30)'),
    durationSeconds: p.integer().nullable(),
    notes: p.text().default(''),
    calledAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});

/** A phone call made in a ChargeSol workflow (seeds: CallLog). */
export class CallLog extends CallLogSchema.class {}
CallLogSchema.setClass(CallLog);
