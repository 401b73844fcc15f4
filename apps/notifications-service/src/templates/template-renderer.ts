import Handlebars from 'handlebars';
import type { TemplateChannel } from '#contracts';

/** What a template is rendered from; `id` + `updatedAt` key the compile cache. */
export interface TemplateSource {
  id: number;
  name?: string;
  updatedAt: Date;
  channel: TemplateChannel;
  subjectTemplate: string;
  bodyTemplate: string;
  htmlTemplate?: string | null;
}

/** A rendered message: subject (email), text body, and the HTML part of an email. */
export interface RenderedMessage {
  subject: string;
  body: string;
  html: string | null;
}

/** A template part that does not parse; `part` names the field, `message` is the parser's. */
export class TemplateSyntaxError extends Error {
  constructor(
    readonly part: 'subjectTemplate' | 'bodyTemplate' | 'htmlTemplate',
    message: string,
  ) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

/** Rendering failed for this context (a missing variable, a bad helper argument). */
export class TemplateRenderError extends Error {
  constructor(
    readonly templateId: number,
    message: string,
  ) {
    super(message);
    this.name = 'TemplateRenderError';
  }
}

const TIME_ZONE = 'Asia/Kolkata';
const dateFormat = new Intl.DateTimeFormat('en-IN', { timeZone: TIME_ZONE, day: 'numeric', month: 'short', year: 'numeric' });
const timeFormat = new Intl.DateTimeFormat('en-IN', { timeZone: TIME_ZONE, hour: 'numeric', minute: '2-digit', hour12: true });

function toDate(value: unknown, helper: string): Date {
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw new Error(`${helper}: not a date: ${String(value)}`);
  return date;
}

/** How a lead status reads to a customer. */
const statusLabels: Record<string, string> = {
  new: 'request received',
  contacted: 'in touch with our team',
  documents_pending: 'waiting for your documents',
  documents_received: 'documents received',
  survey_scheduled: 'site survey scheduled',
  survey_completed: 'site survey done',
  installation_scheduled: 'installation scheduled',
  installation_completed: 'installation completed',
  closed: 'closed',
  cancelled: 'cancelled',
  on_hold: 'on hold',
};

/** A Handlebars environment of our own (never the global one) with the business helpers. */
function createEnvironment(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper('formatDate', (value: unknown) => dateFormat.format(toDate(value, 'formatDate')));
  hb.registerHelper('formatTime', (value: unknown) => timeFormat.format(toDate(value, 'formatTime')));
  hb.registerHelper('firstName', (value: unknown) => {
    if (typeof value !== 'string' || !value.trim()) throw new Error('firstName: needs a non-empty name');
    return value.trim().split(/\s+/)[0];
  });
  hb.registerHelper('statusLabel', (value: unknown) => {
    if (typeof value !== 'string') throw new Error('statusLabel: needs a status');
    return statusLabels[value] ?? value.replaceAll('_', ' ');
  });
  return hb;
}

type Compiled = (context: object) => string;
interface CacheEntry {
  version: number;
  subject: Compiled;
  body: Compiled;
  html: Compiled | null;
}

/**
 * Strict Handlebars rendering: a missing variable throws instead of rendering blank; only the
 * email HTML part is HTML-escaped (SMS/WhatsApp/subjects are plain text). Each template is
 * compiled once and kept until its `updatedAt` changes.
 */
export class TemplateRenderer {
  private readonly hb = createEnvironment();
  private readonly cache = new Map<number, CacheEntry>();

  /** Throws TemplateSyntaxError (with the parser's message) for the first part that does not parse. */
  validate(parts: Partial<Pick<TemplateSource, 'subjectTemplate' | 'bodyTemplate' | 'htmlTemplate'>>): void {
    for (const part of ['subjectTemplate', 'bodyTemplate', 'htmlTemplate'] as const) {
      const source = parts[part];
      if (source === undefined || source === null) continue;
      try {
        this.hb.precompile(source, { strict: true });
      } catch (error) {
        throw new TemplateSyntaxError(part, (error as Error).message);
      }
    }
  }

  render(template: TemplateSource, context: object): RenderedMessage {
    const entry = this.compiled(template);
    try {
      return {
        subject: entry.subject(context).trim(),
        body: entry.body(context).trim(),
        html: entry.html ? entry.html(context) : null,
      };
    } catch (error) {
      throw new TemplateRenderError(template.id, `template ${template.name ?? template.id} did not render: ${(error as Error).message}`);
    }
  }

  /** Templates currently compiled (for tests of the cache). */
  get cachedCount(): number {
    return this.cache.size;
  }

  private compiled(template: TemplateSource): CacheEntry {
    const version = template.updatedAt.getTime();
    const cached = this.cache.get(template.id);
    if (cached && cached.version === version) return cached;
    const text = (source: string) => this.hb.compile(source, { strict: true, noEscape: true });
    const entry: CacheEntry = {
      version,
      subject: text(template.subjectTemplate),
      body: text(template.bodyTemplate),
      html:
        template.channel === 'email' && template.htmlTemplate
          ? this.hb.compile(template.htmlTemplate, { strict: true })
          : null,
    };
    this.cache.set(template.id, entry);
    return entry;
  }
}
