/**
 * `ReplicationPolicy`: how many copies a block should have, how widely spread, and how urgent each
 * kind of shortfall is — exactly the seed's interface, validated.
 *
 * Copy bounds follow IPFS Cluster's `replication_factor_min` / `replication_factor_max`: a block
 * below `minimumCopies` is at risk (repaired first, as CRITICAL); the scheduler aims for
 * `targetCopies`; copies above `maximumCopies` are trimmed. Between target and maximum nothing
 * happens, which absorbs the extra copies that pre-emptive repairs (a suspected node that comes back)
 * leave behind without churn.
 *
 * **"Everywhere" semantics.** `targetCopies = maximumCopies = EVERY_ELIGIBLE_NODE` (`Infinity`)
 * means "a copy on every node that can hold it": the effective target is the number of durable
 * holders plus every eligible node (running, writable, region-allowed, with space) that does not yet
 * hold it, so the scheduler copies to each of them and never trims. `maximumCopies = Infinity`
 * alone (finite target) means "never trim". `minimumCopies` is always finite.
 */
import type { BlockMetadata } from '@brightchain/block-index';
import { ReplicationErrorCode } from './error-codes';
import { IssueList } from './issue-list';

/**
 * The four priority levels and the number each one gives a job (`ReplicationJob.priority`). Higher
 * numbers run first; values are compared across policies, so a policy for important data can lift
 * all its levels above another policy's.
 */
export interface PriorityLevels {
  /** Live copies below `minimumCopies`: data at risk now. */
  readonly CRITICAL: number;
  /** Will fall below `minimumCopies` (drain, predicted failure), or a shutdown drain. */
  readonly HIGH: number;
  /** Below `targetCopies` (including a predicted failure). */
  readonly MEDIUM: number;
  /** Enough copies, but geographic spread violated. */
  readonly LOW: number;
}

/** One of the four priority level names. */
export type PriorityLevel = keyof PriorityLevels;

/** The seed's replication policy. */
export interface ReplicationPolicy {
  /** Below this many live copies a block is at risk. A positive integer. */
  readonly minimumCopies: number;
  /** The number of copies replication aims for: a positive integer ≥ minimum, or {@link EVERY_ELIGIBLE_NODE}. */
  readonly targetCopies: number;
  /** More copies than this are trimmed: an integer ≥ target, or `Infinity` (never trim). */
  readonly maximumCopies: number;
  /** Spread copies across regions (failure domains) and repair clumped blocks. */
  readonly geographicSpread: boolean;
  /** Job priority of each level; strictly ordered CRITICAL > HIGH > MEDIUM > LOW. */
  readonly priorityLevels: PriorityLevels;
}

/**
 * The "everywhere" sentinel for `targetCopies` / `maximumCopies`: every eligible node holds a copy.
 *
 * @example
 * ```ts
 * const indexKeepers = validateReplicationPolicy({
 *   ...DEFAULT_REPLICATION_POLICY, targetCopies: EVERY_ELIGIBLE_NODE, maximumCopies: EVERY_ELIGIBLE_NODE,
 * });
 * ```
 */
export const EVERY_ELIGIBLE_NODE = Number.POSITIVE_INFINITY;

/** Priority levels of {@link DEFAULT_REPLICATION_POLICY}: 3 / 2 / 1 / 0. */
export const DEFAULT_PRIORITY_LEVELS: PriorityLevels = Object.freeze({
  CRITICAL: 3,
  HIGH: 2,
  MEDIUM: 1,
  LOW: 0,
});

/**
 * The default policy: at least 2, aim for 3, at most 5 copies, spread across regions.
 *
 * @example
 * ```ts
 * const archive = validateReplicationPolicy({ ...DEFAULT_REPLICATION_POLICY, targetCopies: 5, maximumCopies: 7 });
 * ```
 */
export const DEFAULT_REPLICATION_POLICY: ReplicationPolicy = Object.freeze({
  minimumCopies: 2,
  targetCopies: 3,
  maximumCopies: 5,
  geographicSpread: true,
  priorityLevels: DEFAULT_PRIORITY_LEVELS,
});

