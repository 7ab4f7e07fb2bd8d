/**
 * Access heat: an exponentially decayed count of reads per block, so recently popular blocks are
 * repaired before cold ones of the same urgency. `heat(t) = Σ count_i · 2^(−(t − t_i) / halfLife)`,
 * kept as one (value, time) pair per block and decayed lazily. Pure: times come from the caller.
 */
import { BrightChainError } from '@brightchain/core';
import { ReplicationErrorCode } from './error-codes';

interface Reading {
  value: number;
  at: number;
}

/**
 * Decayed access counts per block.
 *
 * @throws nothing
 * @example
 * ```ts
 * const heat = new AccessHeat(3_600_000);
 * heat.record('ab'.repeat(64), 1_000, 5);
 * heat.heat('ab'.repeat(64), 1_000 + 3_600_000); // 2.5
 * ```
 */
export class AccessHeat {
  private readonly readings = new Map<string, Reading>();

  /**
   * @param halfLifeMs - time for heat to halve (ms, positive)
   * @throws BrightChainError `BC_REPLICATION_OPTIONS_INVALID` for a half-life that is not positive and finite
   */
  constructor(readonly halfLifeMs: number) {
    if (typeof halfLifeMs !== 'number' || !Number.isFinite(halfLifeMs) || halfLifeMs <= 0) {
      throw new BrightChainError(ReplicationErrorCode.OPTIONS_INVALID, 'heat half-life must be positive', {
        details: { halfLifeMs },
      });
    }
  }

  /**
   * Blocks tracked.
   *
   * @throws nothing
   * @example
   * ```ts
   * heat.size;
   * ```
   */
  get size(): number {
    return this.readings.size;
  }

  /**
   * Adds `count` accesses at time `now` (ms).
   *
   * @throws BrightChainError `BC_REPLICATION_COMMAND_INVALID` for a negative or non-finite count or time
   * @example
   * ```ts
   * heat.record(blockHex, now);
   * ```
   */
  record(blockHex: string, now: number, count = 1): void {
    if (!Number.isFinite(count) || count < 0 || !Number.isFinite(now)) {
      throw new BrightChainError(
        ReplicationErrorCode.COMMAND_INVALID,
        'access count and time must be finite, count ≥ 0',
        {
          details: { count, now },
        },
      );
    }
    const current = this.heat(blockHex, now);
    this.readings.set(blockHex, { value: current + count, at: now });
  }

  /**
   * The decayed heat at `now` (0 for an unknown block).
   *
   * @throws nothing
   * @example
   * ```ts
   * heat.heat(blockHex, now);
   * ```
   */
  heat(blockHex: string, now: number): number {
    const reading = this.readings.get(blockHex);
    if (reading === undefined) return 0;
    const elapsed = Math.max(0, now - reading.at);
    return reading.value * 2 ** (-elapsed / this.halfLifeMs);
  }

  /**
   * Forgets blocks whose heat at `now` fell below `threshold` (bounds memory).
   *
   * @throws nothing
   * @example
   * ```ts
   * heat.prune(now, 0.01);
   * ```
   */
  prune(now: number, threshold: number): void {
    for (const [block, reading] of this.readings) {
      if (reading.value * 2 ** (-Math.max(0, now - reading.at) / this.halfLifeMs) < threshold) {
        this.readings.delete(block);
      }
    }
  }
}
