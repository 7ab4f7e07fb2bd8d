/**
 * The reference protocol that exercises the simulator until membership and replication exist:
 * anti-entropy push gossip of a max-register (a grow-only integer, merged by `max`). Every round a
 * node pushes its value to `fanout` random peers; a node that receives a larger value adopts it,
 * persists it, and pushes it on in its next rounds. With fanout 3 the value reaches n nodes in
 * about log₄(n) rounds (Demers et al., "Epidemic Algorithms for Replicated Database Maintenance",
 * PODC 1987: push anti-entropy).
 *
 * A proper sans-I/O core: no clock (time comes from `tick(now)`), no `Math.random` (an injected
 * `Random`), no I/O (outputs are `Ready` batches built with core's `ReadyBuilder`).
 */
import {
  BrightChainError,
  type GuidV4,
  type Random,
  type Ready,
  ReadyBuilder,
  type StateMachine,
} from '@brightchain/core';
import { SimErrorCode } from '../error-codes';

// Globals used on the hot path are read once here: inside a \`vm\` context (jest) every global
// lookup goes through an interceptor and costs ~100× a local one.
const isSafeInteger = Number.isSafeInteger;

/** Messages of the max-register gossip. */
export type GossipMessage =
  /** "My value is `value`." */
  | { readonly type: 'push'; readonly value: number }
  /** "I am here (new, or back after leaving): push to me too." */
  | { readonly type: 'hello' }
  /** "I am leaving; stop pushing to me." (graceful shutdown) */
  | { readonly type: 'leave' };

/** The one durable record: the node's current value (persisted before it is pushed). */
export interface GossipRecord {
  readonly value: number;
}

/** Events surfaced to the application. */
export type GossipEvent =
  /** The node took a larger value from a peer (after it was persisted). */
  | { readonly type: 'adopted'; readonly value: number; readonly from: GuidV4 }
  /** A local write raised the value (after it was persisted). */
  | { readonly type: 'written'; readonly value: number };

/** Options of {@link MaxRegisterGossip}. */
export interface MaxRegisterGossipOptions {
  /** This node's id (never chosen as a push target). */
  readonly self: GuidV4;
  /** Initial peers (more are learnt from `hello` messages). */
  readonly peers: readonly GuidV4[];
  /** Randomness for peer choice. */
  readonly random: Random;
  /** Peers per round (default 3). */
  readonly fanout?: number;
  /** Round length, ms of the node's clock (default 200). */
  readonly intervalMs?: number;
  /** Starting value, e.g. recovered from the store (default 0). */
  readonly value?: number;
  /** Send `hello` to every peer at once (a node that joined, or came back after leaving). Default false. */
  readonly announce?: boolean;
}

/**
 * Push anti-entropy of a max-register, as a sans-I/O state machine.
 *
 * @example
 * ```ts
 * const node = new MaxRegisterGossip({ self, peers, random: new SeededRandom(1) });
 * node.write();          // value 1, persisted then pushed
 * node.tick(0);          // a round: push to 3 random peers
 * const batch = node.ready(); // persist [{ value: 1 }], messages [3 pushes], events [written]
 * node.advance();
 * ```
 */
export class MaxRegisterGossip implements StateMachine<GossipMessage, GossipRecord, GossipEvent> {
  private readonly outbox = new ReadyBuilder<GossipMessage, GossipRecord, GossipEvent>();
  private readonly self: GuidV4;
  private readonly random: Random;
  private readonly fanout: number;
  private readonly intervalMs: number;
  private readonly peerList: GuidV4[];
  /** Peer → position in `peerList`; built on first need (hello/leave), not for every node at start. */
  private peerSlot: Map<GuidV4, number> | undefined;
  private current: number;
  private nextRoundAt = Number.NEGATIVE_INFINITY;
  private rejectedCount = 0;
  /** True when the outbox holds something (cheaper to read than the outbox on every delivery). */
  private pendingOutput = false;
  private readonly picked: Int32Array;

