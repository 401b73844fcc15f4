import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DomainError } from '#platform/problem';
import type { CreateTemplateDto, TemplateView, UpdateTemplateDto } from './dto/template.dto.js';
import { NotificationTemplate } from './notification-template.entity.js';
import { TemplateRenderer, TemplateSyntaxError } from './template-renderer.js';
import { TemplateErrorCode } from './templates.errors.js';

/** Template CRUD; a template is stored only when every part compiles. */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly em: EntityManager,
    private readonly renderer: TemplateRenderer,
  ) {}

  async list(): Promise<TemplateView[]> {
    const templates = await this.em.fork().find(NotificationTemplate, {}, { orderBy: { id: 'asc' } });
    return templates.map(toView);
  }

  async get(id: number): Promise<TemplateView> {
    return toView(await this.find(this.em.fork(), id));
  }

  async create(input: CreateTemplateDto): Promise<TemplateView> {
    this.check(input.channel, input);
    const em = this.em.fork();
    const template = em.create(NotificationTemplate, {
      name: input.name,
      channel: input.channel,
      subjectTemplate: input.subjectTemplate ?? '',
      bodyTemplate: input.bodyTemplate,
      htmlTemplate: input.htmlTemplate ?? null,
      isActive: input.isActive ?? true,
    });
    await this.flush(em, input.name);
    return toView(template);
  }

  async update(id: number, input: UpdateTemplateDto): Promise<TemplateView> {
    const em = this.em.fork();
    const template = await this.find(em, id);
    this.check(input.channel ?? template.channel, { htmlTemplate: template.htmlTemplate, ...input });
    // null clears only what may be empty (the HTML part); for the other fields it means "unchanged".
    const changes = Object.entries(input).filter(([key, value]) => value !== undefined && (value !== null || key === 'htmlTemplate'));
    em.assign(template, Object.fromEntries(changes));
    await this.flush(em, input.name ?? template.name);
    return toView(template);
  }

  private check(channel: string, parts: Pick<CreateTemplateDto, 'subjectTemplate' | 'bodyTemplate' | 'htmlTemplate'> | Partial<CreateTemplateDto>) {
    if (channel !== 'email' && parts.htmlTemplate) {
      throw new DomainError('invalid', TemplateErrorCode.HtmlOnlyForEmail, 'Only email templates have an HTML part', [
        { field: 'htmlTemplate', message: 'only email templates have an HTML part' },
      ]);
    }
    try {
      this.renderer.validate(parts);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      throw new DomainError('invalid', TemplateErrorCode.DoesNotCompile, `${error.part} does not compile: ${error.message}`, [
        { field: error.part, message: error.message },
      ]);
    }
  }

  private async find(em: EntityManager, id: number): Promise<NotificationTemplate> {
    // Ids are PostgreSQL integers; anything outside cannot exist (and must not reach the database).
    const template = Number.isInteger(id) && id > 0 && id <= 2_147_483_647 ? await em.findOne(NotificationTemplate, id) : null;
    if (!template) throw new DomainError('not_found', TemplateErrorCode.NotFound, `Template ${id} does not exist`);
    return template;
  }

  private async flush(em: EntityManager, name: string): Promise<void> {
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new DomainError('conflict', TemplateErrorCode.NameTaken, `A template named ${name} exists already`, [
          { field: 'name', message: 'name is taken' },
        ]);
      }
      throw error;
    }
  }
}

function toView(template: NotificationTemplate): TemplateView {
  return {
    id: template.id,
    name: template.name,
    channel: template.channel,
    subjectTemplate: template.subjectTemplate,
    bodyTemplate: template.bodyTemplate,
    htmlTemplate: template.htmlTemplate ?? null,
    isActive: template.isActive,
    createdAt: template.createdAt.toISOString(),
    updatedAt: template.updatedAt.toISOString(),
  };
}
