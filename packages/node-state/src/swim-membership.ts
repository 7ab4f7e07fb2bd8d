/**
 * SWIM membership and failure detection with the Lifeguard extensions, as a sans-I/O state machine.
 *
 * Protocol (Das, Gupta & Motivala, "SWIM", DSN 2002; HashiCorp memberlist): every probe period the
 * node pings the next member of a shuffled round-robin order; without an ack within the probe
 * timeout it asks `indirectChecks` members to ping the target (ping-req) and relay the answer;
 * without any ack by the end of the period it suspects the target. Suspicions carry the target's
 * incarnation; the target refutes by bumping its incarnation and spreading `alive`. Unrefuted
 * suspicions become `dead` when their timeout expires. Updates ride on pings, acks and ping-reqs and
 * on gossip rounds, each sent at most `retransmitMult × ceil(log10(N + 1))` times; push-pull
 * exchanges full state with a random member for convergence, and with a random dead member to heal
 * partitions. Lifeguard (Dadgar et al., arXiv 1707.00788) adds local health awareness, dynamic
 * suspicion timeouts and the buddy system, each switchable in {@link MembershipConfig.lifeguard}.
 *
 * Inputs: `step(from, message)`, `tick(now)`, and the commands `join`, `leave`, `updateMetadata`.
 * Outputs: messages and events in `Ready` batches. Time comes only from `tick` (the core's "now" is
 * the latest tick: hosts tick before delivering a message), randomness only from the injected `Random`.
 */
import {
  BrightChainError,
  type GuidV4,
  isGuidV4,
  type Random,
  type Ready,
  ReadyBuilder,
  type StateMachine,
} from '@brightchain/core';
import { BroadcastQueue } from './broadcast-queue';
import { DeadlineHeap } from './deadline-heap';
import { NodeStateErrorCode } from './error-codes';
import { type LocalHealthCause, LocalHealth } from './lifeguard-local-health';
import {
  MAX_PIGGYBACK_UPDATES,
  type MembershipConfig,
  type MembershipConfigInput,
  resolveMembershipConfig,
} from './membership-config';
import type { MembershipEvent } from './membership-events';
import { sizeOfMemberUpdate, sizeOfMembershipMessage } from './membership-message-size';
import type {
  MemberRecord,
  MemberState,
  MemberUpdate,
  MembershipMessage,
  SuspectUpdate,
} from './membership-messages';
import { trustRecordList, validateMembershipMessage } from './membership-messages';
import { type MemberMetadata, metadataEquals, validateMemberMetadata } from './membership-metadata';
import type { MemberSnapshot, MembershipStatus, MembershipView } from './membership-view';
import { PartitionDetector } from './partition-detector';
import { ProbeOrder } from './probe-order';
import { SuspicionTimer, suspicionTimeoutBounds } from './suspicion-timer';

/** Options of a {@link SwimMembership}. */
export interface SwimMembershipOptions {
  /** This node's id. */
  readonly id: GuidV4;
  /** What this node advertises. */
  readonly metadata: MemberMetadata;
  /** The only source of randomness (a `SeededRandom` fork per node in simulations). */
  readonly random: Random;
  /** The host's time at construction (ms). */
  readonly now: number;
  /** Overrides of {@link DEFAULT_MEMBERSHIP_CONFIG}. */
  readonly config?: MembershipConfigInput;
  /** Starting incarnation (default 0); a restarted node refutes older claims about itself anyway. */
  readonly incarnation?: number;
  /**
   * Members to start with, all `alive` (no events are emitted for them). Lets a simulation start
   * from an already formed cluster instead of a join storm, or a node restore a cached view; the
   * protocol corrects whatever is stale. Entries about this node itself are ignored.
   */
  readonly initialMembers?: readonly MemberRecord[];
}

interface MemberEntry {
  readonly id: GuidV4;
  state: MemberState;
  incarnation: number;
  metadata: MemberMetadata;
  stateChangedAt: number;
  /** Dead for longer than `partition.deadCountsForMs`: no longer counted by the partition detector. */
  deadExpired: boolean;
  suspicion: SuspicionTimer | undefined;
}

interface ProbeInFlight {
  readonly target: GuidV4;
  readonly seq: number;
  readonly incarnation: number;
  readonly timeoutAt: number;
  readonly endsAt: number;
  indirectSent: boolean;
  expectedNacks: number;
  readonly nackers: Set<GuidV4>;
}

interface Relay {
  readonly origin: GuidV4;
  readonly originSeq: number;
  readonly target: GuidV4;
  nackAt: number | undefined;
  readonly expiresAt: number;
}

interface JoinInFlight {
  readonly seeds: readonly GuidV4[];
  attempts: number;
  nextAt: number;
}

/** Relays send their nack at this fraction of the probe timeout, so it reaches the prober in time. */
const NACK_TIMEOUT_FRACTION = 0.8;

const SUSPICION = 's:';
const DEAD_EXPIRY = 'x:';
const REAP = 'r:';

function commandError(message: string, details: Record<string, unknown> = {}): BrightChainError {
  return new BrightChainError(NodeStateErrorCode.MEMBERSHIP_COMMAND_INVALID, message, { details });
}

/** The smallest `anchor + k × interval` strictly after `now` (or `anchor` when `now < anchor`). */
function gridAfter(anchor: number, interval: number, now: number): number {
  if (now < anchor) return anchor;
  let k = Math.floor((now - anchor) / interval) + 1;
  // Floating-point rounding can land exactly on `now`; the result must be strictly later.
  while (anchor + k * interval <= now) k += 1;
  return anchor + k * interval;
}

/**
 * The SWIM + Lifeguard membership core. Implements core's `StateMachine` (records: none; the
 * protocol needs nothing durable), plus `nextDeadline()` so a simulator can tick only when needed.
 *
 * Malformed input to `step` throws `BC_MEMBERSHIP_MESSAGE_INVALID` and changes nothing; well-formed
 * but stale or irrelevant messages (old incarnations, unknown sequence numbers) are ignored.
 *
 * @example
 * ```ts
 * const node = new SwimMembership({ id, metadata, random: new SeededRandom(7), now: clock.now() });
 * node.join([seedId]);
 * for (const { to, message } of node.ready().messages) transport.send(to, encodeMembershipMessage(message));
 * node.advance();
 * // later: node.tick(clock.now()); node.step(from, decodeMembershipMessage(bytes)); …
 * ```
 */