const POLICY_KEYS = new Set([
  'minimumCopies',
  'targetCopies',
  'maximumCopies',
  'geographicSpread',
  'priorityLevels',
]);
const LEVEL_NAMES: readonly PriorityLevel[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const LEVEL_KEYS = new Set<string>(LEVEL_NAMES);

function copyCount(issues: IssueList, path: string, value: unknown, allowEverywhere: boolean): boolean {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return true;
  if (allowEverywhere && value === EVERY_ELIGIBLE_NODE) return true;
  issues.add(path, allowEverywhere ? 'must be a positive integer or Infinity' : 'must be a positive integer');
  return false;
}

/**
 * Checks a policy and returns a frozen copy. Every problem is reported at once.
 *
 * Rules: `minimumCopies` a positive safe integer; `targetCopies` and `maximumCopies` positive safe
 * integers or `Infinity` ({@link EVERY_ELIGIBLE_NODE}); `minimumCopies ≤ targetCopies ≤
 * maximumCopies`; `geographicSpread` a boolean; `priorityLevels` has exactly CRITICAL, HIGH, MEDIUM,
 * LOW, each a non-negative safe integer, strictly decreasing in that order; no unknown fields.
 *
 * @throws BrightChainError `BC_REPLICATION_POLICY_INVALID` with `details.issues: { path, reason }[]`
 * @example
 * ```ts
 * validateReplicationPolicy({ ...DEFAULT_REPLICATION_POLICY, minimumCopies: 4 });
 * // throws BC_REPLICATION_POLICY_INVALID: minimumCopies ≤ targetCopies violated
 * ```
 */
export function validateReplicationPolicy(input: unknown): ReplicationPolicy {
  const issues = new IssueList();
  const policy = issues.object('', input);
  if (policy !== undefined) {
    issues.unknownKeys('', policy, POLICY_KEYS);
    const minOk = copyCount(issues, 'minimumCopies', policy.minimumCopies, false);
    const targetOk = copyCount(issues, 'targetCopies', policy.targetCopies, true);
    const maxOk = copyCount(issues, 'maximumCopies', policy.maximumCopies, true);
    const min = policy.minimumCopies as number;
    const target = policy.targetCopies as number;
    const max = policy.maximumCopies as number;
    if (minOk && targetOk && min > target) issues.add('targetCopies', `must be ≥ minimumCopies (${min})`);
    if (targetOk && maxOk && target > max) issues.add('maximumCopies', `must be ≥ targetCopies (${target})`);
    if (typeof policy.geographicSpread !== 'boolean') issues.add('geographicSpread', 'must be a boolean');
    const levels = issues.object('priorityLevels', policy.priorityLevels);
    if (levels !== undefined) {
      issues.unknownKeys('priorityLevels', levels, LEVEL_KEYS);
      let allOk = true;
      for (const name of LEVEL_NAMES) {
        allOk = issues.integer(`priorityLevels.${name}`, levels[name], 0) && allOk;
      }
      if (allOk) {
        for (let i = 1; i < LEVEL_NAMES.length; i++) {
          const higher = LEVEL_NAMES[i - 1] as PriorityLevel;
          const lower = LEVEL_NAMES[i] as PriorityLevel;
          if ((levels[higher] as number) <= (levels[lower] as number)) {
            issues.add(`priorityLevels.${lower}`, `must be lower than ${higher}`);
          }
        }
      }
    }
  }
  issues.throwIfAny(ReplicationErrorCode.POLICY_INVALID, 'replication policy');
  const valid = input as ReplicationPolicy;
  return Object.freeze({
    minimumCopies: valid.minimumCopies,
    targetCopies: valid.targetCopies,
    maximumCopies: valid.maximumCopies,
    geographicSpread: valid.geographicSpread,
    priorityLevels: Object.freeze({
      CRITICAL: valid.priorityLevels.CRITICAL,
      HIGH: valid.priorityLevels.HIGH,
      MEDIUM: valid.priorityLevels.MEDIUM,
      LOW: valid.priorityLevels.LOW,
    }),
  });
}

/**
 * True when the policy wants a copy on every eligible node (`targetCopies` is {@link EVERY_ELIGIBLE_NODE}).
 *
 * @throws nothing
 * @example
 * ```ts
 * isEverywherePolicy(DEFAULT_REPLICATION_POLICY); // false
 * ```
 */
export function isEverywherePolicy(policy: Pick<ReplicationPolicy, 'targetCopies'>): boolean {
  return policy.targetCopies === EVERY_ELIGIBLE_NODE;
}

/** Largest value the block index stores for a copy bound or region count (one byte). */
export const INDEX_COPY_LIMIT = 255;

/** What {@link blockMetadataFor} needs besides the policy. */
export interface BlockMetadataExtras {
  /** Importance class of the block, 0–255, higher first (the index's `priority`). Default 0. */
  readonly importance?: number;
  /** Block size in bytes. Default 0. */
  readonly sizeBytes?: number;
  /** Distinct regions wanted when `geographicSpread`. Default 2. */
  readonly spreadRegions?: number;
}

/**
 * The block-index metadata that makes the index rank a block by this policy: copy bounds (capped at
 * 255, the index's limit — an "everywhere" block is listed as under-replicated until 255 copies, and
 * the scheduler computes its real target from the eligible nodes), `minimumRegions` (1 without spread),
 * importance and size. The host passes it to `BlockIndex.setBlockMetadata`.
 *
 * @throws BrightChainError `BC_REPLICATION_POLICY_INVALID` for an invalid policy or extras
 * @example
 * ```ts
 * index.setBlockMetadata(blockId, blockMetadataFor(policy, { importance: 2, sizeBytes: block.length }));
 * ```
 */
export function blockMetadataFor(policy: ReplicationPolicy, extras: BlockMetadataExtras = {}): BlockMetadata {
  const valid = validateReplicationPolicy(policy);
  const issues = new IssueList();
  const importance = extras.importance ?? 0;
  const sizeBytes = extras.sizeBytes ?? 0;
  const spreadRegions = extras.spreadRegions ?? 2;
  issues.integer('importance', importance, 0);
  if (importance > INDEX_COPY_LIMIT) issues.add('importance', 'must be at most 255');
  issues.integer('sizeBytes', sizeBytes, 0);
  issues.integer('spreadRegions', spreadRegions, 1);
  if (spreadRegions > INDEX_COPY_LIMIT) issues.add('spreadRegions', 'must be at most 255');
  issues.throwIfAny(ReplicationErrorCode.POLICY_INVALID, 'block metadata extras');
  const cap = (n: number) => Math.min(n, INDEX_COPY_LIMIT);
  return Object.freeze({
    minimumCopies: cap(valid.minimumCopies),
    targetCopies: cap(valid.targetCopies),
    maximumCopies: cap(valid.maximumCopies),
    minimumRegions: valid.geographicSpread ? spreadRegions : 1,
    priority: importance,
    sizeBytes,
  });
}
