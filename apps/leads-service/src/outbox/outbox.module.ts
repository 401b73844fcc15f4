import { Module } from '@nestjs/common';
import { OutboxRelay } from './outbox-relay.js';

/** The relay that moves outbox rows to Kafka. */
@Module({ providers: [OutboxRelay], exports: [OutboxRelay] })
export class OutboxModule {}