export class SwimMembership implements StateMachine<MembershipMessage, never, MembershipEvent> {
  /** Exact encoded size of a membership message in bytes (`sizeOfMembershipMessage`), for bandwidth accounting. */
  static readonly sizeOf = sizeOfMembershipMessage;

  /** This node's id. */
  readonly id: GuidV4;
  /** The resolved configuration. */
  readonly config: MembershipConfig;

  private readonly random: Random;
  private readonly outbox = new ReadyBuilder<MembershipMessage, never, MembershipEvent>();
  private inFlight: Ready<MembershipMessage, never, MembershipEvent> | undefined;
  private now: number;
  private statusValue: MembershipStatus = 'active';

  private readonly members = new Map<GuidV4, MemberEntry>();
  private readonly memberIds: GuidV4[] = [];
  private readonly memberIndex = new Map<GuidV4, number>();
  private readonly self: MemberEntry;
  private aliveCount = 0;
  private countedCount = 0;
  private deadCount = 0;
  private leftCount = 0;

  private readonly probeOrder: ProbeOrder;
  private readonly queue = new BroadcastQueue();
  private readonly timers = new DeadlineHeap();
  private readonly health: LocalHealth;
  private readonly partition: PartitionDetector;

  private seq = 0;
  private probe: ProbeInFlight | undefined;
  private nextProbeAt: number;
  private readonly relays = new Map<number, Relay>();
  /** Seeds given to `join` that are not (yet) in the view, retried by the reconnect timer. */
  private readonly pendingSeeds = new Map<GuidV4, number>();
  private recordsCache: readonly MemberRecord[] | undefined;
  private nextGossipAt: number;
  private readonly gossipAnchor: number;
  private nextPushPullAt: number;
  private nextReconnectAt: number;
  private readonly reconnectAnchor: number;
  private join_: JoinInFlight | undefined;
  private leaveDeadline = Number.POSITIVE_INFINITY;

  /**
   * @throws BrightChainError `BC_MEMBERSHIP_COMMAND_INVALID` for a bad id, random, incarnation or `initialMembers`;
   * `BC_MEMBERSHIP_METADATA_INVALID` for bad metadata; `BC_MEMBERSHIP_CONFIG_INVALID` for bad
   * config; `BC_MEMBERSHIP_TIME_INVALID` for a non-finite `now`
   */
  constructor(options: SwimMembershipOptions) {
    if (!isGuidV4(options.id)) throw commandError('id must be a lower-case GuidV4');
    const random = options.random as Partial<Random> | undefined;
    if (typeof random?.int !== 'function' || typeof random.float !== 'function') {
      throw commandError('random must implement the core Random port');
    }
    if (typeof options.now !== 'number' || !Number.isFinite(options.now)) {
      throw new BrightChainError(NodeStateErrorCode.MEMBERSHIP_TIME_INVALID, 'now must be a finite number', {
        details: { now: String(options.now) },
      });
    }
    const incarnation = options.incarnation ?? 0;
    if (!Number.isSafeInteger(incarnation) || incarnation < 0) {
      throw commandError('incarnation must be a non-negative safe integer', { incarnation });
    }
    const metadata = validateMemberMetadata(options.metadata);
    this.config = resolveMembershipConfig(options.config);
    this.id = options.id;
    this.random = options.random;
    this.now = options.now;
    this.health = new LocalHealth(
      this.config.awarenessMaxMultiplier,
      this.config.lifeguard.localHealthAwareness,
    );
    this.partition = new PartitionDetector(this.config.partition);
    this.probeOrder = new ProbeOrder(this.random);
    this.self = {
      id: this.id,
      state: 'alive',
      incarnation,
      metadata,
      stateChangedAt: this.now,
      deadExpired: false,
      suspicion: undefined,
    };
    this.insertEntry(this.self);
    const initial = this.validateInitialMembers(options.initialMembers).filter((r) => r.id !== this.id);
    for (const record of initial) {
      if (this.members.has(record.id)) continue;
      this.insertEntry({
        id: record.id,
        state: 'alive',
        incarnation: record.incarnation,
        metadata: record.metadata,
        stateChangedAt: this.now,
        deadExpired: false,
        suspicion: undefined,
      });
    }
    this.probeOrder.addAll(initial.map((r) => r.id));
    const c = this.config;
    this.nextProbeAt = this.now + this.random.float() * c.probeIntervalMs;
    this.gossipAnchor = this.now + this.random.float() * c.gossipIntervalMs;
    this.nextGossipAt = this.gossipAnchor;
    this.nextPushPullAt = this.now + this.random.float() * Math.max(c.pushPullIntervalMs, 1);
    this.reconnectAnchor = this.now + this.random.float() * Math.max(c.reconnectIntervalMs, 1);
    this.nextReconnectAt = this.reconnectAnchor;
  }

  private validateInitialMembers(records: readonly MemberRecord[] | undefined): readonly MemberRecord[] {
    if (records === undefined) return [];
    let valid: readonly MemberRecord[];
    try {
      const message = validateMembershipMessage({ type: 'push-pull-response', seq: 0, members: records });
      valid = (message as { members: readonly MemberRecord[] }).members;
    } catch (error) {
      throw new BrightChainError(
        NodeStateErrorCode.MEMBERSHIP_COMMAND_INVALID,
        'initialMembers is malformed',
        {
          cause: error,
        },
      );
    }
    for (const record of valid) {
      if (record.state !== 'alive') throw commandError('initialMembers must all be alive', { id: record.id });
    }
    return valid;
  }

  // ---------------------------------------------------------------- StateMachine

