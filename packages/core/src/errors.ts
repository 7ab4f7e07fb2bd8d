/**
 * The one error type of every BrightChain package.
 *
 * Every error carries a stable string `code` (`BC_…`) that callers branch on, structured
 * `details` for logs and UIs, and an optional `cause`. Codes never change meaning once published;
 * `docs/errors.md` lists them all.
 */

const BRAND = Symbol.for('@brightchain/core/BrightChainError');

/** Structured, JSON-friendly context attached to an error. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/** Options accepted by the {@link BrightChainError} constructor. */
export interface BrightChainErrorOptions {
  /** Structured context (ids, limits, offending values). */
  readonly details?: ErrorDetails;
  /** The lower-level error that caused this one, if any. */
  readonly cause?: unknown;
}

/**
 * Base class of every error thrown by `@brightchain/*` packages.
 *
 * @example
 * ```ts
 * try {
 *   parseGuidV4('nope');
 * } catch (error) {
 *   if (BrightChainError.isInstance(error) && error.code === 'BC_GUID_INVALID') {
 *     console.log(error.details);
 *   }
 * }
 * ```
 */
export class BrightChainError extends Error {
  /** Stable machine-readable code, e.g. `BC_VOTE_SIGNATURE_INVALID`. */
  readonly code: string;
  /** Structured context for the failure. */
  readonly details: ErrorDetails;
  declare readonly cause?: unknown;
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: read by isInstance through the Symbol.for brand
  private readonly [BRAND] = true;

  /**
   * @param code - stable code starting with `BC_`
   * @param message - human-readable explanation
   * @param options - details and cause
   */
  constructor(code: string, message: string, options: BrightChainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BrightChainError';
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }

  /**
   * True when `value` is a BrightChainError, even one thrown by a different copy of this package
   * (duplicated `node_modules`, ESM and CJS side by side), where `instanceof` would fail.
   *
   * @param value - anything caught
   * @param code - when given, also require this exact code
   */
  static isInstance(value: unknown, code?: string): value is BrightChainError {
    if (typeof value !== 'object' || value === null) return false;
    if ((value as Record<symbol, unknown>)[BRAND] !== true) return false;
    return code === undefined || (value as BrightChainError).code === code;
  }

  /** A plain JSON form: `{ name, code, message, details }`. */
  toJSON(): { name: string; code: string; message: string; details: ErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/**
 * Throws a {@link BrightChainError} with `code` unless `condition` holds.
 *
 * @throws BrightChainError with the given code when `condition` is false
 * @example
 * ```ts
 * ensure(n >= 0, 'BC_INVALID_ARGUMENT', 'n must be non-negative', { n });
 * ```
 */
export function ensure(
  condition: unknown,
  code: string,
  message: string,
  details?: ErrorDetails,
): asserts condition {
  if (!condition) throw new BrightChainError(code, message, details === undefined ? {} : { details });
}
