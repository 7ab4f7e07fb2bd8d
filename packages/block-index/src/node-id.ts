/** Node ids (holders and entry writers) at the index boundary: canonical GuidV4 strings. */
import { BrightChainError, type GuidV4, isGuidV4, parseGuidV4 } from '@brightchain/core';
import { BlockIndexErrorCode } from './error-codes';

/**
 * The canonical (lower-case) GuidV4 for a node id given as a string.
 *
 * @throws BrightChainError `BC_INDEX_NODE_ID_INVALID` for anything that is not a version-4 GUID
 */
export function parseNodeId(input: unknown, role = 'node'): GuidV4 {
  if (isGuidV4(input)) return input;
  try {
    if (typeof input === 'string') return parseGuidV4(input);
  } catch (error) {
    throw invalidNodeId(role, input, error);
  }
  throw invalidNodeId(role, input, undefined);
}

function invalidNodeId(role: string, input: unknown, cause: unknown): BrightChainError {
  return new BrightChainError(BlockIndexErrorCode.NODE_ID_INVALID, `${role} id is not a GuidV4`, {
    details: { role, input: typeof input === 'string' ? input.slice(0, 64) : typeof input },
    ...(cause === undefined ? {} : { cause }),
  });
}