  /**
   * Feeds one message received from `from`. Call `tick(now)` first so the core knows the time.
   *
   * @throws BrightChainError `BC_MEMBERSHIP_MESSAGE_INVALID` when `from` is not a GuidV4 or is this
   * node, or the message is malformed (see {@link validateMembershipMessage}); nothing changes then
   */
  step(from: GuidV4, message: MembershipMessage): void {
    if (!isGuidV4(from) || from === this.id) {
      throw new BrightChainError(
        NodeStateErrorCode.MEMBERSHIP_MESSAGE_INVALID,
        'invalid membership message sender',
        {
          details: {
            reason: from === this.id ? 'message from self' : 'sender is not a GuidV4',
            path: 'from',
          },
        },
      );
    }
    const valid = validateMembershipMessage(message);
    if (this.statusValue === 'left') return;
    switch (valid.type) {
      case 'ping':
        this.onPing(from, valid.seq, valid.target, valid.updates);
        break;
      case 'ack':
        this.onAck(from, valid.seq, valid.updates);
        break;
      case 'ping-req':
        this.onPingReq(from, valid.seq, valid.target, valid.updates);
        break;
      case 'indirect-ack':
        if (this.probe !== undefined && valid.seq === this.probe.seq && valid.target === this.probe.target) {
          this.probeSucceeded();
        }
        break;
      case 'nack':
        if (this.probe !== undefined && valid.seq === this.probe.seq && valid.target === this.probe.target) {
          this.probe.nackers.add(from);
        }
        break;
      case 'gossip':
        this.applyUpdates(from, valid.updates);
        break;
      case 'push-pull':
        this.mergeRecords(from, valid.members);
        this.outbox.send(from, { type: 'push-pull-response', seq: valid.seq, members: this.records() });
        break;
      case 'push-pull-response':
        this.mergeRecords(from, valid.members);
        if (this.join_ !== undefined) {
          this.join_ = undefined;
          this.outbox.emit({ type: 'joinCompleted', via: from, members: this.members.size, at: this.now });
        }
        break;
    }
    this.evaluatePartition();
  }

  /**
   * Advances the core to `now`: fires due probes, timeouts, suspicions, gossip, push-pull,
   * reconnect, join retries and leave completion. Hosts call it at a fine granularity (every
   * 10–50 ms) or exactly at {@link nextDeadline}.
   *
   * @throws BrightChainError `BC_MEMBERSHIP_TIME_INVALID` when `now` is not finite or is earlier
   * than the previous time; nothing changes then
   */
  tick(now: number): void {
    if (typeof now !== 'number' || !Number.isFinite(now) || now < this.now) {
      throw new BrightChainError(
        NodeStateErrorCode.MEMBERSHIP_TIME_INVALID,
        'tick needs a finite, non-decreasing time',
        {
          details: { now: String(now), previous: this.now },
        },
      );
    }
    this.now = now;
    if (this.statusValue === 'left') return;
    // Grid-aligned rounds first: whether a round that fell due since the last input has work
    // depends only on the state that input left behind, so extra ticks never change the outcome.
    if (now >= this.nextGossipAt) {
      if (this.queue.size > 0) this.gossipRound(this.config.gossipNodes);
      this.nextGossipAt = gridAfter(this.gossipAnchor, this.config.gossipIntervalMs, now);
    }
    if (this.statusValue === 'active') this.tickReconnect();
    for (const key of this.timers.popDue(now)) this.onTimer(key);
    if (this.statusValue === 'active') {
      this.tickRelays();
      this.tickProbe();
      this.tickPushPull();
      this.tickJoin();
    }
    if (
      this.statusValue === 'leaving' &&
      (now >= this.leaveDeadline || this.queue.get(this.id) === undefined)
    ) {
      this.statusValue = 'left';
      this.probe = undefined;
      this.relays.clear();
      this.outbox.emit({ type: 'leaveCompleted', incarnation: this.self.incarnation, at: now });
      return;
    }
    this.evaluatePartition();
  }

  /** True when `ready()` would return a non-empty batch. */
  hasReady(): boolean {
    if (this.inFlight !== undefined && this.inFlight.messages.length + this.inFlight.events.length > 0)
      return true;
    return this.outbox.nonEmpty;
  }

  /** The pending batch: messages to send and events to surface (no records). */
  ready(): Ready<MembershipMessage, never, MembershipEvent> {
    if (this.inFlight === undefined) this.inFlight = this.outbox.take();
    return this.inFlight;
  }

  /** Acknowledges the batch returned by `ready()`. */
  advance(): void {
    this.inFlight = undefined;
  }

  /**
   * The earliest time at which `tick` has work to do, or undefined when the core has stopped
   * (after leaving). Re-read it after every `step`, `tick` or command. A host that ticks exactly then
   * (and before delivering each message) gives the core every tick it needs: extra ticks in between
   * change nothing, so such a host behaves like one ticking every few milliseconds, with timers firing
   * exactly on time instead of up to one tick late.
   *
   * @example
   * ```ts
   * const at = node.nextDeadline();
   * if (at !== undefined) scheduler.wakeAt(at, () => node.tick(at));
   * ```
   */
  nextDeadline(): number | undefined {
    if (this.statusValue === 'left') return undefined;
    let next = this.timers.peek() ?? Number.POSITIVE_INFINITY;
    const partitionAt = this.partition.nextDeadline;
    if (partitionAt !== undefined) next = Math.min(next, partitionAt);
    if (this.queue.size > 0) next = Math.min(next, this.nextGossipAt);
    if (this.statusValue === 'leaving') return Math.min(next, this.leaveDeadline);
    const probe = this.probe;
    if (probe === undefined) next = Math.min(next, this.nextProbeAt);
    else next = Math.min(next, probe.indirectSent ? probe.endsAt : Math.min(probe.timeoutAt, probe.endsAt));
    for (const relay of this.relays.values()) {
      next = Math.min(next, relay.nackAt ?? relay.expiresAt, relay.expiresAt);
    }
    if (this.config.pushPullIntervalMs > 0) next = Math.min(next, this.nextPushPullAt);
    if (this.config.reconnectIntervalMs > 0 && this.deadCount + this.pendingSeeds.size > 0) {
      next = Math.min(next, this.nextReconnectAt);
    }
    if (this.join_ !== undefined) next = Math.min(next, this.join_.nextAt);
    return next;
  }

  // ---------------------------------------------------------------- commands

