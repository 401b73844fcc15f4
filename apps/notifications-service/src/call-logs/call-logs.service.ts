import type { FilterQuery } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { CallOutcome, CallType } from '#contracts';
import { keysetFilter, toPage } from '#platform/pagination';
import { DomainError } from '#platform/problem';
import { toE164 } from '../recipients/phone.js';
import { CallLog } from './call-log.entity.js';
import { callLogSnapshot, enqueueCallLogged } from './call-log-events.js';
import { CallLogErrorCode } from './call-logs.errors.js';
import type { CallLogPage, CallLogView } from './dto/call-log.view.js';
import type { CreateCallLogDto } from './dto/create-call-log.dto.js';
import type { ListCallLogsQuery } from './dto/list-call-logs.query.js';

/** A call to record, already validated; `calleePhone` in E.164. */
export interface NewCallLog {
  callerId: string;
  calleePhone: string;
  callType: CallType;
  contextType: string;
  contextId: string;
  outcome: CallOutcome;
  durationSeconds: number | null;
  notes: string;
  calledAt: Date;
}

/** Queues a call log and its `chargesol.call.logged` event in the caller's unit of work (one flush for both). */
export function recordCallLog(em: EntityManager, input: NewCallLog): CallLog {
  const log = em.create(CallLog, input);
  enqueueCallLogged(em, log);
  return log;
}

// A phone's clock may run a little ahead of ours; a call further in the future is a mistake.
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** Calls made by Central Ops and field teams: recorded with their event, listed with filters. */
@Injectable()
export class CallLogsService {
  constructor(private readonly em: EntityManager) {}

  async create(callerId: string, input: CreateCallLogDto, now = new Date()): Promise<CallLogView> {
    const calleePhone = toE164(input.calleePhone);
    if (!calleePhone) {
      throw new DomainError('invalid', CallLogErrorCode.InvalidPhone, 'Invalid request: calleePhone', [
        { field: 'calleePhone', message: 'must be a valid phone number (E.164, or Indian without country code)' },
      ]);
    }
    const calledAt = input.calledAt ? new Date(input.calledAt) : now;
    if (calledAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
      throw new DomainError('invalid', CallLogErrorCode.CalledInFuture, 'Invalid request: calledAt', [
        { field: 'calledAt', message: 'must not be in the future' },
      ]);
    }
    const em = this.em.fork();
    const log = recordCallLog(em, {
      callerId,
      calleePhone,
      callType: input.callType,
      contextType: input.contextType,
      contextId: input.contextId,
      outcome: input.outcome,
      durationSeconds: input.durationSeconds ?? null,
      notes: input.notes ?? '',
      calledAt,
    });
    await em.flush();
    return callLogSnapshot(log);
  }

  async list(query: ListCallLogsQuery): Promise<CallLogPage> {
    const limit = query.limit ?? 50;
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && from > to) {
      throw new DomainError('invalid', CallLogErrorCode.InvalidRange, 'Invalid request: from', [
        { field: 'from', message: 'from must not be after to' },
      ]);
    }
    const where: FilterQuery<CallLog>[] = [];
    if (query.callType) where.push({ callType: query.callType });
    if (query.contextType) where.push({ contextType: query.contextType });
    if (query.contextId) where.push({ contextId: query.contextId });
    if (from) where.push({ calledAt: { $gte: from } });
    if (to) where.push({ calledAt: { $lt: to } });
    if (query.cursor) where.push(keysetFilter('calledAt', query.cursor, CallLogErrorCode.InvalidCursor));
    const rows = await this.em.fork().find(
      CallLog,
      where.length ? { $and: where } : {},
      { orderBy: [{ calledAt: 'desc' }, { id: 'desc' }], limit: limit + 1 },
    );
    return toPage(rows, limit, callLogSnapshot, (log) => ({ at: log.calledAt, id: log.id }));
  }
}
