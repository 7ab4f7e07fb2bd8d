/**
 * Resource limits for decoding untrusted canonical bytes. The decoder checks every limit while it
 * walks the msgpack headers, before it allocates any decoded value, so a hostile message cannot make
 * a node allocate more than the limits allow however large its declared lengths are.
 */
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';

/** Limits enforced by `decodeStrict`, `decodeTuple` and `decodeEnvelope`. Exceeding one is `BC_DECODE_LIMIT`. */
export interface DecodeLimits {
  /** Largest accepted input, in bytes. */
  readonly maxBytes: number;
  /** Deepest accepted nesting of arrays and maps (a top-level array is depth 1); at most 1000. */
  readonly maxDepth: number;
  /** Most array items plus map entries accepted in one input, summed over every level. */
  readonly maxElements: number;
  /** Longest accepted string (values and map keys), in UTF-8 bytes. */
  readonly maxStringBytes: number;
  /** Longest accepted byte string (`Uint8Array`), in bytes. */
  readonly maxBinBytes: number;
}

/** Hard ceiling on nesting depth for both encoding and decoding: deeper values are never accepted. */
export const MAX_NESTING_DEPTH = 1000;

/**
 * The limits used when a decoder is given none: 16 MiB input, depth 64, 1,048,576 elements,
 * 1 MiB strings, 16 MiB byte strings.
 *
 * @example
 * ```ts
 * const value = decodeStrict(bytes, { ...DEFAULT_DECODE_LIMITS, maxBytes: 64 * 1024 });
 * ```
 */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 64,
  maxElements: 1024 * 1024,
  maxStringBytes: 1024 * 1024,
  maxBinBytes: 16 * 1024 * 1024,
});

const LIMIT_NAMES = ['maxBytes', 'maxDepth', 'maxElements', 'maxStringBytes', 'maxBinBytes'] as const;

/**
 * The defaults overridden by `overrides`, checked. Internal: decoders call it with what the user passed.
 *
 * @throws BrightChainError `BC_INVALID_ARGUMENT` if a limit is not a positive safe integer, or
 * `maxDepth` is above {@link MAX_NESTING_DEPTH}
 */
export function resolveDecodeLimits(overrides?: Partial<DecodeLimits>): DecodeLimits {
  if (overrides === undefined || overrides === DEFAULT_DECODE_LIMITS) return DEFAULT_DECODE_LIMITS;
  if (typeof overrides !== 'object' || overrides === null) {
    throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'decode limits must be an object');
  }
  const resolved = { ...DEFAULT_DECODE_LIMITS };
  for (const name of LIMIT_NAMES) {
    const value = overrides[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new BrightChainError(
        CoreErrorCode.INVALID_ARGUMENT,
        `decode limit ${name} must be a positive integer`,
        {
          details: { limit: name, value: String(value) },
        },
      );
    }
    resolved[name] = value;
  }
  if (resolved.maxDepth > MAX_NESTING_DEPTH) {
    throw new BrightChainError(
      CoreErrorCode.INVALID_ARGUMENT,
      `decode limit maxDepth cannot exceed ${MAX_NESTING_DEPTH}`,
      { details: { limit: 'maxDepth', value: resolved.maxDepth, max: MAX_NESTING_DEPTH } },
    );
  }
  return Object.freeze(resolved);
}
