/**
 * Configuration of the SWIM + Lifeguard membership core. Defaults follow HashiCorp memberlist's LAN
 * profile (probe every 1 s with a 500 ms ack timeout, 3 indirect checks, gossip to 3 members every
 * 200 ms, suspicion multiplier 4 with Lifeguard's ×6 upper bound, retransmit multiplier 4, push-pull
 * every 30 s), plus BrightChain's partition detector (Ceph-style min-in ratio 0.75).
 */
import { BrightChainError } from '@brightchain/core';
import { NodeStateErrorCode } from './error-codes';

/** The three Lifeguard extensions (Dadgar et al., arXiv 1707.00788), each switchable on its own. */
export interface LifeguardConfig {
  /**
   * Local Health Awareness: failed probes, missed nacks and refutations raise a local health score
   * that stretches this node's probe interval and ack timeout; successful probes lower it.
   */
  readonly localHealthAwareness: boolean;
  /**
   * Dynamic suspicion: a suspicion timeout starts at `suspicionMaxTimeoutMult ×` the minimum and
   * shrinks logarithmically towards the minimum with each independent confirmation.
   * Off: every suspicion lasts exactly the minimum (classic SWIM / pre-Lifeguard memberlist).
   */
  readonly dynamicSuspicion: boolean;
  /** Buddy system: a ping to a suspected member carries the suspicion so it can refute at once. */
  readonly buddySystem: boolean;
}

/** The partition detector's thresholds. */
export interface PartitionConfig {
  /**
   * Report `PARTITIONED` when the reachable fraction (alive members, self included, over known
   * members that have not left) falls below this. Default 0.75, as Ceph's `mon_osd_min_in_ratio`.
   */
  readonly quorumFraction: number;
  /** Leave `PARTITIONED` only once the fraction is at least this (hysteresis). Default 0.8. */
  readonly recoverFraction: number;
  /** A crossing must persist this long before the state flips (anti-flap). Default 2 000 ms. */
  readonly holdMs: number;
  /**
   * A dead member counts as unreachable (and so towards a partition) for this long after it was
   * declared dead; afterwards it is treated as departed. `Infinity` never stops counting it (strict,
   * like Ceph never auto-marking out below the min-in ratio). Default 600 000 ms (Ceph's
   * `mon_osd_down_out_interval`).
   */
  readonly deadCountsForMs: number;
}

/** Every tunable of {@link SwimMembership}. Times are milliseconds of the host's clock. */
export interface MembershipConfig {
  /** Base time between probes. Default 1 000. */
  readonly probeIntervalMs: number;
  /** Base wait for a direct ack before asking others to probe indirectly. Default 500. */
  readonly probeTimeoutMs: number;
  /** Members asked to probe indirectly (`ping-req`) when a direct ping is not acked. Default 3. */
  readonly indirectChecks: number;
  /** Time between gossip rounds. Default 200. */
  readonly gossipIntervalMs: number;
  /** Members sent pending updates each gossip round (0 disables gossip rounds). Default 3. */
  readonly gossipNodes: number;
  /** Dead members still receive gossip this long, so they can learn of it and refute. Default 30 000. */
  readonly gossipToTheDeadMs: number;
  /** Each update is sent at most `retransmitMult × ceil(log10(N + 1))` times. Default 4. */
  readonly retransmitMult: number;
  /** Minimum suspicion timeout is `suspicionMult × max(1, log10(N)) × probeIntervalMs`. Default 4. */
  readonly suspicionMult: number;
  /** Maximum suspicion timeout is this many times the minimum (Lifeguard). Default 6. */
  readonly suspicionMaxTimeoutMult: number;
  /**
   * Independent confirmations that drive a suspicion timeout down to its minimum (Lifeguard's k).
   * `undefined` derives `suspicionMult − 2`, as memberlist does. Forced to 0 in clusters too small
   * to provide that many.
   */
  readonly suspicionConfirmations: number | undefined;
  /** Local health score is kept in `0 .. awarenessMaxMultiplier − 1`; the scale is `score + 1`. Default 8. */
  readonly awarenessMaxMultiplier: number;
  /** Base time between push-pull full-state exchanges with a random member (0 disables). Default 30 000. */
  readonly pushPullIntervalMs: number;
  /** Above this many members the push-pull interval grows with log2(N) (memberlist). Default 32. */
  readonly pushPullScaleThreshold: number;
  /** Time between push-pulls with a random dead member, to heal partitions (0 disables). Default 30 000. */
  readonly reconnectIntervalMs: number;
  /** A join re-sends its push-pull to the seeds this often until one answers. Default 1 000. */
  readonly joinRetryIntervalMs: number;
  /** A join gives up (event `joinFailed`) after this many sends. Default 5. */
  readonly joinMaxAttempts: number;
  /** After `leave()`, the node keeps gossiping its departure at most this long before stopping. Default 2 000. */
  readonly leaveTimeoutMs: number;
  /** At most this many updates ride on one protocol message. Default 32 (hard limit 64). */
  readonly maxPiggybackUpdates: number;
  /** Updates on one message stay under this estimated encoded size in bytes (UDP-safe). Default 1 200. */
  readonly maxPiggybackBytes: number;
  /** Dead members are forgotten this long after being declared dead. Default 86 400 000 (24 h). */
  readonly deadMemberRetentionMs: number;
  /** Left members are forgotten this long after leaving. Default 86 400 000 (24 h). */
  readonly leftMemberRetentionMs: number;
  /** Partition detection thresholds. */
  readonly partition: PartitionConfig;
  /** Which Lifeguard extensions are on. Default: all. */
  readonly lifeguard: LifeguardConfig;
}

