/**
 * Typed decoding of canonical tuples. Signed records (votes, ballots, wire messages) are encoded as
 * tuples of a fixed shape; `decodeTuple` decodes strictly and checks the shape in one call, so each
 * package's decoder starts from correctly typed fields.
 */
import { type CanonicalValue, decodeStrict } from './canonical';
import type { DecodeLimits } from './decode-limits';
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';

/**
 * What one tuple field must be. `integer` is a safe integer, `number` any canonical number, `bytes`
 * a `Uint8Array`, `array` any array, `object` a plain object, `any` any canonical value. A trailing
 * `?` (e.g. `'bytes?'`) also allows `null`.
 */
export type TupleField =
  | 'null'
  | 'boolean'
  | 'integer'
  | 'number'
  | 'string'
  | 'bytes'
  | 'array'
  | 'object'
  | 'any'
  | 'boolean?'
  | 'integer?'
  | 'number?'
  | 'string?'
  | 'bytes?'
  | 'array?'
  | 'object?';

/** The TypeScript type a {@link TupleField} decodes to. */
export type TupleFieldValue<F extends TupleField> = F extends `${infer Base extends TupleField}?`
  ? TupleFieldValue<Base> | null
  : F extends 'null'
    ? null
    : F extends 'boolean'
      ? boolean
      : F extends 'integer' | 'number'
        ? number
        : F extends 'string'
          ? string
          : F extends 'bytes'
            ? Uint8Array
            : F extends 'array'
              ? readonly CanonicalValue[]
              : F extends 'object'
                ? { readonly [key: string]: CanonicalValue }
                : CanonicalValue;

/** The decoded tuple for a shape: `['integer', 'bytes?']` → `[number, Uint8Array | null]`. */
export type TupleOf<Shape extends readonly TupleField[]> = {
  -readonly [I in keyof Shape]: TupleFieldValue<Shape[I]>;
};

function matches(value: CanonicalValue, field: TupleField): boolean {
  const nullable = field.endsWith('?');
  if (value === null) return nullable || field === 'null' || field === 'any';
  const base = nullable ? field.slice(0, -1) : field;
  switch (base) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'bytes':
      return value instanceof Uint8Array;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
    case 'any':
      return true;
    default:
      return false;
  }
}

function kindOf(value: CanonicalValue): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Checks that an already decoded value is a tuple of `shape`. Internal helper of
 * {@link decodeTuple} and the envelope decoder.
 *
 * @throws BrightChainError `BC_DECODE_INVALID` with `details.reason` `'shape'`
 */
export function assertTupleShape<const Shape extends readonly TupleField[]>(
  value: CanonicalValue,
  shape: Shape,
): asserts value is TupleOf<Shape> {
  if (!Array.isArray(value)) {
    throw new BrightChainError(CoreErrorCode.DECODE_INVALID, 'expected a tuple (array)', {
      details: { reason: 'shape', expected: `tuple of ${shape.length}`, actual: kindOf(value) },
    });
  }
  if (value.length !== shape.length) {
    throw new BrightChainError(CoreErrorCode.DECODE_INVALID, `expected a tuple of ${shape.length} fields`, {
      details: { reason: 'shape', expected: shape.length, actual: value.length },
    });
  }
  for (let index = 0; index < shape.length; index++) {
    const field = shape[index] as TupleField;
    const item = value[index] as CanonicalValue;
    if (!matches(item, field)) {
      throw new BrightChainError(CoreErrorCode.DECODE_INVALID, `tuple field ${index} must be ${field}`, {
        details: { reason: 'shape', index, expected: field, actual: kindOf(item) },
      });
    }
  }
}

/**
 * {@link decodeStrict} followed by a shape check: the bytes must be one array whose fields match
 * `shape` one for one. The result is typed from the shape.
 *
 * @param bytes - canonical bytes of a tuple
 * @param shape - the expected field kinds, in order
 * @param limits - overrides of the default decode limits
 * @throws BrightChainError `BC_DECODE_LIMIT` / `BC_DECODE_INVALID` as {@link decodeStrict}; also
 * `BC_DECODE_INVALID` with `details.reason === 'shape'` (and `index`, `expected`, `actual`) when the
 * value is not a tuple of that shape
 * @example
 * ```ts
 * const bytes = encodeCanonical([1, 'yes', new Uint8Array(16)]);
 * const [version, choice, voter] = decodeTuple(bytes, ['integer', 'string', 'bytes']);
 * // version: number, choice: string, voter: Uint8Array
 * ```
 */
export function decodeTuple<const Shape extends readonly TupleField[]>(
  bytes: Uint8Array,
  shape: Shape,
  limits?: Partial<DecodeLimits>,
): TupleOf<Shape> {
  const value = decodeStrict(bytes, limits);
  assertTupleShape(value, shape);
  return value;
}
