import { cleanFileName } from './text-safety.js';

describe('cleanFileName', () => {
  it('drops control characters', () => expect(cleanFileName('a\u0000b\r\n.pdf')).toBe('ab.pdf'));
});
