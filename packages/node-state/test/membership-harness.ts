/**
 * A tiny deterministic network for membership tests (not the simulator): N cores, a message queue
 * with fixed latency (plus optional seeded jitter), per-link loss and blocking, crashes and
 * restarts, numeric time. Nodes are ticked exactly at their `nextDeadline()` and whenever a message
 * is delivered to them; `extraTicks` adds spurious ticks to check that they change nothing.
 */
import { BinaryHeap, type GuidV4, newGuidV4, SeededRandom } from '@brightchain/core';
import {
  type MemberMetadata,
  type MembershipConfigInput,
  type MembershipEvent,
  type MembershipMessage,
  type MemberState,
  SwimMembership,
  validateMemberMetadata,
  viewsConverged,
} from '@brightchain/node-state';

export interface HarnessOptions {
  readonly n: number;
  readonly seed: number | string;
  readonly config?: MembershipConfigInput;
  /** One-way latency in ms (default 5). */
  readonly latencyMs?: number;
  /** Uniform extra latency in [0, jitterMs) (default 0). */
  readonly jitterMs?: number;
  /** Add a spurious tick at a random time between deadlines with this probability (default 0). */
  readonly extraTicks?: number;
  /** Per-node config overrides. */
  readonly configFor?: (index: number) => MembershipConfigInput | undefined;
  /** Start every node with every other node in its view (an already formed cluster). */
  readonly formed?: boolean;
}

export interface Delivery {
  readonly at: number;
  readonly from: GuidV4;
  readonly to: GuidV4;
  readonly message: MembershipMessage;
}

export interface RecordedEvent {
  readonly node: GuidV4;
  readonly event: MembershipEvent;
}

interface InFlight extends Delivery {
  readonly order: number;
}

interface NodeDeadline {
  readonly at: number;
  readonly id: GuidV4;
  readonly version: number;
}

const metadataCache = new Map<number, MemberMetadata>();

/** The (validated, shared) metadata node `index` advertises. */
export function metadataFor(index: number): MemberMetadata {
  let metadata = metadataCache.get(index);
  if (metadata === undefined) {
    metadata = validateMemberMetadata(rawMetadataFor(index));
    metadataCache.set(index, metadata);
  }
  return metadata;
}

/** The same metadata as a fresh, unvalidated object. */
export function rawMetadataFor(index: number): MemberMetadata {
  return {
    address: `sim://node-${index}`,
    type: index % 5 === 0 ? 'quorum' : 'storage',
    region: ['eu-west', 'us-east', 'ap-south'][index % 3] as string,
    capabilities: { read: true, write: index % 7 !== 3, bandwidthMbps: 100 + index },
  };
}

export class MembershipHarness {
  now = 0;
  readonly ids: GuidV4[] = [];
  readonly nodes = new Map<GuidV4, SwimMembership>();
  readonly crashed = new Set<GuidV4>();
  readonly events: RecordedEvent[] = [];
  readonly sent: Delivery[] = [];
  /** Probability that a message on `from → to` is lost (checked after `blocked`). */
  loss: (from: GuidV4, to: GuidV4, message: MembershipMessage) => number = () => 0;
  /** True when `from → to` cannot deliver at all (a partition). */
  blocked: (from: GuidV4, to: GuidV4) => boolean = () => false;
  /** Called for every delivered message (after the step). */
  onDeliver: ((delivery: Delivery) => void) | undefined;
  /** Called for every message a node sends (before loss and blocking). */
  onSend: ((delivery: Delivery) => void) | undefined;
  /** Called for every event a node emits (it may issue commands to that node). */
  onEvent: ((node: SwimMembership, event: MembershipEvent) => void) | undefined;
  recordSent = false;
  /** Keep every event in `events` (turn off for big runs). */
  recordEvents = true;

