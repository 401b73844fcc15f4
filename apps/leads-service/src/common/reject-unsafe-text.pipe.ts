import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { DomainError } from '#platform/problem';
import { findUnsafeText } from './text-safety.js';

/** Runs before DTO validation on every body and query: unstorable text is a 422 naming the field, never a 500. */
@Injectable()
export class RejectUnsafeTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' && metadata.type !== 'query') return value;
    const errors = findUnsafeText(value);
    if (errors.length) {
      throw new DomainError('invalid', 'request.unsafe_text', `Invalid request: ${errors.map((e) => e.field).join(', ')}`, errors);
    }
    return value;
  }
}