  /**
   * Joins a cluster through `seeds`: sends each a push-pull (full-state exchange), retrying every
   * `joinRetryIntervalMs` until one answers (`joinCompleted`) or `joinMaxAttempts` sends were made
   * (`joinFailed`). May be called again, e.g. to re-join after an isolation. Seeds that have not
   * appeared in the view are also retried by the reconnect timer (for `deadMemberRetentionMs`), so
   * two groups that formed separately during a partition at start-up still find each other.
   *
   * @throws BrightChainError `BC_MEMBERSHIP_COMMAND_INVALID` when `seeds` is not an array of GuidV4
   * or holds no id other than this node's; `BC_MEMBERSHIP_NOT_ACTIVE` after `leave()`
   * @example
   * ```ts
   * node.join([seedA, seedB]);
   * ```
   */
  join(seeds: readonly GuidV4[]): void {
    this.assertActive('join');
    if (!Array.isArray(seeds)) throw commandError('seeds must be an array of GuidV4');
    const unique: GuidV4[] = [];
    for (const seed of seeds) {
      if (!isGuidV4(seed))
        throw commandError('every seed must be a lower-case GuidV4', { seed: String(seed) });
      if (seed !== this.id && !unique.includes(seed)) unique.push(seed);
    }
    if (unique.length === 0) throw commandError('join needs at least one seed other than this node');
    this.join_ = { seeds: unique, attempts: 0, nextAt: this.now };
    for (const seed of unique) {
      if (!this.members.has(seed)) this.pendingSeeds.set(seed, this.now + this.config.deadMemberRetentionMs);
    }
    this.sendJoin();
  }

  /**
   * Leaves gracefully: marks this node `left`, gossips it at once and for up to `leaveTimeoutMs`
   * (until the update has been retransmitted enough), then stops (`leaveCompleted`). Others mark the
   * node left, not dead. A no-op when already leaving or left. To come back, start a new core with
   * the same id and `join`: it refutes the old `left` with a higher incarnation.
   *
   * @example
   * ```ts
   * node.leave();
   * ```
   */
  leave(): void {
    if (this.statusValue !== 'active') return;
    this.statusValue = 'leaving';
    this.probe = undefined;
    this.relays.clear();
    this.join_ = undefined;
    this.leaveDeadline = this.now + this.config.leaveTimeoutMs;
    this.setState(this.self, 'left', this.self.incarnation);
    this.enqueue({ kind: 'left', id: this.id, incarnation: this.self.incarnation });
    this.gossipRound(Math.max(1, this.config.gossipNodes));
    this.evaluatePartition();
  }

  /**
   * Advertises new metadata: bumps this node's incarnation and disseminates `alive`. A no-op when
   * the metadata is unchanged.
   *
   * @throws BrightChainError `BC_MEMBERSHIP_METADATA_INVALID` for bad metadata (nothing changes);
   * `BC_MEMBERSHIP_NOT_ACTIVE` after `leave()`
   * @example
   * ```ts
   * node.updateMetadata({ ...node.metadata, capabilities: { read: true, write: false } });
   * ```
   */
  updateMetadata(metadata: MemberMetadata): void {
    const valid = validateMemberMetadata(metadata);
    this.assertActive('updateMetadata');
    if (metadataEquals(valid, this.self.metadata)) return;
    const previousMetadata = this.self.metadata;
    this.self.metadata = valid;
    this.recordsCache = undefined;
    this.setState(this.self, 'alive', this.self.incarnation + 1);
    this.enqueueSelfAlive();
    this.outbox.emit({
      type: 'memberUpdated',
      member: this.snapshot(this.self),
      previousMetadata,
      at: this.now,
    });
  }

  // ---------------------------------------------------------------- queries

  /** `active`, `leaving` (after `leave()`, still disseminating) or `left` (stopped). */
  get status(): MembershipStatus {
    return this.statusValue;
  }

  /** This node's current incarnation. */
  get incarnation(): number {
    return this.self.incarnation;
  }

  /** This node's advertised metadata. */
  get metadata(): MemberMetadata {
    return this.self.metadata;
  }

  /** Lifeguard local health score (0 = healthy). */
  get localHealth(): number {
    return this.health.score;
  }

  /** The probe interval currently in force (scaled by local health when that is on). */
  get probeIntervalMs(): number {
    return this.health.scale(this.config.probeIntervalMs);
  }

  /** True while the partition detector reports `PARTITIONED`. */
  get partitioned(): boolean {
    return this.partition.state === 'PARTITIONED';
  }

  /** Number of members remembered (self included, any state). */
  get size(): number {
    return this.members.size;
  }

  /** One member as this node sees it, or undefined when unknown. */
  member(id: GuidV4): MemberSnapshot | undefined {
    const entry = this.members.get(id);
    return entry === undefined ? undefined : this.snapshot(entry);
  }

  /**
   * A full snapshot of this node's view, members sorted by id.
   *
   * @example
   * ```ts
   * const alive = node.membershipView().members.filter((m) => m.state === 'alive');
   * ```
   */
  membershipView(): MembershipView {
    const members = [...this.members.values()].map((entry) => this.snapshot(entry));
    members.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return {
      self: this.id,
      at: this.now,
      status: this.statusValue,
      incarnation: this.self.incarnation,
      members,
      partition: {
        state: this.partition.state,
        reachableFraction: this.countedCount === 0 ? 1 : this.aliveCount / this.countedCount,
        reachable: this.aliveCount,
        known: this.countedCount,
      },
      localHealth: this.health.score,
    };
  }

  // ---------------------------------------------------------------- message handlers

  private onPing(from: GuidV4, seq: number, target: GuidV4, updates: readonly MemberUpdate[]): void {
    if (target !== this.id) return; // misdirected: the sender has a stale address book
    this.applyUpdates(from, updates);
    // Buddy reply: when the ping accuses us (even of an incarnation we already out-bid, which the
    // prober evidently missed), our current `alive` leads the ack so the prober clears it at once.
    const accused = updates.some((u) => u.id === this.id && u.kind !== 'alive');
    const lead: MemberUpdate[] = accused && this.statusValue === 'active' ? [this.selfAlive()] : [];
    this.outbox.send(from, {
      type: 'ack',
      seq,
      updates: [...lead, ...this.piggyback(lead.length, lead[0]?.id)],
    });
  }

