import fc from 'fast-check';
import type { Response } from 'supertest';

/** Runs per property: enough to find shallow crashes, few enough that a suite ends in minutes. */
export const RUNS = Number(process.env.HOSTILE_RUNS ?? 60);

/** Jest timeout of one property (the default 5 s is far too short for dozens of real requests). */
export const PROPERTY_TIMEOUT = 300_000;

/** Text that tries to break out of SQL, templates, paths, shells and markup. */
export const sqlLooking = fc.constantFrom(
  "' OR '1'='1",
  "'; DROP TABLE leads; --",
  '"; SELECT pg_sleep(30); --',
  "1' UNION SELECT NULL, current_user, version() --",
  "Robert'); DELETE FROM notification_templates; --",
  '\\x00\\u0000\u0000',
  '%27%20OR%201%3D1',
  '{{constructor.constructor("return process")()}}',
  '{{#each this}}{{/each}}{{> partial}}',
  '${jndi:ldap://127.0.0.1/a}',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '$(rm -rf /)',
  '\u202e\u0000\ud800',
);

/** One megabyte of text (in UTF-8 more, for the multi-byte variant). */
export const HUGE = 'A'.repeat(1_048_576);
export const hugeString = fc.constantFrom(HUGE, 'ह'.repeat(400_000), ' '.repeat(1_048_576));

/** Any string: ASCII, full unicode (lone surrogates included), SQL-looking, or huge. */
export const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: sqlLooking },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 250, maxLength: 400 }) },
  { weight: 1, arbitrary: hugeString },
);

/** A value of any JSON type, for a field that expects another. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 2 ** 31, 2 ** 53 + 2, -1e308, 1e308, '', ' ', '0', 'null', 'NaN'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.constant({ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }),
);

const pick = (body: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((key) => [key, body[key]]));

/**
 * Bodies derived from a valid one: fields dropped, fields given hostile values or wrong types,
 * unknown keys added — plus plain random JSON of any shape.
 */
export function hostileBody(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const mutated = fc
    .tuple(
      fc.subarray(keys),
      fc.dictionary(fc.constantFrom(...keys), hostileValue, { minKeys: 1, maxKeys: Math.min(4, keys.length) }),
      fc.option(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }), { freq: 4 }),
    )
    .map(([kept, overrides, extra]) => ({ ...pick(valid, kept), ...overrides, ...(extra ?? {}) }));
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.object({ maxDepth: 2 }).map((o) => JSON.parse(JSON.stringify(o)) as unknown) },
  );
}

/** Raw bodies that are not JSON at all, or JSON with a wrong content type. */
export const brokenJson = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('{', '{"a":', '[1,2', '{"a":1}}', '\u0000', '{"a":"\\uZZZZ"}', 'null', '"string"', '{"__proto__":{"x":1}}'),
);

/** The one rule of hostile input: a 4xx (or a 2xx when the input happened to be valid), never a 5xx. */
export function assertHandled(response: Response, label: string): void {
  const { status } = response;
  if (status >= 500) {
    throw new Error(`${label}: ${status} ${response.text.slice(0, 500)}`);
  }
  if (status < 400) return;
  const contentType = String(response.headers['content-type'] ?? '');
  if (status === 429) return; // a rate limit is a correct refusal; its shape is Fastify's
  if (!contentType.startsWith('application/problem+json')) {
    throw new Error(`${label}: ${status} with content-type ${contentType}: ${response.text.slice(0, 200)}`);
  }
  const problem = JSON.parse(response.text) as { status?: number; title?: string; errors?: { field?: unknown }[] };
  if (problem.status !== status || typeof problem.title !== 'string') {
    throw new Error(`${label}: problem body does not match its status ${status}: ${response.text.slice(0, 300)}`);
  }
  // A DTO validation failure names each field it rejects (an unknown key named "" is named "").
  if (status === 422 && (problem as { type?: string }).type?.endsWith('/validation')) {
    if (!problem.errors?.length || problem.errors.some((e) => typeof e.field !== 'string')) {
      throw new Error(`${label}: 422 without field names: ${response.text.slice(0, 300)}`);
    }
  }
}

/** Fails when the response is anything but a 4xx problem. */
export function assertRejected(response: Response, label: string): void {
  assertHandled(response, label);
  if (response.status < 400) throw new Error(`${label}: expected a 4xx, got ${response.status} ${response.text.slice(0, 200)}`);
}

/** True when the text can be put in a URL (a lone surrogate cannot). */
export const encodable = (text: string) => {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false; // a lone surrogate cannot be put in a URL at all
  }
};

/** A query string over `keys` with hostile values, repeated keys (arrays) and unknown keys. */
export function hostileQuery(keys: string[]): fc.Arbitrary<string> {
  const value = fc.oneof(
    hostileString.filter((s) => s.length < 1_500 && encodable(s)),
    fc.constantFrom('0', '-1', '201', '1e3', '9'.repeat(40), 'null', 'true', '2026-13-45T99:99:99Z', "2026-01-01' OR 1=1 --"),
  );
  const pair = fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...keys) }, fc.string({ maxLength: 10 }).filter(encodable)), value);
  return fc
    .array(pair, { maxLength: 6 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
}

/** A path segment: hostile text that fits Fastify's maxParamLength (100) once URL-encoded. */
export const hostilePathId = hostileString.filter((s) => s.length > 0 && encodable(s) && encodeURIComponent(s).length <= 100);

/** One body per string field of `valid` (nested ones too), that field with a NUL character in it. */
export function withNulInEachString(valid: Record<string, unknown>, path: string[] = []): { field: string; body: Record<string, unknown> }[] {
  return Object.entries(valid).flatMap(([key, value]) => {
    if (typeof value === 'string') return [{ field: [...path, key].join('.'), body: { ...valid, [key]: `${value}\u0000x` } }];
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return withNulInEachString(value as Record<string, unknown>, [...path, key]).map(({ field, body }) => ({ field, body: { ...valid, [key]: body } }));
    }
    return [];
  });
}

/** A route of a hostile suite: what to call it in failures, a valid body, and how to send a body to it. */
export interface JsonRoute {
  label: string;
  valid: Record<string, unknown>;
  send: (body: unknown) => PromiseLike<Response>;
}

/** Sends each route's valid body with a NUL in one string field at a time: the 5xx answers (every other answer must be handled). */
export async function nulStringFailures(routes: JsonRoute[]): Promise<string[]> {
  const failures: string[] = [];
  for (const route of routes) {
    for (const { field, body } of withNulInEachString(route.valid)) {
      const response = await route.send(body);
      if (response.status >= 500) failures.push(`${route.label} ${field} → ${response.status}`);
      else assertHandled(response, `${route.label} ${field}`);
    }
  }
  return failures;
}

/** Property: a list route asked with hostile filters (`keys`) and cursors answers a 4xx problem or a page of `items`. */
export async function checkHostileListQueries(path: string, keys: string[], get: (url: string) => PromiseLike<Response>): Promise<void> {
  await fc.assert(
    fc.asyncProperty(hostileQuery(keys), async (query) => {
      const response = await get(`${path}?${query}`);
      assertHandled(response, `GET ${path}?${query.slice(0, 300)}`);
      if (response.status === 200 && !Array.isArray(response.body.items)) throw new Error(`GET ${path}?${query.slice(0, 300)}: 200 without items`);
    }),
    { numRuns: RUNS },
  );
}
