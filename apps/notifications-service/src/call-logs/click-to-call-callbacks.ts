import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordCallLog } from './call-logs.service.js';
import { ClickToCall } from './click-to-call.entity.js';

/** The parts of a Twilio call status callback a click-to-call needs. */
export interface ClickToCallCallback {
  callSid: string;
  parentCallSid: string | null;
  gatewayStatus: string;
  failed: boolean;
  outcome: 'connected' | 'no_answer' | 'busy' | 'voicemail' | 'callback_requested' | null;
  durationSeconds: number | null;
}

/** The click-to-call a call callback belongs to (locked), found by the ops leg's CallSid. */
export function findClickToCall(tx: EntityManager, callback: ClickToCallCallback): Promise<ClickToCall | null> {
  return tx.findOne(ClickToCall, { callSid: callback.parentCallSid ?? callback.callSid }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/**
 * Applies a call callback to its click-to-call. The customer leg (ParentCallSid set) ending becomes
 * the call log, once, with the ops user as caller; the ops leg ending unanswered means the customer
 * was never dialled (no call log). The ops leg completing says nothing about the customer: ignored.
 */
export function applyClickToCallCallback(
  tx: EntityManager,
  row: ClickToCall,
  callback: ClickToCallCallback,
): 'applied' | 'duplicate' | 'ignored' {
  if (callback.parentCallSid) {
    if (!callback.outcome) return 'ignored';
    if (row.callLogId) return 'duplicate';
    const log = recordCallLog(tx, {
      callerId: row.callerId,
      calleePhone: row.calleePhone,
      callType: row.callType,
      contextType: row.contextType,
      contextId: row.contextId,
      outcome: callback.outcome,
      durationSeconds: callback.durationSeconds,
      notes: `Click-to-call ${row.id} (Twilio ${callback.callSid}: ${callback.gatewayStatus})`,
      calledAt: row.createdAt,
    });
    row.callLogId = log.id;
    row.status = 'completed';
    return 'applied';
  }
  if (!callback.failed) return 'ignored';
  if (row.status !== 'placing' && row.status !== 'ringing_caller') return 'duplicate';
  row.status = 'caller_unreachable';
  row.errorMessage = `caller leg ${callback.gatewayStatus}`;
  return 'applied';
}