  private readonly root: SeededRandom;
  private readonly net: SeededRandom;
  private readonly extra: SeededRandom;
  private readonly inflight = new BinaryHeap<InFlight>(
    (a, b) => a.at < b.at || (a.at === b.at && a.order < b.order),
  );
  private readonly deadlines = new BinaryHeap<NodeDeadline>(
    (a, b) =>
      a.at < b.at ||
      (a.at === b.at && a.version < b.version) ||
      (a.at === b.at && a.version === b.version && a.id < b.id),
  );
  private readonly versions = new Map<GuidV4, number>();
  private order = 0;
  private restarts = 0;
  private readonly options: HarnessOptions;

  constructor(options: HarnessOptions) {
    this.options = options;
    this.root = new SeededRandom(options.seed);
    this.net = this.root.fork('net');
    this.extra = this.root.fork('extra-ticks');
    const idRandom = this.root.fork('ids');
    for (let i = 0; i < options.n; i++) this.ids.push(newGuidV4(idRandom));
    for (let i = 0; i < options.n; i++) this.start(i, 0);
  }

  index(id: GuidV4): number {
    return this.ids.indexOf(id);
  }

  node(id: GuidV4): SwimMembership {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`node ${id} is not running`);
    return node;
  }

  get running(): SwimMembership[] {
    return this.ids.filter((id) => this.nodes.has(id)).map((id) => this.nodes.get(id) as SwimMembership);
  }

  /** Every node joins through node 0. */
  joinAllVia(seedIndex = 0): void {
    const seed = this.ids[seedIndex] as GuidV4;
    for (const node of this.running) {
      if (node.id !== seed) {
        node.join([seed]);
        this.drain(node);
      }
    }
  }

  crash(id: GuidV4): void {
    this.nodes.delete(id);
    this.crashed.add(id);
  }

  /** Starts a fresh core for `id` (a restart after a crash) and joins it through `seeds`. */
  restart(id: GuidV4, seeds: readonly GuidV4[]): SwimMembership {
    this.crashed.delete(id);
    const node = this.start(this.index(id), ++this.restarts);
    node.join(seeds.filter((s) => s !== id));
    this.drain(node);
    return node;
  }

  /** Runs the event loop until time `until` (inclusive). */
  runUntil(until: number): void {
    const wallStart = Date.now();
    let iterations = 0;
    let guard = 0;
    let lastTime = Number.NaN;
    for (;;) {
      const nextMessage = this.inflight.peek()?.at ?? Number.POSITIVE_INFINITY;
      const nextNode = this.peekDeadline() ?? Number.POSITIVE_INFINITY;
      let t = Math.min(nextMessage, nextNode);
      if (t > until) break;
      if (++iterations % 10_000 === 0 && Date.now() - wallStart > 20_000) {
        throw new Error(
          `harness stuck near time ${t} (now ${this.now}, ${this.inflight.size} messages in flight)`,
        );
      }
      t = Math.max(t, this.now);
      if (t === lastTime) {
        guard += 1;
        if (guard > 1000) throw new Error(`no progress at time ${t}`);
      } else {
        guard = 0;
        lastTime = t;
      }
      if (this.options.extraTicks !== undefined && this.extra.float() < this.options.extraTicks) {
        // A spurious tick strictly before the next real event must change nothing.
        const spurious = this.now + (t - this.now) * this.extra.float();
        const ids = [...this.nodes.keys()];
        const victim = this.nodes.get(ids[this.extra.int(ids.length)] as GuidV4);
        if (victim !== undefined && spurious > this.now) {
          this.now = spurious;
          victim.tick(spurious);
          this.drain(victim);
        }
      }
      this.now = t;
      while ((this.inflight.peek()?.at ?? Number.POSITIVE_INFINITY) <= t) {
        const delivery = this.inflight.pop() as InFlight;
        const node = this.nodes.get(delivery.to);
        if (node === undefined) continue;
        node.tick(t);
        this.drain(node);
        node.step(delivery.from, delivery.message);
        this.drain(node);
        this.onDeliver?.(delivery);
      }
      for (;;) {
        const top = this.peekDeadline();
        if (top === undefined || top > t) break;
        const entry = this.deadlines.pop() as NodeDeadline;
        const node = this.nodes.get(entry.id) as SwimMembership;
        node.tick(t);
        this.drain(node);
      }
    }
    this.now = Math.max(this.now, until);
  }

  /** Runs in steps of `stepMs` until `predicate` holds or `maxTime`; returns the time it held (or undefined). */
  runUntilTrue(predicate: () => boolean, maxTime: number, stepMs = 100): number | undefined {
    while (this.now < maxTime) {
      if (predicate()) return this.now;
      this.runUntil(Math.min(maxTime, this.now + stepMs));
    }
    return predicate() ? this.now : undefined;
  }

  converged(): boolean {
    return viewsConverged(this.running.map((node) => node.membershipView()));
  }

  /** True when every running node sees `member` in `state`. */
  allSee(member: GuidV4, state: MemberState): boolean {
    return this.running.every((node) => node.id === member || node.member(member)?.state === state);
  }

  /** True when every running node sees every running node alive and every crashed node in `crashedState`. */
  healthy(crashedState: MemberState = 'dead'): boolean {
    return this.running.every((node) =>
      this.ids.every((id) => {
        if (id === node.id) return true;
        const state = node.member(id)?.state;
        return this.nodes.has(id) ? state === 'alive' : this.crashed.has(id) ? state === crashedState : true;
      }),
    );
  }

  eventsOf<T extends MembershipEvent['type']>(
    type: T,
    node?: GuidV4,
  ): { node: GuidV4; event: Extract<MembershipEvent, { type: T }> }[] {
    return this.events
      .filter((e) => e.event.type === type && (node === undefined || e.node === node))
      .map((e) => ({ node: e.node, event: e.event as Extract<MembershipEvent, { type: T }> }));
  }

  drain(node: SwimMembership): void {
    while (node.hasReady()) {
      const ready = node.ready();
      for (const { to, message } of ready.messages) this.send(node.id, to, message);
      for (const event of ready.events) {
        if (this.recordEvents) this.events.push({ node: node.id, event });
        this.onEvent?.(node, event);
      }
      node.advance();
    }
    this.reschedule(node);
  }

  private reschedule(node: SwimMembership): void {
    const at = node.nextDeadline();
    const version = (this.versions.get(node.id) ?? 0) + 1;
    this.versions.set(node.id, version);
    if (at !== undefined) this.deadlines.push({ at, id: node.id, version });
  }

  private peekDeadline(): number | undefined {
    for (;;) {
      const top = this.deadlines.peek();
      if (top === undefined) return undefined;
      if (this.nodes.has(top.id) && this.versions.get(top.id) === top.version) return top.at;
      this.deadlines.pop();
    }
  }

  private start(index: number, life: number): SwimMembership {
    const id = this.ids[index] as GuidV4;
    const config = { ...(this.options.config ?? {}), ...(this.options.configFor?.(index) ?? {}) };
    const node = new SwimMembership({
      id,
      metadata: metadataFor(index),
      random: this.root.fork(`node-${index}-life-${life}`),
      now: this.now,
      config,
      ...(this.options.formed === true && life === 0
        ? {
            initialMembers: this.ids.map((other, i) => ({
              id: other,
              incarnation: 0,
              state: 'alive' as const,
              metadata: metadataFor(i),
            })),
          }
        : {}),
    });
    this.nodes.set(id, node);
    this.reschedule(node);
    return node;
  }

  private send(from: GuidV4, to: GuidV4, message: MembershipMessage): void {
    if (this.recordSent) this.sent.push({ at: this.now, from, to, message });
    this.onSend?.({ at: this.now, from, to, message });
    if (this.blocked(from, to)) return;
    const p = this.loss(from, to, message);
    if (p > 0 && this.net.float() < p) return;
    const jitter = this.options.jitterMs === undefined ? 0 : this.net.float() * this.options.jitterMs;
    const at = this.now + (this.options.latencyMs ?? 5) + jitter;
    this.inflight.push({ at, from, to, message, order: this.order++ });
  }
}