/** A partial {@link MembershipConfig}; nested objects may be partial too. */
export type MembershipConfigInput = Partial<Omit<MembershipConfig, 'partition' | 'lifeguard'>> & {
  readonly partition?: Partial<PartitionConfig>;
  readonly lifeguard?: Partial<LifeguardConfig>;
};

/**
 * memberlist-like LAN defaults with every Lifeguard extension on.
 *
 * @example
 * ```ts
 * DEFAULT_MEMBERSHIP_CONFIG.probeIntervalMs; // 1000
 * ```
 */
export const DEFAULT_MEMBERSHIP_CONFIG: MembershipConfig = Object.freeze({
  probeIntervalMs: 1000,
  probeTimeoutMs: 500,
  indirectChecks: 3,
  gossipIntervalMs: 200,
  gossipNodes: 3,
  gossipToTheDeadMs: 30_000,
  retransmitMult: 4,
  suspicionMult: 4,
  suspicionMaxTimeoutMult: 6,
  suspicionConfirmations: undefined,
  awarenessMaxMultiplier: 8,
  pushPullIntervalMs: 30_000,
  pushPullScaleThreshold: 32,
  reconnectIntervalMs: 30_000,
  joinRetryIntervalMs: 1000,
  joinMaxAttempts: 5,
  leaveTimeoutMs: 2000,
  maxPiggybackUpdates: 32,
  maxPiggybackBytes: 1200,
  deadMemberRetentionMs: 86_400_000,
  leftMemberRetentionMs: 86_400_000,
  partition: Object.freeze({
    quorumFraction: 0.75,
    recoverFraction: 0.8,
    holdMs: 2000,
    deadCountsForMs: 600_000,
  }),
  lifeguard: Object.freeze({ localHealthAwareness: true, dynamicSuspicion: true, buddySystem: true }),
});

/** Hard protocol limit on updates per message, enforced when messages are validated. */
export const MAX_PIGGYBACK_UPDATES = 64;

function invalid(field: string, value: unknown, rule: string): BrightChainError {
  return new BrightChainError(
    NodeStateErrorCode.MEMBERSHIP_CONFIG_INVALID,
    `membership config ${field} ${rule}`,
    {
      details: {
        field,
        value: typeof value === 'number' || typeof value === 'boolean' ? value : String(value),
      },
    },
  );
}

function positive(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalid(field, value, 'must be a finite number > 0');
  }
  return value;
}

function nonNegative(field: string, value: unknown, allowInfinity = false): number {
  if (
    typeof value !== 'number' ||
    Number.isNaN(value) ||
    value < 0 ||
    (!allowInfinity && !Number.isFinite(value))
  ) {
    throw invalid(
      field,
      value,
      allowInfinity ? 'must be a number ≥ 0 (Infinity allowed)' : 'must be a finite number ≥ 0',
    );
  }
  return value;
}

function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(field, value, `must be an integer in ${min}..${max}`);
  }
  return value;
}

function fraction(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw invalid(field, value, 'must be a number in (0, 1]');
  }
  return value;
}

