import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  ForbiddenException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { Roles as AllRoles, type Role } from '#contracts';

/** The caller, as the verified token says. */
export interface Principal {
  sub: string;
  role: Role;
  name: string;
}

const ROLES_KEY = 'chargesol:roles';
const PUBLIC_KEY = 'chargesol:public';

/** Roles allowed on a route or controller; everyone else gets 403. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** A route that needs no token: health, metrics, docs and signed webhooks. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The verified caller of the current request. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest().principal,
);

export interface AuthOptions {
  jwtSecret: string;
  jwksUrl?: string;
}

/** How long a verified token is taken on trust before its signature is checked again. */
const VERIFIED_TOKEN_TTL_MS = 60_000;

/**
 * Verifies bearer tokens: HS256 with the shared secret, or RS256/ES256 through a JWKS in production.
 * A client sends the same token with every request, so a verified token (the exact string, its
 * signature included) is remembered for up to a minute, and never past its `exp`: signature
 * checks were a twentieth of the CPU of a lead create.
 */
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];
  private readonly verified = new LRUCache<string, Principal>({ max: 10_000 });

  constructor(options: AuthOptions) {
    if (options.jwksUrl) {
      this.key = createRemoteJWKSet(new URL(options.jwksUrl));
      this.algorithms = ['RS256', 'ES256'];
    } else {
      this.key = new TextEncoder().encode(options.jwtSecret);
      this.algorithms = ['HS256'];
    }
  }

  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known) return known;
    const { payload } = await jwtVerify(token, this.key as Uint8Array, { algorithms: this.algorithms });
    const { sub, role, name } = payload as Record<string, unknown>;
    if (typeof sub !== 'string' || !sub) throw new Error('token has no sub');
    if (typeof role !== 'string' || !(AllRoles as readonly string[]).includes(role)) {
      throw new Error('token has no known role');
    }
    const principal: Principal = { sub, role: role as Role, name: typeof name === 'string' ? name : '' };
    const ttl = Math.min(VERIFIED_TOKEN_TTL_MS, payload.exp === undefined ? VERIFIED_TOKEN_TTL_MS : payload.exp * 1000 - Date.now());
    if (ttl > 0) this.verified.set(token, principal, { ttl });
    return principal;
  }
}

/** Global guard: every route needs a valid bearer token unless marked @Public(), and a listed role if @Roles() is set. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest();
    const header: unknown = request.headers?.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('A bearer token is required');
    try {
      request.principal = await this.verifier.verify(match[1]);
    } catch {
      throw new UnauthorizedException('The bearer token is invalid or expired');
    }

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(request.principal.role)) {
      throw new ForbiddenException(`Role ${request.principal.role} may not use this route`);
    }
    return true;
  }
}

/** Signs a dev token (HS256) — for `npm run token` and tests, never used by the services themselves. */
export async function signDevToken(
  secret: string,
  claims: { sub: string; role: Role; name?: string },
  expiresIn = '12h',
): Promise<string> {
  return new SignJWT({ role: claims.role, name: claims.name ?? claims.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