  private onAck(from: GuidV4, seq: number, updates: readonly MemberUpdate[]): void {
    this.applyUpdates(from, updates);
    const probe = this.probe;
    if (probe !== undefined && seq === probe.seq && from === probe.target) {
      this.probeSucceeded();
      return;
    }
    const relay = this.relays.get(seq);
    if (relay !== undefined && relay.target === from) {
      this.relays.delete(seq);
      this.outbox.send(relay.origin, { type: 'indirect-ack', seq: relay.originSeq, target: relay.target });
    }
  }

  private onPingReq(from: GuidV4, seq: number, target: GuidV4, updates: readonly MemberUpdate[]): void {
    this.applyUpdates(from, updates);
    if (this.statusValue !== 'active' || target === from) return;
    if (target === this.id) {
      this.outbox.send(from, { type: 'indirect-ack', seq, target });
      return;
    }
    const localSeq = ++this.seq;
    this.relays.set(localSeq, {
      origin: from,
      originSeq: seq,
      target,
      nackAt: this.now + NACK_TIMEOUT_FRACTION * this.config.probeTimeoutMs,
      expiresAt: this.now + this.config.probeTimeoutMs,
    });
    this.sendPing(target, localSeq);
  }

  // ---------------------------------------------------------------- probing

  private tickProbe(): void {
    const probe = this.probe;
    if (probe !== undefined) {
      if (!probe.indirectSent && this.now >= probe.timeoutAt) this.sendIndirectProbes(probe);
      if (this.now >= probe.endsAt) this.probeFailed(probe);
    }
    if (this.probe === undefined && this.now >= this.nextProbeAt) this.startProbe();
  }

  private startProbe(): void {
    const interval = this.health.scale(this.config.probeIntervalMs);
    const targetId = this.probeOrder.next((id) => {
      const entry = this.members.get(id as GuidV4);
      return entry !== undefined && (entry.state === 'alive' || entry.state === 'suspect');
    }) as GuidV4 | undefined;
    this.nextProbeAt = this.now + interval;
    if (targetId === undefined) return;
    const target = this.members.get(targetId) as MemberEntry;
    const seq = ++this.seq;
    this.probe = {
      target: targetId,
      seq,
      incarnation: target.incarnation,
      timeoutAt: this.now + this.health.scale(this.config.probeTimeoutMs),
      endsAt: this.now + interval,
      indirectSent: false,
      expectedNacks: 0,
      nackers: new Set(),
    };
    this.sendPing(targetId, seq);
  }

  private sendPing(targetId: GuidV4, seq: number): void {
    const target = this.members.get(targetId);
    const lead: MemberUpdate[] = [];
    if (this.config.lifeguard.buddySystem && target?.state === 'suspect') {
      // Buddy system: tell the suspect directly, so it can refute without waiting for gossip.
      lead.push({ kind: 'suspect', id: targetId, incarnation: target.incarnation, from: this.id });
    }
    this.outbox.send(targetId, {
      type: 'ping',
      seq,
      target: targetId,
      updates: [...lead, ...this.piggyback(lead.length, lead.length > 0 ? targetId : undefined)],
    });
  }

  private sendIndirectProbes(probe: ProbeInFlight): void {
    probe.indirectSent = true;
    const helpers = this.randomMembers(
      this.config.indirectChecks,
      (entry) => entry.state === 'alive' && entry.id !== this.id && entry.id !== probe.target,
    );
    probe.expectedNacks = helpers.length;
    for (const helper of helpers) {
      this.outbox.send(helper.id, {
        type: 'ping-req',
        seq: probe.seq,
        target: probe.target,
        updates: this.piggyback(),
      });
    }
  }

  private probeSucceeded(): void {
    this.probe = undefined;
    this.adjustHealth(-1, 'probe-succeeded');
  }

  private probeFailed(probe: ProbeInFlight): void {
    this.probe = undefined;
    // Lifeguard: missing nacks mean our own messages are not getting through; with nobody to ask,
    // blame ourselves a little for the failed probe.
    if (probe.expectedNacks > 0) {
      const missed = probe.expectedNacks - Math.min(probe.nackers.size, probe.expectedNacks);
      if (missed > 0) this.adjustHealth(missed, 'missed-nack');
    } else {
      this.adjustHealth(1, 'probe-failed');
    }
    this.applySuspect(
      { kind: 'suspect', id: probe.target, incarnation: probe.incarnation, from: this.id },
      this.id,
    );
  }

  private tickRelays(): void {
    for (const [seq, relay] of this.relays) {
      if (relay.nackAt !== undefined && this.now >= relay.nackAt) {
        relay.nackAt = undefined;
        this.outbox.send(relay.origin, { type: 'nack', seq: relay.originSeq, target: relay.target });
      }
      if (this.now >= relay.expiresAt) this.relays.delete(seq);
    }
  }

  // ---------------------------------------------------------------- dissemination

  private gossipRound(fanOut: number): void {
    const targets = this.randomMembers(fanOut, (entry) => {
      if (entry.id === this.id) return false;
      if (entry.state === 'alive' || entry.state === 'suspect') return true;
      return entry.state === 'dead' && this.now - entry.stateChangedAt <= this.config.gossipToTheDeadMs;
    });
    for (const target of targets) {
      const updates = this.piggyback();
      if (updates.length === 0) return;
      this.outbox.send(target.id, { type: 'gossip', updates });
    }
  }

  private piggyback(reserved = 0, excludeId?: GuidV4): MemberUpdate[] {
    const maxCount = Math.min(this.config.maxPiggybackUpdates, MAX_PIGGYBACK_UPDATES - reserved);
    return this.queue.take({
      maxCount,
      maxBytes: this.config.maxPiggybackBytes,
      memberCount: this.clusterSize(),
      retransmitMult: this.config.retransmitMult,
      ...(excludeId === undefined ? {} : { excludeId }),
    });
  }

  private enqueue(update: MemberUpdate): void {
    this.queue.enqueue(update, sizeOfMemberUpdate(update));
  }

