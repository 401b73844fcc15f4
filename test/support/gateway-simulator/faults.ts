import type { GatewayFailure, GatewayTarget } from './types.js';

interface PendingFailure {
  failure: GatewayFailure;
  target: GatewayTarget | 'any';
  remaining: number;
}

/** The failures a test planned: the next N requests, or a seeded random share of them. */
export class FailurePlan {
  private pending: PendingFailure[] = [];
  private ratio: { value: number; failure: GatewayFailure; target: GatewayTarget | 'any' } | null = null;
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  failNext(count: number, failure: GatewayFailure, target: GatewayTarget | 'any'): void {
    this.pending.push({ failure, target, remaining: count });
  }

  setRatio(ratio: number, failure: GatewayFailure, target: GatewayTarget | 'any'): void {
    this.ratio = ratio > 0 ? { value: ratio, failure, target } : null;
  }

  reset(): void {
    this.pending = [];
    this.ratio = null;
  }

  /** The failure planned for this request to `target`, if any (consumes one planned failure). */
  next(target: GatewayTarget): GatewayFailure | null {
    const planned = this.pending.find((entry) => entry.remaining > 0 && (entry.target === 'any' || entry.target === target));
    if (planned) {
      planned.remaining -= 1;
      this.pending = this.pending.filter((entry) => entry.remaining > 0);
      return planned.failure;
    }
    if (this.ratio && (this.ratio.target === 'any' || this.ratio.target === target) && this.random() < this.ratio.value) {
      return this.ratio.failure;
    }
    return null;
  }
}

/** mulberry32: a tiny deterministic PRNG so random-fault runs repeat exactly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
