/** Region names: the geographic label of the holder of a copy, compared for spread. */
import { BrightChainError } from '@brightchain/core';
import { BlockIndexErrorCode } from './error-codes';

/**
 * Longest accepted region name, in characters.
 *
 * @example
 * ```ts
 * const region = label.slice(0, MAX_REGION_LENGTH);
 * ```
 */
export const MAX_REGION_LENGTH = 64;

const REGION = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

/**
 * Checks a region name: 1–64 characters, starting with a letter or digit, then letters, digits and
 * `. _ : / -` (e.g. `eu-west-1`, `us/ny`). Regions are compared exactly (case-sensitive).
 *
 * @throws BrightChainError `BC_INDEX_REGION_INVALID` for anything else
 */
export function parseRegion(region: unknown): string {
  if (typeof region === 'string' && REGION.test(region)) return region;
  throw new BrightChainError(
    BlockIndexErrorCode.REGION_INVALID,
    'region must be 1–64 characters of [A-Za-z0-9._:/-], starting with a letter or digit',
    { details: { region: typeof region === 'string' ? region.slice(0, 80) : typeof region } },
  );
}
