import { NotificationChannels } from '#contracts';
import { type DynamicModule, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config.js';
import { createProviderRegistry } from './provider-selection.js';
import { ProviderRegistry } from './provider-registry.js';
import { SandboxProvider } from './sandbox.provider.js';

/** Delivery providers: `ProviderRegistry` (channel → provider) and the `SandboxProvider` behind it, from the validated config. */
@Module({})
export class DeliveryModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryModule.name);

  constructor(private readonly registry: ProviderRegistry) {}

  static register(config: NotificationsConfig): DynamicModule {
    return {
      module: DeliveryModule,
      providers: [
        { provide: NOTIFICATIONS_CONFIG, useValue: config },
        { provide: SandboxProvider, useFactory: () => new SandboxProvider() },
        {
          provide: ProviderRegistry,
          inject: [NOTIFICATIONS_CONFIG, SandboxProvider],
          useFactory: (settings: NotificationsConfig, sandbox: SandboxProvider) => createProviderRegistry(settings, sandbox),
        },
      ],
      exports: [ProviderRegistry, SandboxProvider],
    };
  }

  /** Logs, once, which gateway serves which channel, so a start without credentials is obvious. */
  onModuleInit(): void {
    this.logger.log(`delivery: ${NotificationChannels.map((channel) => `${channel}→${this.registry.forChannel(channel).name}`).join(', ')}`);
  }

  /** Firebase keeps an app with open sockets; release it so the process can exit. */
  async onApplicationShutdown(): Promise<void> {
    for (const provider of this.registry.all()) {
      if ('close' in provider && typeof provider.close === 'function') await (provider as { close(): Promise<void> }).close();
    }
  }
}
