import { randomUUID } from 'node:crypto';
import {
  type ArgumentMetadata,
  type ArgumentsHost,
  BadRequestException,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  UnprocessableEntityException,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';

/** What kind of failure a domain error is; the HTTP edge maps each to one status. */
export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable' | 'too_large' | 'unsupported';

export interface FieldError {
  field: string;
  message: string;
}

/** A failure the business understands, with a stable code (e.g. `lead.invalid_transition`). */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

const statusOfKind: Record<DomainErrorKind, number> = {
  invalid: 422,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unavailable: 503,
  too_large: 413,
  unsupported: 415,
};

/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  errors?: FieldError[];
  errorId?: string;
  instance?: string;
}

const PROBLEM_BASE = 'https://chargesol.in/problems/';

function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** Validation failure of a request DTO: 422 with one entry per field. */
export class RequestValidationError extends UnprocessableEntityException {
  constructor(readonly errors: FieldError[]) {
    super({ message: `Invalid request: ${errors.map((e) => e.field).join(', ')}`, errors });
  }
}

/** Validates against DTO classes; a body must be a JSON object, as `null`, an array, a number or a string would be validated as `{}`. */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (metadata.type === 'body' && value !== undefined && !isObject && this.toValidate(metadata)) {
      throw new RequestValidationError([{ field: 'body', message: 'must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }
}

/** The global pipe: whitelist DTO fields, reject unknown ones, transform to DTO classes, refuse a body that is not an object. */
export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
}

/** True for errors that mean the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const err = error as { name?: string; code?: string; message?: string } | undefined;
  if (!err) return false;
  if (err.name === 'ConnectionException') return true;
  const codes = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006'];
  if (err.code && codes.includes(err.code)) return true;
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(err.message ?? '');
}

function titleOf(status: number): string {
  return (HttpStatus[status] ?? 'Error')
    .toLowerCase()
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}

/** Turns any error into problem+json: domain errors by kind, HTTP exceptions as they are, the rest 500 with an errorId. */
export function toProblem(exception: unknown): Problem {
  if (exception instanceof DomainError) {
    const status = statusOfKind[exception.kind];
    return {
      type: PROBLEM_BASE + exception.code,
      title: titleOf(status),
      status,
      detail: exception.message,
      code: exception.code,
      ...(exception.errors.length ? { errors: exception.errors } : {}),
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const errors = exception instanceof RequestValidationError ? exception.errors : undefined;
    let detail = exception.message;
    if (typeof body === 'object' && body && 'message' in body) {
      const message = (body as { message: unknown }).message;
      detail = Array.isArray(message) ? message.join('; ') : String(message);
    }
    if (exception instanceof BadRequestException && /JSON/i.test(detail)) detail = 'The request body is not valid JSON';
    return {
      type: status === 422 ? PROBLEM_BASE + 'validation' : 'about:blank',
      title: titleOf(status),
      status,
      detail,
      ...(errors ? { errors } : {}),
    };
  }
  const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    // Fastify's own rejections: bad JSON, body too large, wrong content type, multipart limits.
    return {
      type: 'about:blank',
      title: titleOf(fastifyError.statusCode),
      status: fastifyError.statusCode,
      detail: fastifyError.message ?? titleOf(fastifyError.statusCode),
      ...(fastifyError.code ? { code: fastifyError.code } : {}),
    };
  }
  if (isDatabaseUnavailable(exception)) {
    return {
      type: PROBLEM_BASE + 'database_unavailable',
      title: 'Service Unavailable',
      status: 503,
      detail: 'The database is not reachable right now; retry shortly',
      code: 'database_unavailable',
    };
  }
  return {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'An unexpected error occurred',
    errorId: randomUUID(),
  };
}

/** The one HTTP exception filter: every error leaves as application/problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<{ url?: string }>();
    const reply = ctx.getResponse();
    const problem = toProblem(exception);
    if (problem.status >= 500) {
      this.logger.error({ err: exception, errorId: problem.errorId, status: problem.status }, problem.detail);
    }
    problem.instance = request.url?.split('?')[0];
    const headers = problem.status === 503 ? { 'retry-after': '5' } : {};
    reply.status(problem.status).headers({ ...headers, 'content-type': 'application/problem+json' }).send(problem);
  }
}
