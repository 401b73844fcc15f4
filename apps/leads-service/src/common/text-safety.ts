import type { FieldError } from '#platform/problem';

/**
 * Finds text PostgreSQL cannot store or a client cannot be told about: NUL characters in any
 * string (text columns reject U+0000) and empty property names (no field to name). Returns one
 * error per offending field, with its dotted path.
 */
export function findUnsafeText(value: unknown, path = ''): FieldError[] {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? [{ field: path || '(root)', message: `${path || 'value'} must not contain NUL characters` }] : [];
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => {
    if (key === '') return [{ field: path ? `${path}.""` : '""', message: 'an empty property name is not allowed' }];
    return findUnsafeText(inner, path ? `${path}.${key}` : key);
  });
}

/** Removes control characters from a client-supplied file name (kept only for display). */
export const cleanFileName = (name: string): string => name.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255);
