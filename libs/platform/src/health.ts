import { Controller, Get, Injectable, Module, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { MikroORM } from '@mikro-orm/core';
import { Public } from './auth.js';
import { KafkaConnection } from './kafka.js';

/** Readiness of the two things a service cannot work without: its database and the broker. */
@Injectable()
export class DependencyIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly orm: MikroORM,
    private readonly kafka: KafkaConnection,
  ) {}

  async database(timeoutMs = 2_000) {
    const session = this.indicators.check('database');
    let timer: NodeJS.Timeout | undefined;
    try {
      // MikroORM 7 connects lazily, so checkConnection() says "not established" before the first query.
      await Promise.race([
        this.orm.em.getConnection().execute('select 1'),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
      ]);
      return session.up();
    } catch {
      return session.down({ message: 'database not reachable' });
    } finally {
      clearTimeout(timer);
    }
  }

  async kafkaBroker() {
    const session = this.indicators.check('kafka');
    try {
      await this.kafka.ping();
      return session.up();
    } catch {
      return session.down({ message: 'Kafka not reachable' });
    }
  }
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: DependencyIndicators,
  ) {}

  /** The process is up and its event loop answers. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** 200 only when the database and Kafka answer; 503 with the failing dependency otherwise. */
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      return await this.health.check([() => this.dependencies.database(), () => this.dependencies.kafkaBroker()]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      reply.status(503);
      return error.getResponse();
    }
  }
}

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [DependencyIndicators],
})
export class HealthModule {}
