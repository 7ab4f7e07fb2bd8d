/**
 * Host reports: how transfers and drops ended. They reach the scheduler through `step(from, report)`,
 * `from` being the node the report is about (the target that stored or failed, the node that dropped),
 * typically relayed from that node over the network — so they are validated like any message.
 */
import { BrightChainError, isGuidV4 } from '@brightchain/core';
import { blockHexOf } from './block-key';
import { ReplicationErrorCode } from './error-codes';

/** Longest accepted failure reason, in characters. */
export const MAX_REPORT_REASON_LENGTH = 256;

/** A report from (or about) one node. `blockId` is the block's 128 hex characters. */
export type ReplicationReport =
  /** The node stored its copy (and the host recorded it in the block index). */
  | { readonly type: 'copyStored'; readonly jobId: number; readonly blockId: string }
  /** The node could not store its copy. */
  | { readonly type: 'copyFailed'; readonly jobId: number; readonly blockId: string; readonly reason: string }
  /** The node dropped its copy (and the host recorded the drop in the block index). */
  | { readonly type: 'copyDropped'; readonly trimId: number; readonly blockId: string }
  /** The node could not drop its copy. */
  | {
      readonly type: 'dropFailed';
      readonly trimId: number;
      readonly blockId: string;
      readonly reason: string;
    };

function reject(reason: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(ReplicationErrorCode.REPORT_INVALID, `invalid replication report: ${reason}`, {
    details: { reason, ...details },
  });
}

const KEYS: Readonly<Record<ReplicationReport['type'], readonly string[]>> = {
  copyStored: ['type', 'jobId', 'blockId'],
  copyFailed: ['type', 'jobId', 'blockId', 'reason'],
  copyDropped: ['type', 'trimId', 'blockId'],
  dropFailed: ['type', 'trimId', 'blockId', 'reason'],
};

/**
 * Checks the shape of a report and returns a normalised frozen copy (block id lower-case).
 *
 * @throws BrightChainError `BC_REPLICATION_REPORT_INVALID` for an unknown type, missing or extra
 * fields, a job/trim id that is not a non-negative integer, a bad block id, or an empty or too long reason
 * @example
 * ```ts
 * validateReplicationReport({ type: 'copyStored', jobId: 7, blockId: hex });
 * ```
 */
export function validateReplicationReport(input: unknown): ReplicationReport {
  if (typeof input !== 'object' || input === null) throw reject('report must be an object');
  const report = input as Record<string, unknown>;
  const type = report.type;
  if (typeof type !== 'string' || !Object.hasOwn(KEYS, type)) {
    throw reject('unknown report type', { type: String(type).slice(0, 32) });
  }
  const keys = KEYS[type as ReplicationReport['type']];
  for (const key of Object.keys(report))
    if (!keys.includes(key)) throw reject(`unknown field ${key.slice(0, 32)}`);
  const idField = type === 'copyStored' || type === 'copyFailed' ? 'jobId' : 'trimId';
  const id = report[idField];
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
    throw reject(`${idField} must be a non-negative integer`);
  const blockHex = blockHexOf(report.blockId);
  if (blockHex === undefined || typeof report.blockId !== 'string')
    throw reject('blockId must be 128 hex characters');
  let reason: string | undefined;
  if (type === 'copyFailed' || type === 'dropFailed') {
    reason = report.reason as string;
    if (typeof reason !== 'string' || reason.length === 0 || reason.length > MAX_REPORT_REASON_LENGTH) {
      throw reject(`reason must be 1–${MAX_REPORT_REASON_LENGTH} characters`);
    }
  }
  return Object.freeze({
    type,
    [idField]: id,
    blockId: blockHex,
    ...(reason === undefined ? {} : { reason }),
  }) as ReplicationReport;
}

/** @internal */
export function checkReporter(from: unknown): void {
  if (!isGuidV4(from)) throw reject('from must be a canonical GuidV4');
}
