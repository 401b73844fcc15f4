import { findUnsafeText } from './text-safety.js';

describe('findUnsafeText', () => {
  it('names NUL characters and empty property names at any depth', () => {
    expect(findUnsafeText({ a: 'ok', b: 'x\u0000y', c: { '': 1, d: ['\u0000'] } }).map((e) => e.field)).toEqual([
      'b',
      'c.""',
      'c.d.0',
    ]);
  });

  it('names lone surrogates in values and in property names', () => {
    expect(findUnsafeText({ email: '\u202e\ud800', nested: { ['k\udc00']: 1 }, ok: '😀' }).map((e) => e.field)).toEqual(['email', 'nested']);
  });

  it('accepts ordinary input', () => {
    expect(findUnsafeText({ name: 'Asha Rao', n: 1, list: ['a'], nested: { ok: true }, hindi: 'आशा' })).toEqual([]);
  });
});
