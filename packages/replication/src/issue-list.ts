/**
 * Collects every problem of one input (path + reason) so a validation error reports all of them at
 * once, then throws one typed error. Internal to the package.
 */
import { BrightChainError } from '@brightchain/core';

/** One problem with an input: where, and what is wrong. */
export interface InputIssue {
  readonly path: string;
  readonly reason: string;
}

/** @internal */
export class IssueList {
  readonly issues: InputIssue[] = [];

  add(path: string, reason: string): void {
    this.issues.push({ path, reason });
  }

  get empty(): boolean {
    return this.issues.length === 0;
  }

  /** A plain object, or undefined after recording an issue. */
  object(path: string, value: unknown): Record<string, unknown> | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    this.add(path || '(root)', 'must be an object');
    return undefined;
  }

  /** Records every key of `value` not in `known`. */
  unknownKeys(prefix: string, value: Record<string, unknown>, known: ReadonlySet<string>): void {
    for (const key of Object.keys(value)) {
      if (!known.has(key)) this.add(join(prefix, key), 'is not a known field');
    }
  }

  /** A finite number in [min, max]. */
  number(path: string, value: unknown, min: number, max = Number.POSITIVE_INFINITY): boolean {
    if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) return true;
    this.add(path, `must be a finite number in [${min}, ${max}]`);
    return false;
  }

  /** A safe integer ≥ min. */
  integer(path: string, value: unknown, min: number): boolean {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return true;
    this.add(path, `must be an integer ≥ ${min}`);
    return false;
  }

  /** Throws `code` listing every issue, unless there are none. */
  throwIfAny(code: string, what: string): void {
    if (this.empty) return;
    const first = this.issues[0] as InputIssue;
    const more = this.issues.length > 1 ? ` (and ${this.issues.length - 1} more)` : '';
    throw new BrightChainError(code, `invalid ${what}: ${first.path} ${first.reason}${more}`, {
      details: { issues: this.issues.map((issue) => ({ ...issue })) },
    });
  }
}

/** `prefix.key`, or `key` at the root. */
export function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}
