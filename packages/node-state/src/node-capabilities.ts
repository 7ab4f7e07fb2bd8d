/**
 * What a node advertises it can do: its type (regular storage node or quorum node), whether it
 * stores blocks, whether it takes part in governance, its specialisations, and its partial
 * availability — read/write access, bandwidth caps and geographic restrictions. This is the seed's
 * "capability advertising" and the answer to its partial-availability question; see
 * `partial-availability.ts` for the checks replication applies.
 */
import { NodeStateErrorCode } from './error-codes';
import { InputIssues, type InputIssue } from './input-issues';

/**
 * The two node types of the seed design. Regular `storage` nodes store blocks, earn credits and
 * replicate; `quorum` nodes carry higher trust, may hold sensitive data, and take part in
 * governance and identity management.
 */
export type NodeType = 'storage' | 'quorum';

/** Bandwidth a node offers, in bytes per second; 0 closes that direction. */
export interface BandwidthLimit {
  /** Bytes/s the node will send (serving reads, feeding replication). */
  readonly uploadBytesPerSecond: number;
  /** Bytes/s the node will receive (accepting writes and replicas). */
  readonly downloadBytesPerSecond: number;
}

/** A node's advertised capabilities. */
export interface NodeCapabilities {
  /** Regular storage node or quorum node. */
  readonly nodeType: NodeType;
  /** Offers block storage. Always true for `storage` nodes; optional for quorum nodes. */
  readonly storage: boolean;
  /** Takes part in governance votes and identity management. Only quorum nodes may. */
  readonly quorum: boolean;
  /**
   * Free-form specialisations matched by `NodeSelectionCriteria.specializations` (e.g.
   * `sensitive-data`, `index-keeper`, `archive`, `ssd`): at most 32 distinct labels of 1–64
   * characters `[a-z0-9._-]`.
   */
  readonly specialisations: readonly string[];
  /** Serves block reads. */
  readonly reads: boolean;
  /** Accepts new blocks and replicas. `reads && !writes` is a read-only node. */
  readonly writes: boolean;
  /** Bandwidth caps; absent means not limited by the node. */
  readonly bandwidth?: BandwidthLimit;
  /** Where the node is (region or jurisdiction label, e.g. `eu-west-1`, `EU`, `us/ca`). */
  readonly region?: string;
  /**
   * Geographic restriction: the only block regions/jurisdictions this node may hold. Absent means
   * unrestricted. A restricted node accepts only blocks tagged with one of these labels.
   */
  readonly allowedRegions?: readonly string[];
}

/**
 * Bounds enforced by {@link validateNodeCapabilities}.
 *
 * @example
 * ```ts
 * labels.slice(0, NODE_CAPABILITY_LIMITS.maxSpecialisations);
 * ```
 */
export const NODE_CAPABILITY_LIMITS = Object.freeze({
  maxSpecialisations: 32,
  maxAllowedRegions: 64,
});

const SPECIALISATION_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const KNOWN_KEYS = new Set([
  'nodeType',
  'storage',
  'quorum',
  'specialisations',
  'reads',
  'writes',
  'bandwidth',
  'region',
  'allowedRegions',
]);

/**
 * Collects the problems of a capabilities input (paths relative to the capabilities object).
 * @internal
 */
export function capabilityIssues(input: unknown): readonly InputIssue[] {
  const issues = new InputIssues();
  const value = issues.object('', input);
  if (value === undefined) return issues.list;
  for (const key of Object.keys(value))
    if (!KNOWN_KEYS.has(key)) issues.add(key, 'is not a capability field');
  const { nodeType } = value;
  if (nodeType !== 'storage' && nodeType !== 'quorum')
    issues.add('nodeType', "must be 'storage' or 'quorum'");
  const storage = issues.boolean('storage', value.storage) ? value.storage : undefined;
  const quorum = issues.boolean('quorum', value.quorum) ? value.quorum : undefined;
  const reads = issues.boolean('reads', value.reads) ? value.reads : undefined;
  const writes = issues.boolean('writes', value.writes) ? value.writes : undefined;
  if (nodeType === 'storage' && storage === false) issues.add('storage', 'must be true for a storage node');
  if (nodeType === 'storage' && quorum === true)
    issues.add('quorum', 'only quorum nodes take part in governance');
  if (storage === false && reads === true)
    issues.add('reads', 'a node without storage cannot serve block reads');
  if (storage === false && writes === true)
    issues.add('writes', 'a node without storage cannot accept blocks');

  const specialisations = value.specialisations;
  if (!Array.isArray(specialisations)) {
    issues.add('specialisations', 'must be an array of labels');
  } else {
    if (specialisations.length > NODE_CAPABILITY_LIMITS.maxSpecialisations) {
      issues.add('specialisations', `must have at most ${NODE_CAPABILITY_LIMITS.maxSpecialisations} entries`);
    }
    const seen = new Set<string>();
    specialisations.forEach((label: unknown, i) => {
      if (typeof label !== 'string' || !SPECIALISATION_PATTERN.test(label)) {
        issues.add(
          `specialisations.${i}`,
          'must be 1–64 characters of [a-z0-9._-] starting with a letter or digit',
        );
      } else if (seen.has(label)) {
        issues.add(`specialisations.${i}`, `duplicates ${JSON.stringify(label)}`);
      } else {
        seen.add(label);
      }
    });
  }

  if (value.bandwidth !== undefined) {
    const bandwidth = issues.object('bandwidth', value.bandwidth);
    if (bandwidth !== undefined) {
      issues.count('bandwidth.uploadBytesPerSecond', bandwidth.uploadBytesPerSecond);
      issues.count('bandwidth.downloadBytesPerSecond', bandwidth.downloadBytesPerSecond);
    }
  }
  if (value.region !== undefined) issues.region('region', value.region);
  if (value.allowedRegions !== undefined) {
    const allowed = value.allowedRegions;
    if (!Array.isArray(allowed) || allowed.length === 0) {
      issues.add('allowedRegions', 'must be a non-empty array (omit it for an unrestricted node)');
    } else {
      if (allowed.length > NODE_CAPABILITY_LIMITS.maxAllowedRegions) {
        issues.add('allowedRegions', `must have at most ${NODE_CAPABILITY_LIMITS.maxAllowedRegions} entries`);
      }
      const seen = new Set<string>();
      allowed.forEach((region: unknown, i) => {
        if (!issues.region(`allowedRegions.${i}`, region)) return;
        if (seen.has(region)) issues.add(`allowedRegions.${i}`, `duplicates ${JSON.stringify(region)}`);
        seen.add(region);
      });
    }
  }
  return issues.list;
}

