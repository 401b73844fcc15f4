import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainError } from './problem.js';

/** Page size when a list request names none (CONTRACT.md: default 50, max 200). */
export const DEFAULT_PAGE_SIZE = 50;

/** `?limit=&cursor=` of every list route; list query DTOs extend it. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** The position after the last item of a page, in (time desc, id desc) order. */
export interface KeysetPosition {
  at: Date;
  id: string;
}

/** A list page as every list route returns it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Opaque, URL-safe cursor text for a position. */
export function encodeKeyset(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');
}

/** Reads a cursor this API handed out; anything else is a 422 naming the `cursor` field, with `code`. */
export function decodeKeyset(text: string, code: string): KeysetPosition {
  try {
    const [at, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error();
    return { at: date, id };
  } catch {
    throw new DomainError('invalid', code, 'Invalid request: cursor', [
      { field: 'cursor', message: 'cursor must be a nextCursor returned by this API' },
    ]);
  }
}

/** The ORM filter for "after this cursor" in (`timeField` desc, id desc) order. */
export function keysetFilter<F extends string>(timeField: F, cursor: string, code: string) {
  const after = decodeKeyset(cursor, code);
  return { $or: [{ [timeField]: { $lt: after.at } }, { [timeField]: after.at, id: { $lt: after.id } }] } as {
    $or: ({ [K in F]: { $lt: Date } } | ({ [K in F]: Date } & { id: { $lt: string } }))[];
  };
}

/** Turns `limit + 1` fetched rows into a page and the cursor of the next one. */
export function toPage<T, V>(rows: T[], limit: number, view: (row: T) => V, position: (row: T) => KeysetPosition): Page<V> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(view), nextCursor: rows.length > limit && last ? encodeKeyset(position(last)) : null };
}