  private selfAlive(): MemberUpdate {
    return { kind: 'alive', id: this.id, incarnation: this.self.incarnation, metadata: this.self.metadata };
  }

  private enqueueSelfAlive(): void {
    this.enqueue(this.selfAlive());
  }

  private tickPushPull(): void {
    if (this.config.pushPullIntervalMs <= 0 || this.now < this.nextPushPullAt) return;
    const n = this.clusterSize();
    const threshold = this.config.pushPullScaleThreshold;
    const scale = n <= threshold ? 1 : Math.ceil(Math.log2(n) - Math.log2(threshold)) + 1;
    this.nextPushPullAt = this.now + scale * this.config.pushPullIntervalMs;
    const [partner] = this.randomMembers(1, (entry) => entry.state === 'alive' && entry.id !== this.id);
    if (partner !== undefined) this.sendPushPull(partner.id, false);
  }

  private tickReconnect(): void {
    if (this.config.reconnectIntervalMs <= 0 || this.now < this.nextReconnectAt) return;
    this.nextReconnectAt = gridAfter(this.reconnectAnchor, this.config.reconnectIntervalMs, this.now);
    if (this.deadCount + this.pendingSeeds.size === 0) return;
    // A random dead member or never-answering seed: after a partition heals, one exchange with the
    // other side lets both sides refute their deaths (or, for seeds, discover each other at all).
    const candidates = this.memberIds.filter((id) => this.members.get(id)?.state === 'dead');
    for (const [seed, expiresAt] of this.pendingSeeds) {
      if (this.now >= expiresAt) this.pendingSeeds.delete(seed);
      else candidates.push(seed);
    }
    const partner = candidates.length === 0 ? undefined : candidates[this.random.int(candidates.length)];
    if (partner !== undefined) this.sendPushPull(partner, false);
  }

  private sendPushPull(to: GuidV4, join: boolean): void {
    this.outbox.send(to, { type: 'push-pull', seq: ++this.seq, join, members: this.records() });
  }

  private tickJoin(): void {
    const join = this.join_;
    if (join === undefined || this.now < join.nextAt) return;
    if (join.attempts >= this.config.joinMaxAttempts) {
      this.join_ = undefined;
      this.outbox.emit({ type: 'joinFailed', seeds: join.seeds, attempts: join.attempts, at: this.now });
      return;
    }
    this.sendJoin();
  }

  private sendJoin(): void {
    const join = this.join_ as JoinInFlight;
    join.attempts += 1;
    join.nextAt = this.now + this.config.joinRetryIntervalMs;
    for (const seed of join.seeds) this.sendPushPull(seed, true);
  }

  /** The whole view as push-pull records; cached (frozen) until the view changes. */
  private records(): readonly MemberRecord[] {
    if (this.recordsCache === undefined) {
      const out: MemberRecord[] = [];
      for (const id of this.memberIds) {
        const entry = this.members.get(id) as MemberEntry;
        out.push({ id, incarnation: entry.incarnation, state: entry.state, metadata: entry.metadata });
      }
      this.recordsCache = trustRecordList(out);
    }
    return this.recordsCache;
  }

  // ---------------------------------------------------------------- state merging

  private applyUpdates(via: GuidV4, updates: readonly MemberUpdate[]): void {
    for (const update of updates) {
      switch (update.kind) {
        case 'alive':
          this.applyAlive(update.id, update.incarnation, update.metadata, via);
          break;
        case 'suspect':
          this.applySuspect(update, via);
          break;
        case 'dead':
          this.applyDead(update.id, update.incarnation, update.from, via);
          break;
        case 'left':
          this.applyLeft(update.id, update.incarnation);
          break;
      }
    }
  }

  private mergeRecords(via: GuidV4, records: readonly MemberRecord[]): void {
    for (const record of records) {
      switch (record.state) {
        case 'alive':
          this.applyAlive(record.id, record.incarnation, record.metadata, via);
          break;
        case 'left':
          this.applyLeft(record.id, record.incarnation);
          break;
        case 'dead': {
          // A remote death is only a suspicion here (memberlist): we give the member a chance to
          // refute. An older death we already hold is brought up to the newer incarnation.
          const entry = this.members.get(record.id);
          if (entry !== undefined && entry.state === 'dead' && record.incarnation > entry.incarnation) {
            this.applyDead(record.id, record.incarnation, via, via);
          } else {
            this.applySuspect(
              { kind: 'suspect', id: record.id, incarnation: record.incarnation, from: via },
              via,
            );
          }
          break;
        }
        case 'suspect':
          this.applySuspect(
            { kind: 'suspect', id: record.id, incarnation: record.incarnation, from: via },
            via,
          );
          break;
      }
    }
  }

  private applyAlive(id: GuidV4, incarnation: number, metadata: MemberMetadata, via: GuidV4): void {
    if (id === this.id) {
      if (this.statusValue !== 'active' || incarnation < this.self.incarnation) return;
      if (incarnation === this.self.incarnation && metadataEquals(metadata, this.self.metadata)) return;
      // Someone holds a different or newer idea of us (an earlier life of this node): out-bid it.
      this.refute('alive', undefined, incarnation);
      return;
    }
    const entry = this.members.get(id);
    if (entry === undefined) {
      const created: MemberEntry = {
        id,
        state: 'alive',
        incarnation,
        metadata,
        stateChangedAt: this.now,
        deadExpired: false,
        suspicion: undefined,
      };
      this.insertEntry(created);
      this.probeOrder.add(id);
      this.outbox.emit({
        type: 'stateChanged',
        id,
        from: undefined,
        to: { state: 'alive', incarnation },
        at: this.now,
      });
      this.enqueue({ kind: 'alive', id, incarnation, metadata });
      this.outbox.emit({ type: 'memberJoined', member: this.snapshot(created), via, at: this.now });
      return;
    }
    if (incarnation <= entry.incarnation) return;
    const previous = { state: entry.state, incarnation: entry.incarnation };
    const previousMetadata = entry.metadata;
    entry.metadata = metadata;
    this.recordsCache = undefined;
    this.clearSuspicion(entry);
    this.setState(entry, 'alive', incarnation);
    this.enqueue({ kind: 'alive', id, incarnation, metadata });
    if (previous.state === 'left') {
      this.outbox.emit({ type: 'memberJoined', member: this.snapshot(entry), via, at: this.now });
    } else if (previous.state !== 'alive') {
      this.outbox.emit({ type: 'memberAlive', id, incarnation, previous, refuted: true, via, at: this.now });
    }
    if (previous.state !== 'left' && !metadataEquals(previousMetadata, metadata)) {
      this.outbox.emit({
        type: 'memberUpdated',
        member: this.snapshot(entry),
        previousMetadata,
        at: this.now,
      });
    }
  }

