import type { KafkaMessage } from 'kafkajs';
import { inKeyOrder, isForOthers } from './kafka-batch-server.js';

const message = (offset: number, key: string | null): KafkaMessage =>
  ({ offset: String(offset), key: key === null ? null : Buffer.from(key), value: null, headers: {}, timestamp: '0', attributes: 0 }) as KafkaMessage;

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('inKeyOrder', () => {
  it('handles one key in offset order and different keys side by side', async () => {
    const batch = [message(0, 'a'), message(1, 'b'), message(2, 'a'), message(3, 'c'), message(4, 'b'), message(5, 'a')];
    const started: string[] = [];
    const finished: string[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    await inKeyOrder(batch, async (m) => {
      started.push(m.offset);
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await tick();
      inFlight--;
      finished.push(m.offset);
    });
    expect(mostInFlight).toBe(3);
    const order = (key: string) => finished.filter((offset) => batch[Number(offset)].key?.toString() === key);
    expect(order('a')).toEqual(['0', '2', '5']);
    expect(order('b')).toEqual(['1', '4']);
    // Each key's next message starts only after its previous one finished.
    expect(started.indexOf('2')).toBeGreaterThan(finished.indexOf('0'));
    expect(started.indexOf('5')).toBeGreaterThan(finished.indexOf('2'));
  });

  it('orders keyless messages with each other and runs at most `concurrency` keys at a time', async () => {
    const batch = Array.from({ length: 10 }, (_, i) => message(i, i < 3 ? null : `k${i}`));
    let inFlight = 0;
    let mostInFlight = 0;
    const keyless: string[] = [];
    await inKeyOrder(
      batch,
      async (m) => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        if (m.key === null) keyless.push(m.offset);
        await tick();
        inFlight--;
      },
      4,
    );
    expect(mostInFlight).toBe(4);
    expect(keyless).toEqual(['0', '1', '2']);
  });

  it('stops a failed key where it failed, lets the other keys finish, then rejects', async () => {
    const batch = [message(0, 'a'), message(1, 'b'), message(2, 'a'), message(3, 'b')];
    const handled: string[] = [];
    const failure = new Error('DLQ unreachable');
    await expect(
      inKeyOrder(batch, async (m) => {
        await tick();
        if (m.offset === '0') throw failure;
        handled.push(m.offset);
      }),
    ).rejects.toBe(failure);
    // Key a stops at its failure (offset 2 waits for the redelivery); key b is done.
    expect(handled).toEqual(['1', '3']);
  });
});

describe('isForOthers', () => {
  const typed = (type: string | Buffer | undefined) => ({ ...message(0, 'k'), headers: type === undefined ? {} : { 'ce-type': type } }) as KafkaMessage;
  const callLogs = new Set(['chargesol.call.logged']);

  it('skips a message whose ce-type header names a type the handler does not read', () => {
    expect(isForOthers(typed(Buffer.from('chargesol.notification.sent')), callLogs)).toBe(true);
    expect(isForOthers(typed('chargesol.notification.sent'), callLogs)).toBe(true);
  });

  it('keeps a message of a type the handler reads, one without the header, and everything when the handler reads all types', () => {
    expect(isForOthers(typed(Buffer.from('chargesol.call.logged')), callLogs)).toBe(false);
    expect(isForOthers(typed(undefined), callLogs)).toBe(false);
    expect(isForOthers(typed(Buffer.from('chargesol.notification.sent')), undefined)).toBe(false);
  });
});
