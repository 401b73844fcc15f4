import { Matches } from 'class-validator';

const WITHOUT_NUL = /^[^\u0000]*$/;

/** PostgreSQL text cannot hold U+0000: reject it as bad input (422) before it becomes a 500. */
export const NoNul = () => Matches(WITHOUT_NUL, { message: '$property must not contain NUL characters' });

/** True when a string (or any string inside a JSON-like value) contains U+0000. */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === 'object') return Object.entries(value).some(([key, inner]) => containsNul(key) || containsNul(inner));
  return false;
}
