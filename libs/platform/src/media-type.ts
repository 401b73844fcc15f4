import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';

/** Where `@ApiConsumes` (@nestjs/swagger) keeps a route's media types: what a route documents is what it takes. */
const API_CONSUMES = 'swagger/apiConsumes';
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The refusal Fastify gives a media type it has no parser for, so that both leave as the same problem+json. */
class UnsupportedMediaTypeError extends Error {
  readonly statusCode = 415;
  readonly code = 'FST_ERR_CTP_INVALID_MEDIA_TYPE';

  constructor(mediaType: string) {
    super(`Unsupported Media Type: ${mediaType}`);
  }
}

/**
 * Refuses a body of a media type the route does not take (415). A route takes JSON unless it declares
 * otherwise with `@ApiConsumes` (Twilio's form-encoded webhooks, multipart uploads): Nest parses form
 * bodies on every route, which would otherwise let a form through to a JSON route's validation.
 */
@Injectable()
export class MediaTypeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const mediaType = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType && METHODS_WITH_BODY.has(request.method)) {
      const accepted = this.reflector.getAllAndOverride<string[] | undefined>(API_CONSUMES, [context.getHandler(), context.getClass()]);
      if (!(accepted ?? ['application/json']).includes(mediaType)) throw new UnsupportedMediaTypeError(mediaType);
    }
    return next.handle();
  }
}
