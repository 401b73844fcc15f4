import { GroupCommit } from './group-commit.js';

describe('GroupCommit', () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('writes items submitted together as one batch, and later ones as the next batch', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, string>(
      async (items) => {
        batches.push(items);
        await tick();
        return items.map((n) => `ok ${n}`);
      },
      async (n) => {
        batches.push([n]);
        return `one ${n}`;
      },
    );
    const first = [1, 2, 3].map((n) => group.submit(n));
    await tick();
    // Submitted while the first batch is being written: they wait and go together.
    const second = [4, 5].map((n) => group.submit(n));
    expect(await Promise.all([...first, ...second])).toEqual(['ok 1', 'ok 2', 'ok 3', 'ok 4', 'ok 5']);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('retries a failed batch item by item, so only the bad item fails', async () => {
    const group = new GroupCommit<number, number>(
      async (items) => {
        if (items.includes(13)) throw new Error('batch broke');
        return items;
      },
      async (n) => {
        if (n === 13) throw new Error('thirteen is bad');
        return n * 10;
      },
    );
    const outcomes = await Promise.allSettled([12, 13, 14].map((n) => group.submit(n)));
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 120 },
      { status: 'rejected', reason: new Error('thirteen is bad') },
      { status: 'fulfilled', value: 140 },
    ]);
  });

  it('caps a batch at maxBatch items', async () => {
    const sizes: number[] = [];
    const group = new GroupCommit<number, number>(
      async (items) => {
        sizes.push(items.length);
        return items;
      },
      async (n) => {
        sizes.push(1);
        return n;
      },
      4,
    );
    await Promise.all(Array.from({ length: 10 }, (_, n) => group.submit(n)));
    expect(sizes).toEqual([4, 4, 2]);
  });
});
