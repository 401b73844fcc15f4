import { cleanFileName, findUnsafeText } from './text-safety.js';

describe('findUnsafeText', () => {
  it('names NUL characters and empty property names at any depth', () => {
    expect(findUnsafeText({ a: 'ok', b: 'x\u0000y', c: { '': 1, d: ['\u0000'] } }).map((e) => e.field)).toEqual([
      'b',
      'c.""',
      'c.d.0',
    ]);
  });

  it('accepts ordinary input', () => {
    expect(findUnsafeText({ name: 'Asha Rao', n: 1, list: ['a'], nested: { ok: true } })).toEqual([]);
  });
});

describe('cleanFileName', () => {
  it('drops control characters', () => expect(cleanFileName('a\u0000b\r\n.pdf')).toBe('ab.pdf'));
});
