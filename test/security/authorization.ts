import { SignJWT } from 'jose';
import type { Response, Test } from 'supertest';
import type request from 'supertest';
import { Roles, type Role } from '#contracts';

/** A route as the live OpenAPI document names it, e.g. `GET /api/v1/leads/{id}`. */
export type RouteKey = string;

/** Who calls: a role of CONTRACT.md, or the OEM that does not own the fixture lead. */
export type Caller = Role | 'other_oem';
export const Callers: Caller[] = [...Roles, 'other_oem'];

/**
 * One row of the matrix: how to call the route, and the status each caller must get. Callers not
 * listed in `allowed` must get 403 (`other_oem` counts as an OEM: where OEMs may come, it is listed).
 */
export interface RouteExpectation {
  call: (request: (method: string, path: string) => Test) => Test;
  allowed: Partial<Record<Caller, number>>;
}

/** Every `/api/v1` operation of a running app, read from its live `/docs-json`. */
export async function documentedApiRoutes(get: (path: string) => Promise<Response>): Promise<RouteKey[]> {
  const response = await get('/docs-json');
  if (response.status !== 200) throw new Error(`/docs-json answered ${response.status}`);
  const paths = response.body.paths as Record<string, Record<string, unknown>>;
  const methods = ['get', 'post', 'put', 'patch', 'delete'];
  return Object.entries(paths)
    .filter(([path]) => path.startsWith('/api/v1/'))
    .flatMap(([path, operations]) => Object.keys(operations).filter((m) => methods.includes(m)).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Tokens that must never pass: each with the reason it is wrong. */
export async function forgedTokens(secret: string, sub: string): Promise<{ why: string; header: string }[]> {
  const key = new TextEncoder().encode(secret);
  const now = Math.floor(Date.now() / 1000);
  const signed = (claims: Record<string, unknown>, options: { key?: Uint8Array; alg?: string; exp?: number; nbf?: number; sub?: string | null } = {}) => {
    let jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' }).setIssuedAt();
    if (options.sub !== null) jwt = jwt.setSubject(options.sub ?? sub);
    jwt = jwt.setExpirationTime(options.exp ?? now + 3_600);
    if (options.nbf) jwt = jwt.setNotBefore(options.nbf);
    return jwt.sign(options.key ?? key);
  };
  const payload = { sub, role: 'central_ops', name: 'Mallory', iat: now, exp: now + 3_600 };
  const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;
  const valid = await signed({ role: 'central_ops', name: 'Ops' });
  const [validHeader, validPayload] = valid.split('.');
  return [
    { why: 'no Authorization header', header: '' },
    { why: 'a Basic credential', header: `Basic ${Buffer.from('ops:ops').toString('base64')}` },
    { why: 'Bearer without a token', header: 'Bearer ' },
    { why: 'a token that is not a JWT', header: 'Bearer not-a-jwt' },
    { why: 'alg none, unsigned', header: `Bearer ${unsigned}` },
    { why: 'alg none, with the signature of a valid token', header: `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.${valid.split('.')[2]}` },
    { why: 'signed with a wrong key', header: `Bearer ${await signed({ role: 'central_ops' }, { key: new TextEncoder().encode(`${secret}-but-wrong`) })}` },
    { why: 'HS512 with the right key (only HS256 is accepted)', header: `Bearer ${await signed({ role: 'central_ops' }, { alg: 'HS512' })}` },
    { why: 'expired', header: `Bearer ${await signed({ role: 'central_ops' }, { exp: now - 60 })}` },
    { why: 'not valid yet (nbf in the future)', header: `Bearer ${await signed({ role: 'central_ops' }, { nbf: now + 3_600 })}` },
    { why: 'no sub', header: `Bearer ${await signed({ role: 'central_ops' }, { sub: null })}` },
    { why: 'an empty sub', header: `Bearer ${await signed({ role: 'central_ops' }, { sub: '' })}` },
    { why: 'an unknown role', header: `Bearer ${await signed({ role: 'superuser' })}` },
    { why: 'no role', header: `Bearer ${await signed({ name: 'x' })}` },
    { why: 'a role that is not a string', header: `Bearer ${await signed({ role: ['central_ops'] })}` },
    { why: 'a payload swapped under a valid signature', header: `Bearer ${validHeader}.${base64url({ ...payload, role: 'central_ops', sub: 'someone-else' })}.${valid.split('.')[2]}` },
    { why: 'a valid token with its signature cut off', header: `Bearer ${validHeader}.${validPayload}.` },
  ];
}

type Http = () => ReturnType<typeof request>;

/** A token per caller (`other_oem` is an OEM of its own) with the sub `subOf` names, else a random one. */
export async function callerTokens(
  token: (role: Role, sub?: string) => Promise<string>,
  subOf: (caller: Caller) => string | undefined = () => undefined,
): Promise<Record<Caller, string>> {
  const tokens = {} as Record<Caller, string>;
  for (const caller of Callers) tokens[caller] = await token(caller === 'other_oem' ? 'oem' : caller, subOf(caller));
  return tokens;
}

/** The matrix lists exactly the `/api/v1` routes the running app documents in `/docs-json`: a new route without a row fails. */
export async function expectMatrixCoversDocumentedRoutes(http: Http, matrix: Record<RouteKey, RouteExpectation>): Promise<void> {
  const documented = await documentedApiRoutes((path) => http().get(path));
  expect(documented.length).toBeGreaterThan(0);
  expect(documented).toEqual(Object.keys(matrix).sort());
}

/** Calls for a matrix row, made with this Authorization header (or none). */
export function requestAs(http: Http, header: string | null): (method: string, path: string) => Test {
  return (method, path) => {
    const call = (http() as unknown as Record<string, (p: string) => Test>)[method](path);
    return header ? call.set('authorization', header) : call;
  };
}

/** Every row called as every caller: `route as caller → status` as got, and as the matrix expects (403 where not listed). */
export async function matrixOutcomes(
  http: Http,
  matrix: Record<RouteKey, RouteExpectation>,
  tokens: Record<Caller, string>,
): Promise<{ got: string[]; expected: string[] }> {
  const got: string[] = [];
  const expected: string[] = [];
  for (const [route, row] of Object.entries(matrix)) {
    for (const caller of Callers) {
      const response = await row.call(requestAs(http, `Bearer ${tokens[caller]}`));
      got.push(`${route} as ${caller} → ${response.status}`);
      expected.push(`${route} as ${caller} → ${row.allowed[caller] ?? 403}`);
    }
  }
  return { got, expected };
}

/** Every row called with every forged token: the calls that got anything but a 401 problem+json. */
export async function forgedTokenFailures(http: Http, matrix: Record<RouteKey, RouteExpectation>, forged: { why: string; header: string }[]): Promise<string[]> {
  const failures: string[] = [];
  for (const [route, row] of Object.entries(matrix)) {
    for (const { why, header } of forged) {
      const response = await row.call(requestAs(http, header || null));
      if (response.status !== 401 || !String(response.headers['content-type']).startsWith('application/problem+json')) {
        failures.push(`${route} with ${why} → ${response.status}`);
      }
    }
  }
  return failures;
}
