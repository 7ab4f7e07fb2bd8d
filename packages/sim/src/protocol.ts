/**
 * How a sans-I/O core is plugged into the simulator: a {@link SimProtocol} tells the node host how
 * to build a core for a node (fresh or recovered from its durable store), how to make its `persist`
 * records durable, and how big each message is on the wire. Protocols are registered by name in a
 * {@link ProtocolRegistry} so the scenario runner and the CLI can pick them (`--protocol NAME`).
 */
import { BrightChainError, type GuidV4, type Random, type StateMachine, type Store } from '@brightchain/core';
import { SimErrorCode } from './error-codes';
import type { SimulationPlugin } from './plugin';

/** Any sans-I/O core the host can run. */
export type AnyStateMachine = StateMachine<unknown, unknown, unknown>;

/** What the host hands a protocol when it starts (or restarts) a core on a node. */
export interface NodeContext {
  /** The node's index in the simulation (0-based; stable across restarts). */
  readonly index: number;
  /** The node's id (stable across restarts and disk loss). */
  readonly id: GuidV4;
  /** Ids of the other nodes running now (at time 0: every initial node) — a bootstrap list. */
  readonly peers: readonly GuidV4[];
  /** The node's own deterministic random stream (a new stream per incarnation). */
  readonly random: Random;
  /** The node's durable store, already recovered: read saved state from it. */
  readonly store: Store;
  /** False on the node's first start, true after a crash, shutdown or disk loss. */
  readonly restarted: boolean;
  /**
   * How the node came up: `'start'` (one of the nodes present at time 0, known to every other),
   * `'join'` (a new node nobody knows yet) or `'restart'` (back after a crash, shutdown or disk loss).
   */
  readonly cause: 'start' | 'join' | 'restart';
  /** The node's local clock (ms), including any clock skew. */
  readonly now: number;
}

/** Options a protocol's plugins get from the scenario runner. */
export interface ProtocolRunOptions {
  /** Length of the run (ms). */
  readonly durationMs: number;
  /** The quiet period at the end of the run (ms): no faults and no new workload after `durationMs − settleMs`. */
  readonly settleMs: number;
}

/**
 * A protocol the simulator can run on every node.
 *
 * The host calls `create` at start and restart, feeds the core `tick(localNow)` every
 * `tickIntervalMs` and `step(from, message)` for each delivery, and acts on each `Ready` in the
 * documented order: `persist(store, records)` then `store.flush()`, then sends (sizes from
 * `sizeOf`), then events, then `advance()`.
 *
 * @example
 * ```ts
 * const echo: SimProtocol<string, never, string, EchoCore> = {
 *   name: 'echo',
 *   tickIntervalMs: 100,
 *   create: (context) => new EchoCore(context.id, context.peers),
 *   persist: () => {},
 *   sizeOf: (message) => message.length,
 * };
 * ```
 */
export interface SimProtocol<
  Message = unknown,
  Record = unknown,
  Event = unknown,
  Machine extends StateMachine<Message, Record, Event> = StateMachine<Message, Record, Event>,
> {
  /** Registry name (`--protocol NAME`). */
  readonly name: string;
  /** One line for `--help` and the docs. */
  readonly description?: string;
  /** How often the host ticks each node (ms of simulated time). */
  readonly tickIntervalMs: number;
  /** Builds the core for a node, recovering its state from `context.store` on restart. */
  create(context: NodeContext): Machine;
  /** Writes a Ready's `persist` records to the store (the host flushes right after). */
  persist(store: Store, records: readonly Record[]): void;
  /** Wire size of a message in bytes, for bandwidth and the bytes report. */
  sizeOf(message: Message): number;
  /**
   * A 32-bit digest of a message folded into the trace hash (type and content). Optional: without
   * it only time, endpoints and size are hashed.
   */
  digestOf?(message: Message): number;
  /** Graceful shutdown: queue goodbye messages on the core before the host stops it. */
  leave?(machine: Machine): void;
  /** The protocol's own plugins (workload, invariants, report section) for a scenario run. */
  plugins?(options: ProtocolRunOptions): readonly SimulationPlugin<Machine>[];
}

/** A protocol of unknown message, record and event types. */
export type AnySimProtocol = SimProtocol<unknown, unknown, unknown, AnyStateMachine>;

/**
 * Protocols by name. The package's {@link protocols} registry holds the reference `gossip`
 * protocol; later packages register theirs (`membership`, `replication`, …).
 *
 * @example
 * ```ts
 * protocols.register(myProtocol);
 * runScenario('crash', { seed: 1, nodes: 100, durationSeconds: 60, protocol: 'my-protocol' });
 * ```
 */
export class ProtocolRegistry {
  private readonly byName = new Map<string, AnySimProtocol>();

  /**
   * Adds a protocol.
   * @throws BrightChainError `BC_SIM_NAME_TAKEN` if the name is registered, `BC_SIM_OPTIONS_INVALID` for a bad name
   */
  register<M, R, E, Machine extends StateMachine<M, R, E>>(protocol: SimProtocol<M, R, E, Machine>): void {
    if (typeof protocol.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(protocol.name)) {
      throw new BrightChainError(
        SimErrorCode.OPTIONS_INVALID,
        'a protocol name is lower-case letters, digits and -',
        {
          details: { name: String(protocol.name) },
        },
      );
    }
    if (this.byName.has(protocol.name)) {
      throw new BrightChainError(
        SimErrorCode.NAME_TAKEN,
        `protocol "${protocol.name}" is already registered`,
        {
          details: { name: protocol.name },
        },
      );
    }
    this.byName.set(protocol.name, protocol as unknown as AnySimProtocol);
  }

  /** The protocol called `name`. @throws BrightChainError `BC_SIM_PROTOCOL_UNKNOWN` */
  get(name: string): AnySimProtocol {
    const protocol = this.byName.get(name);
    if (protocol === undefined) {
      throw new BrightChainError(SimErrorCode.PROTOCOL_UNKNOWN, `no protocol named "${name}"`, {
        details: { name, known: this.names() },
      });
    }
    return protocol;
  }

  /** True when `name` is registered. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}