  /** @throws BrightChainError `BC_SIM_OPTIONS_INVALID` for a bad fanout, interval or initial value */
  constructor(options: MaxRegisterGossipOptions) {
    this.self = options.self;
    this.random = options.random;
    this.fanout = options.fanout ?? 3;
    this.intervalMs = options.intervalMs ?? 200;
    this.current = options.value ?? 0;
    if (
      !Number.isSafeInteger(this.fanout) ||
      this.fanout < 1 ||
      !(Number.isFinite(this.intervalMs) && this.intervalMs > 0) ||
      !Number.isSafeInteger(this.current) ||
      this.current < 0
    ) {
      throw new BrightChainError(
        SimErrorCode.OPTIONS_INVALID,
        'gossip needs fanout ≥ 1, intervalMs > 0, value ≥ 0',
        {
          details: { fanout: this.fanout, intervalMs: this.intervalMs, value: this.current },
        },
      );
    }
    this.picked = new Int32Array(this.fanout);
    this.peerList = options.peers.filter((peer) => peer !== this.self);
    if (options.announce) {
      const hello: GossipMessage = { type: 'hello' };
      for (const peer of this.peerList) this.outbox.send(peer, hello);
      this.pendingOutput = this.peerList.length > 0;
    }
  }

  /** The current value. */
  get value(): number {
    return this.current;
  }

  /** The peers this node pushes to. */
  get peers(): readonly GuidV4[] {
    return this.peerList;
  }

  /** Messages rejected as malformed. */
  get rejected(): number {
    return this.rejectedCount;
  }

  step(from: GuidV4, message: GossipMessage): void {
    if (typeof message !== 'object' || message === null) {
      this.rejectedCount++;
      return;
    }
    if (message.type === 'push') {
      const value = message.value;
      if (!isSafeInteger(value) || value < 0) {
        this.rejectedCount++;
        return;
      }
      if (value > this.current) {
        this.current = value;
        this.outbox.persist({ value });
        this.outbox.emit({ type: 'adopted', value, from });
        this.pendingOutput = true;
      }
    } else if (message.type === 'hello') {
      this.learn(from);
    } else if (message.type === 'leave') {
      this.forget(from);
    } else {
      this.rejectedCount++;
    }
  }

  /**
   * Starts a round when one is due: pushes the value to `fanout` distinct random peers. A round is
   * due once 90% of the interval has passed since the last, so a host ticking at the interval (with
   * a slightly slow clock) still runs a round every tick.
   */
  tick(now: number): void {
    if (now < this.nextRoundAt) return;
    this.nextRoundAt = now + this.intervalMs * 0.9;
    const peers = this.peerList;
    const n = peers.length;
    if (n === 0) return;
    const message: GossipMessage = { type: 'push', value: this.current };
    this.pendingOutput = true;
    if (n <= this.fanout) {
      for (let i = 0; i < n; i++) this.outbox.send(peers[i] as GuidV4, message);
      return;
    }
    // Distinct picks by rejection: fanout ≪ n, so retries are rare.
    const picked = this.picked;
    for (let sent = 0; sent < this.fanout; ) {
      const pick = this.random.int(n);
      let duplicate = false;
      for (let j = 0; j < sent; j++) {
        if (picked[j] === pick) {
          duplicate = true;
          break;
        }
      }
      if (duplicate) continue;
      picked[sent++] = pick;
      this.outbox.send(peers[pick] as GuidV4, message);
    }
  }

  /** Local write: raises the value by one (persisted, then pushed in the next rounds). Returns it. */
  write(): number {
    this.current += 1;
    this.outbox.persist({ value: this.current });
    this.outbox.emit({ type: 'written', value: this.current });
    this.pendingOutput = true;
    return this.current;
  }

  /** Graceful leave: tells every known peer to stop pushing here. */
  leave(): void {
    const message: GossipMessage = { type: 'leave' };
    for (const peer of this.peerList) this.outbox.send(peer, message);
    this.pendingOutput = this.pendingOutput || this.peerList.length > 0;
  }

  hasReady(): boolean {
    return this.pendingOutput;
  }

  ready(): Ready<GossipMessage, GossipRecord, GossipEvent> {
    this.pendingOutput = false;
    return this.outbox.take();
  }

  advance(): void {
    // Batches are taken whole by ready(); nothing to release.
  }

  private slots(): Map<GuidV4, number> {
    if (this.peerSlot === undefined) this.peerSlot = new Map(this.peerList.map((peer, i) => [peer, i]));
    return this.peerSlot;
  }

  private learn(peer: GuidV4): void {
    const slots = this.slots();
    if (peer === this.self || slots.has(peer)) return;
    slots.set(peer, this.peerList.length);
    this.peerList.push(peer);
  }

  private forget(peer: GuidV4): void {
    const slots = this.slots();
    const slot = slots.get(peer);
    if (slot === undefined) return;
    const last = this.peerList.pop() as GuidV4;
    if (last !== peer) {
      this.peerList[slot] = last;
      slots.set(last, slot);
    }
    slots.delete(peer);
  }
}
