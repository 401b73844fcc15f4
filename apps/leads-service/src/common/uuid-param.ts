import { ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '#platform/problem';

/** Parses a path id; a malformed one is a 422 problem naming the parameter, like any bad input. */
export const uuidParam = (name: string) =>
  new ParseUUIDPipe({
    exceptionFactory: () =>
      new DomainError('invalid', 'request.invalid_id', `Invalid request: ${name}`, [{ field: name, message: `${name} must be a UUID` }]),
  });
