/**
 * Boundary validation shared by `NodeStatus`, `NodeCapabilities`, `ShutdownRequest` and node
 * announcements: every problem in an input is collected with its path, then one typed error lists
 * them all (`details.issues`), so a caller fixes everything in one round. Internal to the package.
 */
import { BrightChainError } from '@brightchain/core';

/** One problem found in an input: where (`storageMetrics.usedSpace`) and why. */
export interface InputIssue {
  readonly path: string;
  readonly reason: string;
}

/** Region and jurisdiction labels: 1–64 of `[A-Za-z0-9._:/-]`, starting with a letter or digit. */
export const REGION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

/** Collects {@link InputIssue}s while an input is checked. */
export class InputIssues {
  readonly list: InputIssue[] = [];

  /** Records a problem at `path`. */
  add(path: string, reason: string): void {
    this.list.push({ path, reason });
  }

  /** True when no problem was recorded. */
  get ok(): boolean {
    return this.list.length === 0;
  }

  /** Issues of a nested check, re-rooted under `prefix`. */
  merge(prefix: string, issues: readonly InputIssue[]): void {
    for (const issue of issues) {
      const path = prefix === '' ? issue.path : issue.path === '' ? prefix : `${prefix}.${issue.path}`;
      this.add(path, issue.reason);
    }
  }

  /**
   * Throws one error listing every issue, if there are any.
   *
   * @throws BrightChainError with `code` and `details.issues`
   */
  throwIfAny(code: string, what: string, extra: Readonly<Record<string, unknown>> = {}): void {
    if (this.ok) return;
    const first = this.list[0] as InputIssue;
    const more = this.list.length > 1 ? ` (and ${this.list.length - 1} more)` : '';
    throw new BrightChainError(code, `invalid ${what}: ${first.path || '(root)'} ${first.reason}${more}`, {
      details: { ...extra, issues: this.list.map((issue) => ({ ...issue })) },
    });
  }

  /** Checks a plain object (not null, not an array); returns it as a record. */
  object(path: string, value: unknown): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.add(path, 'must be an object');
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  /** Checks a boolean. */
  boolean(path: string, value: unknown): value is boolean {
    if (typeof value === 'boolean') return true;
    this.add(path, 'must be a boolean');
    return false;
  }

  /** Checks a `Date` holding a valid time. */
  date(path: string, value: unknown): value is Date {
    // Compared by tag rather than `instanceof`, so Dates from another realm (vm, workers) pass too.
    const isDate = Object.prototype.toString.call(value) === '[object Date]';
    if (isDate && Number.isFinite(Date.prototype.getTime.call(value))) return true;
    this.add(path, isDate ? 'must be a valid date (got Invalid Date)' : 'must be a Date');
    return false;
  }

  /** Checks a non-negative safe integer (byte counts, event counts, durations in ms). */
  count(path: string, value: unknown): value is number {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return true;
    this.add(path, `must be a non-negative safe integer (got ${describe(value)})`);
    return false;
  }

  /** Checks a safe integer of any sign. */
  integer(path: string, value: unknown): value is number {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return true;
    this.add(path, `must be a safe integer (got ${describe(value)})`);
    return false;
  }

  /** Checks a finite number in `[min, max]`. */
  range(path: string, value: unknown, min: number, max: number): value is number {
    if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) return true;
    this.add(path, `must be a finite number in [${min}, ${max}] (got ${describe(value)})`);
    return false;
  }

  /** Checks a region or jurisdiction label. */
  region(path: string, value: unknown): value is string {
    if (typeof value === 'string' && REGION_PATTERN.test(value)) return true;
    this.add(path, 'must be 1–64 characters of [A-Za-z0-9._:/-] starting with a letter or digit');
    return false;
  }
}

/** A short, log-safe description of a bad value. */
export function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  return typeof value;
}
