import { Module } from '@nestjs/common';
import { TemplateRenderer } from './template-renderer.js';
import { TemplatesController } from './templates.controller.js';
import { TemplatesService } from './templates.service.js';

/** Templates: CRUD over HTTP and the one shared renderer (its compile cache lives per process). */
@Module({
  controllers: [TemplatesController],
  providers: [{ provide: TemplateRenderer, useValue: new TemplateRenderer() }, TemplatesService],
  exports: [TemplateRenderer],
})
export class TemplatesModule {}
