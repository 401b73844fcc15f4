import { type DynamicModule, Module } from '@nestjs/common';
import type { NotificationsConfig } from '../config.js';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { Dispatcher } from './dispatcher.service.js';

/** The dispatcher: queued notifications → providers → sent/failed + outbox events. */
@Module({})
export class DispatchModule {
  static register(config: NotificationsConfig): DynamicModule {
    return {
      module: DispatchModule,
      global: true,
      imports: [DeliveryModule.register(config), OutboxModule],
      providers: [Dispatcher],
      exports: [Dispatcher, OutboxModule, DeliveryModule],
    };
  }
}
