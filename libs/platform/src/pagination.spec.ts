import { DomainError } from './problem.js';
import { decodeKeyset, encodeKeyset, toPage } from './pagination.js';

describe('keyset pagination', () => {
  it('round-trips a position', () => {
    const position = { at: new Date('2026-11-21T10:00:00.123Z'), id: '6f1c0a3e-6b8e-4f39-9a55-0a4a3c1e2b10' };
    expect(decodeKeyset(encodeKeyset(position), 'x.invalid_cursor')).toEqual(position);
  });

  it.each(['garbage', Buffer.from('["not a date","x"]').toString('base64url'), ''])(
    'rejects %p as 422 naming cursor',
    (text) => {
      try {
        decodeKeyset(text, 'lead.invalid_cursor');
        throw new Error('accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('lead.invalid_cursor');
        expect((error as DomainError).errors[0].field).toBe('cursor');
      }
    },
  );

  it('gives a next cursor only when there is more', () => {
    const rows = [1, 2, 3].map((n) => ({ n, at: new Date(n * 1000), id: `00000000-0000-4000-8000-00000000000${n}` }));
    const position = (row: (typeof rows)[number]) => ({ at: row.at, id: row.id });
    const first = toPage(rows, 2, (row) => row.n, position);
    expect(first.items).toEqual([1, 2]);
    expect(decodeKeyset(first.nextCursor!, 'x')).toEqual({ at: rows[1].at, id: rows[1].id });
    expect(toPage(rows, 3, (row) => row.n, position).nextCursor).toBeNull();
  });
});
