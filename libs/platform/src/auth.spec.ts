import { randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { signDevToken, TokenVerifier } from './auth.js';

const secret = 'x'.repeat(40);
const verifier = new TokenVerifier({ jwtSecret: secret });

describe('TokenVerifier', () => {
  it('accepts a dev token and returns the principal', async () => {
    const sub = randomUUID();
    const token = await signDevToken(secret, { sub, role: 'oem', name: 'Tata Motors' });
    await expect(verifier.verify(token)).resolves.toEqual({ sub, role: 'oem', name: 'Tata Motors' });
  });

  it('rejects alg none', async () => {
    const token = new UnsecuredJWT({ role: 'central_ops', name: 'x' }).setSubject(randomUUID()).encode();
    await expect(verifier.verify(token)).rejects.toThrow();
  });

  it('rejects a token signed with another key', async () => {
    const token = await signDevToken('y'.repeat(40), { sub: randomUUID(), role: 'central_ops' });
    await expect(verifier.verify(token)).rejects.toThrow();
  });

  it('rejects an expired token', async () => {
    const token = await new SignJWT({ role: 'central_ops', name: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(randomUUID())
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(secret));
    await expect(verifier.verify(token)).rejects.toThrow();
  });

  it('rejects an unknown role', async () => {
    const token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(randomUUID())
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    await expect(verifier.verify(token)).rejects.toThrow('no known role');
  });

  it('remembers a verified token, but never past its exp and never for another signature', async () => {
    const sub = randomUUID();
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await new SignJWT({ role: 'central_ops', name: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(secret));
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub });
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub });
    const [header, payload, signature] = token.split('.');
    const forged = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(verifier.verify(forged)).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    await expect(verifier.verify(token)).rejects.toThrow();
  });
});
