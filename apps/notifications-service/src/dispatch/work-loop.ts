import type { Logger } from '@nestjs/common';

/**
 * A background loop: runs `work` until it reports nothing done, then sleeps for `pollMs` or
 * until woken. Errors (database or broker away) are logged once per streak and backed off.
 */
export class WorkLoop {
  private running = false;
  private current: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;
  private woken = false;

  constructor(
    private readonly name: string,
    private readonly work: () => Promise<number>,
    private readonly pollMs: number,
    private readonly logger: Logger,
    /**
     * How long to wait after a wake-up before working, so that the commits arriving meanwhile are
     * handled in the same round (like Kafka's linger.ms): fewer, larger batches under load, a few
     * milliseconds of latency when idle.
     */
    private readonly lingerMs = 5,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.current = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.current;
  }

  /** Waiting for work (a poll interval or a wake-up), not working. */
  get sleeping(): boolean {
    return this.wakeUp !== null;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let done = 0;
      try {
        this.woken = false;
        done = await this.work();
        if (failures) this.logger.log(`${this.name} recovered`);
        failures = 0;
      } catch (error) {
        if (failures === 0) this.logger.error({ err: error }, `${this.name} failed; retrying`);
        failures++;
      }
      if (!this.running) break;
      if (done > 0 && failures === 0) continue;
      const delay = failures ? Math.min(this.pollMs * 2 ** failures, 10_000) : this.pollMs;
      if (this.woken && failures === 0) continue;
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), delay);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.wakeUp = null;
      if (woken && this.running && this.lingerMs > 0) await new Promise((resolve) => setTimeout(resolve, this.lingerMs));
    }
  }
}
