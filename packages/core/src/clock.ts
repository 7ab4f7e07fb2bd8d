import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';

/**
 * The time port. Cores never read the system clock: they are handed a `Clock` (or plain `now`
 * values through `tick(now)`), which lets the simulator drive virtual time.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch (UTC). May be fractional in simulations. */
  now(): number;
}

/**
 * Wall-clock time from `Date.now()`. Use in real nodes only.
 *
 * @example
 * ```ts
 * const clock = new SystemClock();
 * console.log(new Date(clock.now()).toISOString());
 * ```
 */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}

/**
 * A clock that moves only when told to. For tests and the simulator.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(0);
 * clock.advance(1500);
 * clock.now(); // 1500
 * ```
 */
export class ManualClock implements Clock {
  private current: number;

  /**
   * @param start - initial time in ms (default 0)
   * @throws BrightChainError `BC_CLOCK_INVALID` if `start` is not finite
   */
  constructor(start = 0) {
    if (!Number.isFinite(start)) {
      throw new BrightChainError(CoreErrorCode.CLOCK_INVALID, 'clock start must be a finite number', {
        details: { start },
      });
    }
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /**
   * Moves time forward by `ms`.
   *
   * @throws BrightChainError `BC_CLOCK_INVALID` if `ms` is negative or not finite
   */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new BrightChainError(
        CoreErrorCode.CLOCK_INVALID,
        'clock can only advance by a finite, non-negative amount',
        {
          details: { ms },
        },
      );
    }
    this.current += ms;
    return this.current;
  }

  /**
   * Sets the time to `time`, which must not be earlier than now.
   *
   * @throws BrightChainError `BC_CLOCK_INVALID` if `time` is in the past or not finite
   */
  set(time: number): number {
    if (!Number.isFinite(time) || time < this.current) {
      throw new BrightChainError(CoreErrorCode.CLOCK_INVALID, 'clock cannot move backwards', {
        details: { now: this.current, requested: time },
      });
    }
    this.current = time;
    return this.current;
  }
}
