import { Module } from '@nestjs/common';
import { OutboxRelay } from './outbox-relay.service.js';

/** This service's outbox relay to `notifications.events.v1`. */
@Module({ providers: [OutboxRelay], exports: [OutboxRelay] })
export class OutboxModule {}
