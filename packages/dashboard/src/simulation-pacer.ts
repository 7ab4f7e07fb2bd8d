/**
 * Runs a simulation in slices against the wall clock: every slice advances simulated time by
 * `speed × wall time elapsed`, never past the duration. The timer lives here, outside the
 * simulation; the simulation only ever sees `run(untilMs)`, so its trace hash does not depend on
 * how the run was sliced.
 */
import { BrightChainError } from '@brightchain/core';
import type { Simulation } from '@brightchain/sim';
import { DashboardErrorCode } from './error-codes';

/**
 * The largest speed accepted (simulated seconds per wall second).
 *
 * @example
 * ```ts
 * pacer.setSpeed(Math.min(requested, MAX_SPEED));
 * ```
 */
export const MAX_SPEED = 1_000_000;

/** Wall time credited to one slice at most (ms): a stalled process does not cause a huge jump. */
const MAX_SLICE_WALL_MS = 1_000;

/** Options of a {@link SimulationPacer}. */
export interface SimulationPacerOptions {
  /** Simulated seconds per wall second (default 10). */
  readonly speed?: number;
  /** Stop at this simulated time (ms); `undefined`: run until closed. */
  readonly durationMs?: number;
  /** Start paused (default false). */
  readonly paused?: boolean;
  /** Called after every slice that advanced time and when the duration is reached. */
  readonly onSlice?: () => void;
  /** Called once when the duration is reached (after the last slice). */
  readonly onFinish?: () => void;
}

/**
 * Returns `speed` if it is a usable speed.
 *
 * @throws BrightChainError `BC_DASHBOARD_OPTIONS_INVALID` unless `speed` is a number in (0, MAX_SPEED]
 * @example
 * ```ts
 * checkSpeed(25); // 25
 * ```
 */
export function checkSpeed(speed: unknown): number {
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0 || speed > MAX_SPEED) {
    throw new BrightChainError(
      DashboardErrorCode.OPTIONS_INVALID,
      `speed must be a number in (0, ${MAX_SPEED}]`,
      { details: { speed: String(speed) } },
    );
  }
  return speed;
}

/**
 * Advances a simulation by wall-time slices. `advance(wallMs)` is the deterministic core (tests
 * call it directly); `start(intervalMs)` drives it from a real timer.
 *
 * @example
 * ```ts
 * const pacer = new SimulationPacer(sim, { speed: 20, durationMs: 60_000 });
 * pacer.advance(100); // 2 simulated seconds
 * ```
 */
export class SimulationPacer {
  private speedValue: number;
  private pausedValue: boolean;
  private finishedValue = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastWall = 0;
  private readonly durationMs: number | undefined;

  /** @throws BrightChainError `BC_DASHBOARD_OPTIONS_INVALID` for a bad speed or duration */
  constructor(
    private readonly sim: Simulation,
    private readonly options: SimulationPacerOptions = {},
  ) {
    this.speedValue = checkSpeed(options.speed ?? 10);
    this.pausedValue = options.paused ?? false;
    const durationMs = options.durationMs;
    if (durationMs !== undefined && !(Number.isFinite(durationMs) && durationMs >= sim.now)) {
      throw new BrightChainError(
        DashboardErrorCode.OPTIONS_INVALID,
        'duration must be finite and not in the past',
        {
          details: { durationMs },
        },
      );
    }
    this.durationMs = durationMs;
  }

  /** Simulated seconds per wall second. */
  get speed(): number {
    return this.speedValue;
  }

  /** True while paused. */
  get paused(): boolean {
    return this.pausedValue;
  }

  /** True once the duration was reached (or the simulation stopped on a violation). */
  get finished(): boolean {
    return this.finishedValue;
  }

  /** Sets the speed. @throws BrightChainError `BC_DASHBOARD_OPTIONS_INVALID` for a bad speed */
  setSpeed(speed: number): void {
    this.speedValue = checkSpeed(speed);
  }

  /** Pauses (idempotent). */
  pause(): void {
    this.pausedValue = true;
  }

  /** Resumes (idempotent). */
  resume(): void {
    this.pausedValue = false;
  }

  /**
   * Credits `wallMs` of wall time: unless paused or finished, runs the simulation forward by
   * `speed × wallMs` (capped at one second of wall time and at the duration). Returns true if
   * simulated time moved.
   */
  advance(wallMs: number): boolean {
    if (this.pausedValue || this.finishedValue || !(wallMs > 0)) return false;
    const step = (this.speedValue * Math.min(wallMs, MAX_SLICE_WALL_MS)) / 1000;
    let target = this.sim.now + step * 1000;
    if (this.durationMs !== undefined) target = Math.min(target, this.durationMs);
    const before = this.sim.now;
    this.sim.run(target);
    const moved = this.sim.now > before;
    if ((this.durationMs !== undefined && this.sim.now >= this.durationMs) || this.sim.stopped) {
      this.finishedValue = true;
      this.stop();
    }
    if (moved || this.finishedValue) this.options.onSlice?.();
    if (this.finishedValue) this.options.onFinish?.();
    return moved;
  }

  /** Drives `advance` from a real timer every `intervalMs` wall ms (idempotent). */
  start(intervalMs = 100, wallClockMs: () => number = () => performance.now()): void {
    if (this.timer !== undefined || this.finishedValue) return;
    this.lastWall = wallClockMs();
    const tick = (): void => {
      const now = wallClockMs();
      const elapsed = now - this.lastWall;
      this.lastWall = now;
      this.timer = undefined;
      this.advance(elapsed);
      if (!this.finishedValue && !this.stopped) this.timer = setTimeout(tick, intervalMs);
    };
    this.stopped = false;
    this.timer = setTimeout(tick, intervalMs);
  }

  /** Stops the timer (the simulation stays where it is). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
