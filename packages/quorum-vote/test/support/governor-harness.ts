/**
 * A tiny deterministic network of governors for tests: every node has its own MemoryStore on a
 * MemoryDisk, Ready batches are acted on in the documented order (persist → messages → events),
 * and messages go through the canonical wire encoding.
 */
import {
  type GuidV4,
  type Member,
  type MemberKeyPair,
  MemoryDisk,
  MemoryStore,
  SeededRandom,
  generateMemberKeyPair,
  newGuidV4,
} from '@brightchain/core';
import {
  type GovernanceRules,
  type GovernorEvent,
  type GovernorGenesis,
  type GovernorMessage,
  QuorumGovernor,
  appendVoteLog,
  decodeGovernorMessage,
  encodeGovernorMessage,
  readVoteLog,
} from '@brightchain/quorum-vote';

export interface TestMember {
  readonly id: GuidV4;
  readonly keys: MemberKeyPair;
  readonly member: Member;
}

export function makeMembers(count: number, seed: number | string = 1): TestMember[] {
  const random = new SeededRandom(`members-${seed}`);
  return Array.from({ length: count }, () => {
    const id = newGuidV4(random);
    const keys = generateMemberKeyPair(random);
    return { id, keys, member: { id, publicKey: keys.publicKey } };
  });
}

export interface HarnessNode {
  readonly who: TestMember;
  governor: QuorumGovernor;
  readonly disk: MemoryDisk;
  store: MemoryStore;
  readonly events: GovernorEvent[];
}

interface InFlight {
  readonly from: GuidV4;
  readonly to: GuidV4;
  readonly bytes: Uint8Array;
}

export class GovernorHarness {
  readonly nodes = new Map<GuidV4, HarnessNode>();
  readonly queue: InFlight[] = [];
  /** Messages for nodes that do not exist yet (a member being added), delivered once they do. */
  readonly parked: InFlight[] = [];
  now: number;
  /** Messages dropped instead of delivered when this returns true. */
  drop: (from: GuidV4, to: GuidV4, message: GovernorMessage) => boolean = () => false;
  /** Lets a test replace a message in flight (a cheating sender). */
  tamper: (from: GuidV4, to: GuidV4, message: GovernorMessage) => GovernorMessage = (_f, _t, message) =>
    message;

  constructor(
    readonly members: readonly TestMember[],
    options: { readonly rules?: GovernanceRules; readonly now?: number; readonly seed?: string } = {},
  ) {
    this.now = options.now ?? 1_700_000_000_000;
    const genesis: GovernorGenesis = {
      members: members.map((m) => m.member),
      ...(options.rules === undefined ? {} : { rules: options.rules }),
    };
    for (const who of members) this.addNode(who, genesis, options.seed ?? 'harness');
  }

  addNode(who: TestMember, genesis: GovernorGenesis, seed = 'harness'): HarnessNode {
    const disk = new MemoryDisk();
    const node: HarnessNode = {
      who,
      governor: new QuorumGovernor({
        self: { id: who.id, secretKey: who.keys.secretKey },
        genesis,
        random: new SeededRandom(`${seed}-${who.id}`),
        now: this.now,
      }),
      disk,
      store: new MemoryStore({ disk }),
      events: [],
    };
    this.nodes.set(who.id, node);
    this.pump(node);
    for (let i = this.parked.length - 1; i >= 0; i--) {
      if (this.parked[i]?.to === who.id) this.queue.unshift(...this.parked.splice(i, 1));
    }
    return node;
  }

  node(id: GuidV4): HarnessNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  governor(index: number): QuorumGovernor {
    return this.node((this.members[index] as TestMember).id).governor;
  }

  /** Acts on a node's Ready in the documented order. */
  pump(node: HarnessNode): void {
    while (node.governor.hasReady()) {
      const ready = node.governor.ready();
      appendVoteLog(node.store, ready.persist);
      for (const { to, message } of ready.messages) {
        if (this.drop(node.who.id, to, message)) continue;
        const sent = this.tamper(node.who.id, to, message);
        this.queue.push({ from: node.who.id, to, bytes: encodeGovernorMessage(sent) });
      }
      node.events.push(...ready.events);
      node.governor.advance();
    }
  }

  pumpAll(): void {
    for (const node of this.nodes.values()) this.pump(node);
  }

  /** Delivers queued messages (FIFO, or in a seeded random order) until none are left. */
  deliverAll(order?: SeededRandom): void {
    for (let guard = 0; this.queue.length > 0; guard++) {
      if (guard > 1_000_000) throw new Error('message storm');
      const pick = order === undefined ? 0 : order.int(this.queue.length);
      const [item] = this.queue.splice(pick, 1);
      if (item === undefined) break;
      const node = this.nodes.get(item.to);
      if (node === undefined) {
        this.parked.push(item);
        continue;
      }
      node.governor.step(item.from, decodeGovernorMessage(item.bytes));
      this.pump(node);
    }
  }

  /** Delivers up to `count` queued messages picked by `order`. */
  deliverSome(order: SeededRandom, count: number): void {
    for (let i = 0; i < count && this.queue.length > 0; i++) {
      const [item] = this.queue.splice(order.int(this.queue.length), 1);
      if (item === undefined) break;
      const node = this.nodes.get(item.to);
      if (node === undefined) {
        this.parked.push(item);
        continue;
      }
      node.governor.step(item.from, decodeGovernorMessage(item.bytes));
      this.pump(node);
    }
  }

  tickAll(now: number): void {
    this.now = now;
    for (const node of this.nodes.values()) {
      node.governor.tick(now);
      this.pump(node);
    }
  }

  /** Simulates process death of `id` (optionally tearing the next write) and a restart from its disk. */
  restart(id: GuidV4): HarnessNode {
    const node = this.node(id);
    node.disk.crash();
    node.store = new MemoryStore({ disk: node.disk });
    node.governor = QuorumGovernor.restore(
      {
        self: { id, secretKey: node.who.keys.secretKey },
        random: new SeededRandom(`restart-${id}`),
        now: this.now,
      },
      readVoteLog(node.store),
    );
    this.pump(node);
    return node;
  }

  eventsOf(id: GuidV4, type: GovernorEvent['type']): GovernorEvent[] {
    return this.node(id).events.filter((e) => e.type === type);
  }
}