function flag(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(field, value, 'must be a boolean');
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Fills `input` from {@link DEFAULT_MEMBERSHIP_CONFIG} and checks every value.
 *
 * @throws BrightChainError `BC_MEMBERSHIP_CONFIG_INVALID` for an unknown key, a value of the wrong
 * type or out of range, `probeTimeoutMs ≥ probeIntervalMs`, or `recoverFraction < quorumFraction`
 * @example
 * ```ts
 * const config = resolveMembershipConfig({ probeIntervalMs: 2000, probeTimeoutMs: 800, lifeguard: { buddySystem: false } });
 * ```
 */
export function resolveMembershipConfig(input: MembershipConfigInput = {}): MembershipConfig {
  if (!isRecord(input)) throw invalid('(root)', input, 'must be an object');
  const known = new Set(Object.keys(DEFAULT_MEMBERSHIP_CONFIG));
  for (const key of Object.keys(input)) {
    if (!known.has(key))
      throw invalid(key, (input as Record<string, unknown>)[key], 'is not a membership option');
  }
  const d = DEFAULT_MEMBERSHIP_CONFIG;
  const partitionIn: unknown = input.partition ?? {};
  const lifeguardIn: unknown = input.lifeguard ?? {};
  if (!isRecord(partitionIn)) throw invalid('partition', partitionIn, 'must be an object');
  if (!isRecord(lifeguardIn)) throw invalid('lifeguard', lifeguardIn, 'must be an object');
  for (const key of Object.keys(partitionIn)) {
    if (!(key in d.partition))
      throw invalid(`partition.${key}`, partitionIn[key], 'is not a partition option');
  }
  for (const key of Object.keys(lifeguardIn)) {
    if (!(key in d.lifeguard))
      throw invalid(`lifeguard.${key}`, lifeguardIn[key], 'is not a Lifeguard option');
  }
  const pick = <K extends keyof MembershipConfig>(key: K): unknown =>
    input[key as keyof MembershipConfigInput] === undefined
      ? d[key]
      : input[key as keyof MembershipConfigInput];

  const probeIntervalMs = positive('probeIntervalMs', pick('probeIntervalMs'));
  const probeTimeoutMs = positive('probeTimeoutMs', pick('probeTimeoutMs'));
  if (probeTimeoutMs >= probeIntervalMs) {
    throw invalid('probeTimeoutMs', probeTimeoutMs, `must be less than probeIntervalMs (${probeIntervalMs})`);
  }
  const confirmations = pick('suspicionConfirmations');
  const partition: PartitionConfig = Object.freeze({
    quorumFraction: fraction(
      'partition.quorumFraction',
      partitionIn.quorumFraction ?? d.partition.quorumFraction,
    ),
    recoverFraction: fraction(
      'partition.recoverFraction',
      partitionIn.recoverFraction ?? d.partition.recoverFraction,
    ),
    holdMs: nonNegative('partition.holdMs', partitionIn.holdMs ?? d.partition.holdMs),
    deadCountsForMs: nonNegative(
      'partition.deadCountsForMs',
      partitionIn.deadCountsForMs ?? d.partition.deadCountsForMs,
      true,
    ),
  });
  if (partition.recoverFraction < partition.quorumFraction) {
    throw invalid(
      'partition.recoverFraction',
      partition.recoverFraction,
      'must be at least partition.quorumFraction',
    );
  }
  const lifeguard: LifeguardConfig = Object.freeze({
    localHealthAwareness: flag(
      'lifeguard.localHealthAwareness',
      lifeguardIn.localHealthAwareness ?? d.lifeguard.localHealthAwareness,
    ),
    dynamicSuspicion: flag(
      'lifeguard.dynamicSuspicion',
      lifeguardIn.dynamicSuspicion ?? d.lifeguard.dynamicSuspicion,
    ),
    buddySystem: flag('lifeguard.buddySystem', lifeguardIn.buddySystem ?? d.lifeguard.buddySystem),
  });
  return Object.freeze({
    probeIntervalMs,
    probeTimeoutMs,
    indirectChecks: integer('indirectChecks', pick('indirectChecks'), 0, 16),
    gossipIntervalMs: positive('gossipIntervalMs', pick('gossipIntervalMs')),
    gossipNodes: integer('gossipNodes', pick('gossipNodes'), 0, 64),
    gossipToTheDeadMs: nonNegative('gossipToTheDeadMs', pick('gossipToTheDeadMs')),
    retransmitMult: integer('retransmitMult', pick('retransmitMult'), 1, 64),
    suspicionMult: integer('suspicionMult', pick('suspicionMult'), 1, 64),
    suspicionMaxTimeoutMult: integer('suspicionMaxTimeoutMult', pick('suspicionMaxTimeoutMult'), 1, 64),
    suspicionConfirmations:
      confirmations === undefined ? undefined : integer('suspicionConfirmations', confirmations, 0, 64),
    awarenessMaxMultiplier: integer('awarenessMaxMultiplier', pick('awarenessMaxMultiplier'), 1, 64),
    pushPullIntervalMs: nonNegative('pushPullIntervalMs', pick('pushPullIntervalMs')),
    pushPullScaleThreshold: integer('pushPullScaleThreshold', pick('pushPullScaleThreshold'), 1, 1_000_000),
    reconnectIntervalMs: nonNegative('reconnectIntervalMs', pick('reconnectIntervalMs')),
    joinRetryIntervalMs: positive('joinRetryIntervalMs', pick('joinRetryIntervalMs')),
    joinMaxAttempts: integer('joinMaxAttempts', pick('joinMaxAttempts'), 1, 1_000_000),
    leaveTimeoutMs: nonNegative('leaveTimeoutMs', pick('leaveTimeoutMs')),
    maxPiggybackUpdates: integer(
      'maxPiggybackUpdates',
      pick('maxPiggybackUpdates'),
      0,
      MAX_PIGGYBACK_UPDATES,
    ),
    maxPiggybackBytes: integer('maxPiggybackBytes', pick('maxPiggybackBytes'), 0, 1 << 20),
    deadMemberRetentionMs: nonNegative('deadMemberRetentionMs', pick('deadMemberRetentionMs'), true),
    leftMemberRetentionMs: nonNegative('leftMemberRetentionMs', pick('leftMemberRetentionMs'), true),
    partition,
    lifeguard,
  });
}
