import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = {
  parameters?: { in: string }[];
  requestBody?: unknown;
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
  security?: unknown[];
};

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/** RFC 9457 problem details as the global filter (problem.ts) writes them. */
const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', description: 'A URI naming the kind of problem; `about:blank` for plain HTTP errors.' },
    title: { type: 'string', description: 'The HTTP status phrase.' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', description: 'What went wrong, for a human.' },
    code: { type: 'string', description: 'Stable error code of a domain error, e.g. `lead.invalid_transition`.' },
    errors: {
      type: 'array',
      description: 'One entry per rejected field (validation errors).',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
    errorId: { type: 'string', description: 'On 500s: the id under which the error was logged.' },
    instance: { type: 'string' },
  },
};

const problem = (status: number, title: string, detail: string, extra: Record<string, unknown> = {}) => ({
  type: 'about:blank',
  title,
  status,
  detail,
  ...extra,
});

/** The error responses every route of a kind can give, with an example each. */
const standard: Record<string, { description: string; example: unknown }> = {
  '400': {
    description: 'Malformed request (e.g. the body is not valid JSON)',
    example: problem(400, 'Bad Request', 'The request body is not valid JSON'),
  },
  '401': {
    description: 'Missing, expired or invalid bearer token',
    example: problem(401, 'Unauthorized', 'The bearer token is invalid or expired'),
  },
  '403': {
    description: 'The role of the token may not use this route or this resource',
    example: problem(403, 'Forbidden', 'Role field_team may not use this route'),
  },
  '404': {
    description: 'No resource with this id (or not visible to the caller)',
    example: problem(404, 'Not Found', 'Lead 7f0c… not found', {
      type: 'https://chargesol.in/problems/lead.not_found',
      code: 'lead.not_found',
    }),
  },
  '409': {
    description: 'Conflicts with the current state (an illegal lifecycle move, a duplicate)',
    example: problem(409, 'Conflict', 'A lead cannot move from new to closed', {
      type: 'https://chargesol.in/problems/lead.invalid_transition',
      code: 'lead.invalid_transition',
    }),
  },
  '415': {
    description: 'The body is of a media type this route does not take (JSON unless the route says otherwise)',
    example: problem(415, 'Unsupported Media Type', 'Unsupported Media Type: application/x-www-form-urlencoded', {
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    }),
  },
  '422': {
    description: 'Invalid input; `errors[]` names each rejected field',
    example: problem(422, 'Unprocessable Entity', 'Invalid request: pincode', {
      type: 'https://chargesol.in/problems/validation',
      errors: [{ field: 'pincode', message: 'pincode must be a 6-digit Indian pincode' }],
    }),
  },
  '429': {
    description: 'Rate limit exceeded; retry later',
    example: problem(429, 'Too Many Requests', 'Rate limit exceeded: 1200 requests per minute; retry in 1 minute'),
  },
  '500': {
    description: 'Unexpected error; `errorId` identifies it in the logs',
    example: problem(500, 'Internal Server Error', 'An unexpected error occurred', { errorId: '3b1d0c9e-…' }),
  },
  '503': {
    description: 'A dependency (PostgreSQL) is unavailable; retry later',
    example: problem(503, 'Service Unavailable', 'The database is not reachable right now; retry shortly', {
      type: 'https://chargesol.in/problems/database_unavailable',
    }),
  },
};

/** Which standard errors an operation can give, from its path, method and inputs. */
function errorStatusesOf(path: string, method: string, operation: Operation): string[] {
  if (path.startsWith('/health') || path === '/metrics') return [];
  const statuses = ['429', '500'];
  const api = path.startsWith('/api/');
  if (api) statuses.push('401', '403', '503');
  if (operation.requestBody || operation.parameters?.some((p) => p.in === 'query' || p.in === 'path')) {
    statuses.push('400', '422');
  }
  if (operation.requestBody) statuses.push('415');
  if (path.includes('{')) statuses.push('404');
  if (api && ['post', 'put', 'patch'].includes(method)) statuses.push('409');
  return statuses.sort();
}

/**
 * Completes a generated document with the error shapes the global filter produces: a `Problem`
 * schema, the standard problem+json responses of each operation (declared ones are kept and only
 * get the schema), and `security: []` off /api/v1, where routes need no bearer token (CONTRACT.md).
 */
export function addProblemResponses(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, Problem: problemSchema as never };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, value] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const operation = value as Operation;
      if (!path.startsWith('/api/') && !operation.security) operation.security = [];
      for (const status of errorStatusesOf(path, method, operation)) {
        operation.responses[status] ??= { description: standard[status]!.description };
      }
      // Health answers with terminus' own body, not a problem.
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400 || response.content || path.startsWith('/health')) continue;
        const example = standard[status]?.example;
        response.content = {
          'application/problem+json': { schema: PROBLEM_REF, ...(example ? { example } : {}) },
        };
      }
    }
  }
  return document;
}
