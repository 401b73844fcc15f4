/**
 * Group commit: work items submitted while a batch is being written wait for the next batch, so
 * many concurrent callers (a consumer's partitions, a dispatcher's sends) share one database
 * transaction — one WAL flush — instead of one each. Each caller still gets its own outcome:
 * when a batch fails, its items are retried one by one, so one bad item fails alone and the
 * others commit.
 *
 * Nothing is acknowledged before its batch commits; callers await `submit` before they commit an
 * offset or move on, exactly as they would await their own transaction.
 */
export class GroupCommit<Item, Result> {
  private queue: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly writeBatch: (items: Item[]) => Promise<Result[]>,
    private readonly writeOne: (item: Item) => Promise<Result>,
    private readonly maxBatch = 64,
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      // Callers that arrive in the same turn of the event loop join the same batch.
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      if (batch.length === 1) {
        await this.writeOne(batch[0].item).then(batch[0].resolve, batch[0].reject);
        continue;
      }
      try {
        const results = await this.writeBatch(batch.map((entry) => entry.item));
        batch.forEach((entry, index) => entry.resolve(results[index]));
      } catch {
        // Whichever item broke the batch fails on its own; the rest commit one by one.
        for (const entry of batch) await this.writeOne(entry.item).then(entry.resolve, entry.reject);
      }
    }
    this.flushing = false;
  }
}