  private applySuspect(update: SuspectUpdate, via: GuidV4): void {
    const entry = this.members.get(update.id);
    if (entry === undefined || update.incarnation < entry.incarnation) return;
    if (entry.suspicion !== undefined) {
      // Lifeguard: an independent confirmation shortens the timeout; re-gossip it if it was news.
      if (entry.suspicion.confirm(update.from)) {
        this.timers.schedule(SUSPICION + entry.id, entry.suspicion.deadline);
        this.enqueue({ kind: 'suspect', id: entry.id, incarnation: update.incarnation, from: update.from });
      }
      return;
    }
    if (entry.state !== 'alive') return;
    if (entry.id === this.id) {
      if (this.statusValue === 'active') this.refute('suspect', update.from, update.incarnation);
      return;
    }
    const n = this.clusterSize();
    const bounds = suspicionTimeoutBounds(
      this.config.suspicionMult,
      n,
      this.config.probeIntervalMs,
      this.config.lifeguard.dynamicSuspicion ? this.config.suspicionMaxTimeoutMult : 1,
    );
    let k = this.config.suspicionConfirmations ?? Math.max(0, this.config.suspicionMult - 2);
    if (!this.config.lifeguard.dynamicSuspicion || n - 2 < k) k = 0;
    entry.suspicion = new SuspicionTimer({
      accuser: update.from,
      startedAt: this.now,
      expectedConfirmations: k,
      minMs: bounds.minMs,
      maxMs: bounds.maxMs,
    });
    this.setState(entry, 'suspect', update.incarnation);
    this.timers.schedule(SUSPICION + entry.id, entry.suspicion.deadline);
    this.enqueue({ kind: 'suspect', id: entry.id, incarnation: update.incarnation, from: update.from });
    this.outbox.emit({
      type: 'memberSuspected',
      id: entry.id,
      incarnation: update.incarnation,
      accuser: update.from,
      via,
      deadline: entry.suspicion.deadline,
      expectedConfirmations: k,
      at: this.now,
    });
  }

  private applyDead(id: GuidV4, incarnation: number, declaredBy: GuidV4, via: GuidV4): void {
    const entry = this.members.get(id);
    if (entry === undefined || incarnation < entry.incarnation || entry.state === 'left') return;
    if (entry.state === 'dead') {
      if (incarnation > entry.incarnation) {
        this.setState(entry, 'dead', incarnation);
        this.enqueue({ kind: 'dead', id, incarnation, from: declaredBy });
      }
      return;
    }
    if (id === this.id) {
      if (this.statusValue === 'active') this.refute('dead', declaredBy, incarnation);
      return;
    }
    const suspicion = entry.suspicion;
    this.clearSuspicion(entry);
    this.setState(entry, 'dead', incarnation);
    this.enqueue({ kind: 'dead', id, incarnation, from: declaredBy });
    this.outbox.emit({
      type: 'memberDead',
      id,
      incarnation,
      declaredBy,
      reason: declaredBy === this.id && via === this.id ? 'suspicion-timeout' : 'gossip',
      suspectedAt: suspicion?.startedAt,
      confirmations: suspicion?.confirmations ?? 0,
      at: this.now,
    });
  }

  private applyLeft(id: GuidV4, incarnation: number): void {
    const entry = this.members.get(id);
    if (entry === undefined || incarnation < entry.incarnation) return;
    if (entry.state === 'left') {
      if (incarnation > entry.incarnation) {
        this.setState(entry, 'left', incarnation);
        this.enqueue({ kind: 'left', id, incarnation });
      }
      return;
    }
    if (id === this.id) {
      // A stale departure of an earlier life of this node.
      if (this.statusValue === 'active') this.refute('left', undefined, incarnation);
      return;
    }
    this.clearSuspicion(entry);
    this.setState(entry, 'left', incarnation);
    this.enqueue({ kind: 'left', id, incarnation });
    this.outbox.emit({ type: 'memberLeft', id, incarnation, at: this.now });
  }

  private refute(accusation: MemberState, accuser: GuidV4 | undefined, accusedIncarnation: number): void {
    const newIncarnation = Math.max(this.self.incarnation, accusedIncarnation) + 1;
    this.setState(this.self, 'alive', newIncarnation);
    this.enqueueSelfAlive();
    this.adjustHealth(1, 'refuted');
    this.outbox.emit({
      type: 'selfRefuted',
      accusation,
      accuser,
      accusedIncarnation,
      newIncarnation,
      at: this.now,
    });
  }

  private clearSuspicion(entry: MemberEntry): void {
    if (entry.suspicion === undefined) return;
    entry.suspicion = undefined;
    this.timers.cancel(SUSPICION + entry.id);
  }

  // ---------------------------------------------------------------- timers

  private onTimer(key: string): void {
    const id = key.slice(2) as GuidV4;
    const entry = this.members.get(id);
    if (entry === undefined) return;
    switch (key.slice(0, 2)) {
      case SUSPICION:
        if (entry.state === 'suspect' && entry.suspicion !== undefined) {
          this.applyDead(id, entry.incarnation, this.id, this.id);
        }
        break;
      case DEAD_EXPIRY:
        if (entry.state === 'dead' && !entry.deadExpired) {
          entry.deadExpired = true;
          this.countedCount -= 1;
        }
        break;
      case REAP:
        if (entry.state === 'dead' || entry.state === 'left') this.removeEntry(entry);
        break;
    }
  }

  // ---------------------------------------------------------------- bookkeeping

