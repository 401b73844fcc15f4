import type { OpenAPIObject } from '@nestjs/swagger';
import { addProblemResponses } from './openapi-problems.js';

const documentWith = (paths: Record<string, unknown>) =>
  ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths, components: { schemas: {} } }) as unknown as OpenAPIObject;

describe('addProblemResponses', () => {
  const document = addProblemResponses(
    documentWith({
      '/api/v1/leads/{id}/transitions': {
        post: {
          parameters: [{ name: 'id', in: 'path' }],
          requestBody: { content: {} },
          responses: { '200': { description: 'moved' }, '409': { description: 'the lifecycle forbids it' } },
          security: [{ bearer: [] }],
        },
      },
      '/api/v1/lead-sources': { get: { parameters: [], responses: { '200': { description: 'list' } } } },
      '/webhooks/twilio/status': { post: { responses: { '403': { description: 'bad signature' } } } },
      '/health/ready': { get: { responses: { '200': { description: '' }, '503': { description: 'down' } } } },
    }),
  );
  const op = (path: string, method = 'get') => (document.paths as any)[path][method];

  it('adds the Problem schema', () => {
    expect(document.components!.schemas!.Problem).toMatchObject({ required: ['type', 'title', 'status', 'detail'] });
  });

  it('gives an /api route with an id and a body the auth, validation, media-type, not-found and conflict problems', () => {
    expect(Object.keys(op('/api/v1/leads/{id}/transitions', 'post').responses).sort()).toEqual(
      ['200', '400', '401', '403', '404', '409', '415', '422', '429', '500', '503'].sort(),
    );
    const invalid = op('/api/v1/leads/{id}/transitions', 'post').responses['422'];
    expect(invalid.content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(invalid.content['application/problem+json'].example.errors[0]).toEqual({ field: 'pincode', message: expect.any(String) });
  });

  it('keeps what a controller declared, adding only the problem schema', () => {
    const conflict = op('/api/v1/leads/{id}/transitions', 'post').responses['409'];
    expect(conflict.description).toBe('the lifecycle forbids it');
    expect(conflict.content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');
    expect(op('/api/v1/leads/{id}/transitions', 'post').security).toEqual([{ bearer: [] }]);
  });

  it('adds no input problems to a route without inputs, nor 404 without an id', () => {
    expect(Object.keys(op('/api/v1/lead-sources').responses).sort()).toEqual(['200', '401', '403', '429', '500', '503']);
  });

  it('marks routes off /api/v1 as needing no bearer token and leaves health bodies alone', () => {
    expect(op('/webhooks/twilio/status', 'post').security).toEqual([]);
    expect(op('/webhooks/twilio/status', 'post').responses['401']).toBeUndefined();
    expect(op('/health/ready').security).toEqual([]);
    expect(op('/health/ready').responses).toEqual({ '200': { description: '' }, '503': { description: 'down' } });
  });
});
