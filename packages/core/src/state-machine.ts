/**
 * The shape of every sans-I/O core (membership, replication scheduling, vote counting, polls),
 * after etcd raft's `RawNode`: inputs are `step` (a message from a peer), `tick` (the time from an
 * injected clock) and user commands; outputs accumulate in a {@link Ready} batch that the host
 * drains with `ready()` and acknowledges with `advance()`.
 *
 * The host acts on a Ready in this order:
 * 1. persist every record in `persist` and flush the store (they must be durable first);
 * 2. send every message in `messages` (in any order; the network may reorder them anyway);
 * 3. surface `events` to the application;
 * 4. call `advance()`.
 * A crash between 1 and 4 is safe: records are durable, and messages may be lost (protocols tolerate it).
 */
import type { GuidV4 } from './guid';

/** A message addressed to one peer. */
export interface Outgoing<Message> {
  readonly to: GuidV4;
  readonly message: Message;
}

/** One batch of work for the host, in the order it must be acted on. */
export interface Ready<Message, Record, Event> {
  /** Records to make durable before anything in this batch is sent or surfaced. */
  readonly persist: readonly Record[];
  /** Messages to send once `persist` is durable. */
  readonly messages: readonly Outgoing<Message>[];
  /** Typed events for the application. */
  readonly events: readonly Event[];
}

/** A sans-I/O protocol core. */
export interface StateMachine<Message, Record, Event> {
  /** Feeds one message received from `from`. Invalid messages are rejected without state change. */
  step(from: GuidV4, message: Message): void;
  /** Tells the core the time is now `now` (ms, from the host's clock). */
  tick(now: number): void;
  /** True when `ready()` would return a non-empty batch. */
  hasReady(): boolean;
  /** The pending batch (records, messages, events). Call `advance()` once it is acted on. */
  ready(): Ready<Message, Record, Event>;
  /** Acknowledges the last batch returned by `ready()`. */
  advance(): void;
}

/**
 * Accumulates a core's outputs between `ready()` calls. Cores own one and expose it through their
 * `hasReady()/ready()/advance()` methods.
 *
 * @example
 * ```ts
 * const outbox = new ReadyBuilder<string, never, string>();
 * outbox.send(peer, 'ping');
 * const batch = outbox.take(); // { persist: [], messages: [{ to: peer, message: 'ping' }], events: [] }
 * ```
 */
export class ReadyBuilder<Message, Record, Event> {
  private persistQueue: Record[] = [];
  private messageQueue: Outgoing<Message>[] = [];
  private eventQueue: Event[] = [];

  /** Queues a durable record. */
  persist(record: Record): void {
    this.persistQueue.push(record);
  }

  /** Queues a message to `to`. */
  send(to: GuidV4, message: Message): void {
    this.messageQueue.push({ to, message });
  }

  /** Queues an event. */
  emit(event: Event): void {
    this.eventQueue.push(event);
  }

  /** True when anything is queued. */
  get nonEmpty(): boolean {
    return this.persistQueue.length + this.messageQueue.length + this.eventQueue.length > 0;
  }

  /** Returns everything queued and starts a new batch. */
  take(): Ready<Message, Record, Event> {
    const batch = { persist: this.persistQueue, messages: this.messageQueue, events: this.eventQueue };
    this.persistQueue = [];
    this.messageQueue = [];
    this.eventQueue = [];
    return batch;
  }
}