  /** Changes a member's state and/or incarnation, keeping counters, timers and events in step. */
  private setState(entry: MemberEntry, state: MemberState, incarnation: number): void {
    const from = { state: entry.state, incarnation: entry.incarnation };
    if (from.state === state && from.incarnation === incarnation) return;
    this.recordsCache = undefined;
    this.uncount(entry);
    const stateChanged = entry.state !== state;
    entry.state = state;
    entry.incarnation = incarnation;
    if (stateChanged) {
      entry.stateChangedAt = this.now;
      entry.deadExpired = false;
      if (entry.id !== this.id) this.scheduleStateTimers(entry);
    }
    this.count(entry);
    this.outbox.emit({ type: 'stateChanged', id: entry.id, from, to: { state, incarnation }, at: this.now });
  }

  private scheduleStateTimers(entry: MemberEntry): void {
    this.timers.cancel(DEAD_EXPIRY + entry.id);
    this.timers.cancel(REAP + entry.id);
    const { partition, deadMemberRetentionMs, leftMemberRetentionMs } = this.config;
    if (entry.state === 'dead') {
      if (Number.isFinite(partition.deadCountsForMs)) {
        this.timers.schedule(DEAD_EXPIRY + entry.id, this.now + partition.deadCountsForMs);
      }
      if (Number.isFinite(deadMemberRetentionMs)) {
        this.timers.schedule(REAP + entry.id, this.now + deadMemberRetentionMs);
      }
    } else if (entry.state === 'left' && Number.isFinite(leftMemberRetentionMs)) {
      this.timers.schedule(REAP + entry.id, this.now + leftMemberRetentionMs);
    }
  }

  private count(entry: MemberEntry): void {
    if (entry.state === 'alive') this.aliveCount += 1;
    if (entry.state === 'dead') this.deadCount += 1;
    if (entry.state === 'left') this.leftCount += 1;
    if (
      entry.state === 'alive' ||
      entry.state === 'suspect' ||
      (entry.state === 'dead' && !entry.deadExpired)
    ) {
      this.countedCount += 1;
    }
  }

  private uncount(entry: MemberEntry): void {
    if (entry.state === 'alive') this.aliveCount -= 1;
    if (entry.state === 'dead') this.deadCount -= 1;
    if (entry.state === 'left') this.leftCount -= 1;
    if (
      entry.state === 'alive' ||
      entry.state === 'suspect' ||
      (entry.state === 'dead' && !entry.deadExpired)
    ) {
      this.countedCount -= 1;
    }
  }

  private insertEntry(entry: MemberEntry): void {
    this.recordsCache = undefined;
    this.pendingSeeds.delete(entry.id);
    this.members.set(entry.id, entry);
    this.memberIndex.set(entry.id, this.memberIds.length);
    this.memberIds.push(entry.id);
    this.count(entry);
  }

  private removeEntry(entry: MemberEntry): void {
    this.recordsCache = undefined;
    this.uncount(entry);
    this.members.delete(entry.id);
    const index = this.memberIndex.get(entry.id) as number;
    const last = this.memberIds.pop() as GuidV4;
    if (last !== entry.id) {
      this.memberIds[index] = last;
      this.memberIndex.set(last, index);
    }
    this.memberIndex.delete(entry.id);
    this.probeOrder.remove(entry.id);
    this.queue.delete(entry.id);
    this.timers.cancel(SUSPICION + entry.id);
    this.timers.cancel(DEAD_EXPIRY + entry.id);
    this.timers.cancel(REAP + entry.id);
  }

  /** Members that scale the protocol (SWIM's N): everyone remembered except those who left. */
  private clusterSize(): number {
    return this.members.size - this.leftCount;
  }

  /** Up to `k` distinct random members accepted by `accept` (memberlist's kRandomNodes). */
  private randomMembers(k: number, accept: (entry: MemberEntry) => boolean): MemberEntry[] {
    const out: MemberEntry[] = [];
    const ids = this.memberIds;
    const n = ids.length;
    if (k <= 0 || n === 0) return out;
    if (n < 3 * k) {
      const copy = ids.slice();
      for (let i = copy.length - 1; i > 0; i--) {
        const j = this.random.int(i + 1);
        [copy[i], copy[j]] = [copy[j] as GuidV4, copy[i] as GuidV4];
      }
      for (const id of copy) {
        const entry = this.members.get(id) as MemberEntry;
        if (accept(entry)) out.push(entry);
        if (out.length >= k) break;
      }
      return out;
    }
    const picked = new Set<GuidV4>();
    for (let tries = 0; tries < 3 * n && out.length < k; tries++) {
      const id = ids[this.random.int(n)] as GuidV4;
      if (picked.has(id)) continue;
      const entry = this.members.get(id) as MemberEntry;
      if (!accept(entry)) continue;
      picked.add(id);
      out.push(entry);
    }
    return out;
  }

  private adjustHealth(delta: number, cause: LocalHealthCause): void {
    const previous = this.health.score;
    if (this.health.apply(delta)) {
      this.outbox.emit({
        type: 'localHealthChanged',
        score: this.health.score,
        previous,
        cause,
        at: this.now,
      });
    }
  }

  private evaluatePartition(): void {
    if (this.statusValue !== 'active') return;
    const change = this.partition.observe(this.aliveCount, this.countedCount, this.now);
    if (change === undefined) return;
    this.outbox.emit({
      type: 'partitionChanged',
      partitioned: change.state === 'PARTITIONED',
      reachableFraction: change.reachableFraction,
      reachable: change.reachable,
      known: change.known,
      since: change.since,
      at: change.at,
    });
  }

  private snapshot(entry: MemberEntry): MemberSnapshot {
    return {
      id: entry.id,
      state: entry.state,
      incarnation: entry.incarnation,
      metadata: entry.metadata,
      stateChangedAt: entry.stateChangedAt,
    };
  }

  private assertActive(command: string): void {
    if (this.statusValue !== 'active') {
      throw new BrightChainError(NodeStateErrorCode.MEMBERSHIP_NOT_ACTIVE, `${command} after leave()`, {
        details: { command, status: this.statusValue },
      });
    }
  }
}
