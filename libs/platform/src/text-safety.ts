import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { DomainError, type FieldError } from './problem.js';

function unsafeReason(text: string): string | null {
  // PostgreSQL text columns reject U+0000.
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  // A lone surrogate is not Unicode: it cannot be stored as UTF-8 without being mangled, and
  // validator.js's checks (IsEmail, …) throw on it instead of answering.
  if (!text.isWellFormed()) return 'must be well-formed Unicode (no lone surrogates)';
  return null;
}

/**
 * Finds text that cannot be stored or named: NUL characters and lone surrogates in any string or
 * property name, and empty property names (no field to name). Returns one error per offending
 * field, with its dotted path.
 */
export function findUnsafeText(value: unknown, path = ''): FieldError[] {
  if (typeof value === 'string') {
    const reason = unsafeReason(value);
    return reason ? [{ field: path || '(root)', message: `${path || 'value'} ${reason}` }] : [];
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => {
    if (key === '') return [{ field: path ? `${path}.""` : '""', message: 'an empty property name is not allowed' }];
    const keyReason = unsafeReason(key);
    if (keyReason) return [{ field: path || '(root)', message: `a property name ${keyReason}` }];
    return findUnsafeText(inner, path ? `${path}.${key}` : key);
  });
}

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
