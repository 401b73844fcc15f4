import { TemplateRenderer, TemplateRenderError, TemplateSyntaxError, type TemplateSource } from './template-renderer.js';

const template = (overrides: Partial<TemplateSource> = {}): TemplateSource => ({
  id: 1,
  updatedAt: new Date('2026-01-01T00:00:00Z'),
  channel: 'sms',
  subjectTemplate: '',
  bodyTemplate: 'Hi {{firstName lead.customerName}}, lead {{lead.city}}',
  htmlTemplate: null,
  ...overrides,
});

const context = { lead: { customerName: 'Asha  Rao', city: 'Bengaluru <East>', updatedAt: '2026-11-21T10:00:00Z' } };

describe('TemplateRenderer', () => {
  it('renders variables and the firstName helper', () => {
    const out = new TemplateRenderer().render(template(), context);
    expect(out.body).toBe('Hi Asha, lead Bengaluru <East>');
  });

  it('fails loudly on a missing variable instead of rendering blank', () => {
    const renderer = new TemplateRenderer();
    expect(() => renderer.render(template({ bodyTemplate: 'Hi {{lead.nickname}}' }), context)).toThrow(TemplateRenderError);
    expect(() => renderer.render(template({ id: 2, bodyTemplate: 'Hi {{lead.nickname}}' }), context)).toThrow(/nickname/);
  });

  it('HTML-escapes only the email HTML part', () => {
    const out = new TemplateRenderer().render(
      template({
        channel: 'email',
        subjectTemplate: 'Lead in {{lead.city}}',
        bodyTemplate: 'Text {{lead.city}}',
        htmlTemplate: '<p>{{lead.city}}</p>',
      }),
      context,
    );
    expect(out.subject).toBe('Lead in Bengaluru <East>');
    expect(out.body).toBe('Text Bengaluru <East>');
    expect(out.html).toBe('<p>Bengaluru &lt;East&gt;</p>');
  });

  it('formats dates and times in Asia/Kolkata', () => {
    const out = new TemplateRenderer().render(
      template({ bodyTemplate: '{{formatDate lead.updatedAt}} at {{formatTime lead.updatedAt}}' }),
      context,
    );
    // 10:00 UTC is 15:30 IST.
    expect(out.body).toBe('21 Nov 2026 at 3:30 pm');
  });

  it('rejects a value that is not a date', () => {
    expect(() => new TemplateRenderer().render(template({ bodyTemplate: '{{formatDate lead.city}}' }), context)).toThrow(
      /formatDate: not a date/,
    );
  });

  it('compiles once and recompiles when updatedAt changes', () => {
    const renderer = new TemplateRenderer();
    const v1 = template({ bodyTemplate: 'one {{lead.city}}' });
    expect(renderer.render(v1, context).body).toBe('one Bengaluru <East>');
    // Same id and version: the cached compile is used even if the text object differs.
    expect(renderer.render({ ...v1, bodyTemplate: 'two {{lead.city}}' }, context).body).toBe('one Bengaluru <East>');
    const v2 = { ...v1, bodyTemplate: 'two {{lead.city}}', updatedAt: new Date('2026-01-02T00:00:00Z') };
    expect(renderer.render(v2, context).body).toBe('two Bengaluru <East>');
    expect(renderer.cachedCount).toBe(1);
  });

  it('validate names the part and gives the parser message', () => {
    const renderer = new TemplateRenderer();
    try {
      renderer.validate({ subjectTemplate: 'ok', bodyTemplate: 'Hi {{#if lead.city}}unclosed' });
      throw new Error('expected a syntax error');
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateSyntaxError);
      expect((error as TemplateSyntaxError).part).toBe('bodyTemplate');
      expect((error as Error).message).toMatch(/Expecting|Parse error|doesn't match/);
    }
    expect(() => renderer.validate({ bodyTemplate: '{{lead.city}}', htmlTemplate: null })).not.toThrow();
  });
});