/**
 * Checks advertised capabilities and returns a frozen copy.
 *
 * Rules: `nodeType` is `storage` or `quorum`; a storage node has `storage: true` and `quorum:
 * false`; `reads`/`writes` need `storage`; bandwidths are non-negative safe integers (bytes/s);
 * region labels are 1–64 characters `[A-Za-z0-9._:/-]`; `allowedRegions`, when present, is a
 * non-empty list without duplicates; specialisations are distinct lower-case labels; no unknown fields.
 *
 * @throws BrightChainError `BC_NODE_CAPABILITIES_INVALID` with `details.issues` listing every problem
 * @example
 * ```ts
 * const caps = validateNodeCapabilities({
 *   nodeType: 'storage', storage: true, quorum: false, specialisations: ['ssd'],
 *   reads: true, writes: false, region: 'eu-west-1', allowedRegions: ['EU'],
 * });
 * ```
 */
export function validateNodeCapabilities(input: unknown): NodeCapabilities {
  const issues = new InputIssues();
  issues.merge('', capabilityIssues(input));
  issues.throwIfAny(NodeStateErrorCode.NODE_CAPABILITIES_INVALID, 'node capabilities');
  return copyCapabilities(input as NodeCapabilities);
}

/**
 * A frozen deep copy of already-validated capabilities.
 * @internal
 */
export function copyCapabilities(caps: NodeCapabilities): NodeCapabilities {
  return Object.freeze({
    nodeType: caps.nodeType,
    storage: caps.storage,
    quorum: caps.quorum,
    specialisations: Object.freeze([...caps.specialisations]),
    reads: caps.reads,
    writes: caps.writes,
    ...(caps.bandwidth === undefined
      ? {}
      : {
          bandwidth: Object.freeze({
            uploadBytesPerSecond: caps.bandwidth.uploadBytesPerSecond,
            downloadBytesPerSecond: caps.bandwidth.downloadBytesPerSecond,
          }),
        }),
    ...(caps.region === undefined ? {} : { region: caps.region }),
    ...(caps.allowedRegions === undefined ? {} : { allowedRegions: Object.freeze([...caps.allowedRegions]) }),
  });
}

/**
 * Capabilities of an ordinary, fully available node of `nodeType`: stores blocks, reads and writes,
 * no bandwidth cap, no region, no restriction (quorum nodes also get `quorum: true`).
 *
 * @example
 * ```ts
 * const caps = defaultNodeCapabilities('quorum', { region: 'eu-west-1' });
 * ```
 */
export function defaultNodeCapabilities(
  nodeType: NodeType,
  overrides: Partial<NodeCapabilities> = {},
): NodeCapabilities {
  return validateNodeCapabilities({
    nodeType,
    storage: true,
    quorum: nodeType === 'quorum',
    specialisations: [],
    reads: true,
    writes: true,
    ...overrides,
  });
}

/**
 * True when two capability records advertise the same thing (order of specialisations and
 * allowed regions does not matter).
 *
 * @example
 * ```ts
 * sameCapabilities(a, { ...a, specialisations: [...a.specialisations].reverse() }); // true
 * ```
 */
export function sameCapabilities(a: NodeCapabilities, b: NodeCapabilities): boolean {
  const sortedEqual = (x: readonly string[] | undefined, y: readonly string[] | undefined) =>
    x === undefined || y === undefined
      ? x === y
      : JSON.stringify([...x].sort()) === JSON.stringify([...y].sort());
  return (
    a.nodeType === b.nodeType &&
    a.storage === b.storage &&
    a.quorum === b.quorum &&
    a.reads === b.reads &&
    a.writes === b.writes &&
    a.region === b.region &&
    a.bandwidth?.uploadBytesPerSecond === b.bandwidth?.uploadBytesPerSecond &&
    a.bandwidth?.downloadBytesPerSecond === b.bandwidth?.downloadBytesPerSecond &&
    sortedEqual(a.specialisations, b.specialisations) &&
    sortedEqual(a.allowedRegions, b.allowedRegions)
  );
}
