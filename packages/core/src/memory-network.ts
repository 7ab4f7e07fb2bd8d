/**
 * `MemoryNetwork`: the in-memory reference adapter of the {@link Transport} port, an in-process hub
 * connecting endpoints by node id. For tests and single-process hosts; `sim` models latency, loss and
 * partitions on top of its own network model.
 *
 * Sends are checked and copied synchronously, then queued on one network-wide FIFO queue that is
 * drained by a scheduled task (default `setImmediate`), so delivery always happens after `send`
 * resolves, in global send order (hence FIFO per link), deterministically.
 */
import { BrightChainError } from './errors';
import { CoreErrorCode } from './error-codes';
import { type GuidV4, isGuidV4 } from './guid';
import type { MessageHandler, Transport } from './transport';

/** Where a handler failed, passed to {@link MemoryNetworkOptions.onError}. */
export interface DeliveryFailure {
  /** Sender of the message being delivered. */
  readonly from: GuidV4;
  /** Endpoint whose handler threw. */
  readonly to: GuidV4;
}

/** Options for {@link MemoryNetwork}. */
export interface MemoryNetworkOptions {
  /** Largest message in bytes (default 4 MiB, as libp2p's length-prefixed streams). */
  readonly maxMessageBytes?: number;
  /**
   * Called with whatever a message handler throws; delivery to other handlers and later messages
   * continues either way. Default: handler errors are dropped.
   */
  readonly onError?: (error: unknown, failure: DeliveryFailure) => void;
  /**
   * Schedules a drain of the delivery queue (default `setImmediate`). Pass `queueMicrotask` when
   * the test uses fake timers.
   */
  readonly schedule?: (drain: () => void) => void;
}

interface QueuedMessage {
  readonly from: GuidV4;
  readonly to: MemoryEndpoint;
  readonly bytes: Uint8Array;
}

/** One registered handler; a fresh object per `onMessage` call, so each unsubscribes only itself. */
interface Subscription {
  readonly handler: MessageHandler;
}

class MemoryEndpoint implements Transport {
  readonly orderedPerLink = true;
  isClosed = false;
  readonly subscriptions = new Set<Subscription>();

  constructor(
    readonly localId: GuidV4,
    readonly maxMessageBytes: number,
    private readonly hub: Hub,
  ) {}

  async send(to: GuidV4, message: Uint8Array): Promise<void> {
    if (this.isClosed) {
      throw new BrightChainError(CoreErrorCode.TRANSPORT_CLOSED, 'this endpoint is closed', {
        details: { localId: this.localId },
      });
    }
    if (!(message instanceof Uint8Array)) {
      throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'message must be a Uint8Array');
    }
    if (message.length > this.maxMessageBytes) {
      throw new BrightChainError(CoreErrorCode.TRANSPORT_MESSAGE_TOO_LARGE, 'message is too large', {
        details: { messageBytes: message.length, maxMessageBytes: this.maxMessageBytes },
      });
    }
    const target = this.hub.endpoints.get(to);
    if (target === undefined) {
      throw new BrightChainError(CoreErrorCode.TRANSPORT_UNREACHABLE, 'no open endpoint has this id', {
        details: { to: String(to).slice(0, 64) },
      });
    }
    this.hub.enqueue({ from: this.localId, to: target, bytes: new Uint8Array(message) });
  }

  onMessage(handler: MessageHandler): () => void {
    if (typeof handler !== 'function') {
      throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'handler must be a function');
    }
    const subscription: Subscription = { handler };
    if (!this.isClosed) this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
    };
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.subscriptions.clear();
    if (this.hub.endpoints.get(this.localId) === this) this.hub.endpoints.delete(this.localId);
  }
}

/** The network's shared state: open endpoints and the delivery queue. */
class Hub {
  readonly endpoints = new Map<GuidV4, MemoryEndpoint>();
  private queue: QueuedMessage[] = [];
  private scheduled = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly schedule: (drain: () => void) => void,
    private readonly onError: ((error: unknown, failure: DeliveryFailure) => void) | undefined,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  enqueue(message: QueuedMessage): void {
    this.queue.push(message);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.drain());
    }
  }

  /** Resolves once the queue is empty (immediately if it is). */
  settled(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private settleIfIdle(): void {
    if (this.queue.length > 0 || this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private drain(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const message of batch) this.deliver(message);
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.drain());
    }
    this.settleIfIdle();
  }

  private deliver({ from, to, bytes }: QueuedMessage): void {
    if (to.isClosed) return;
    for (const subscription of [...to.subscriptions]) {
      if (to.isClosed) return;
      if (!to.subscriptions.has(subscription)) continue;
      try {
        subscription.handler(from, bytes);
      } catch (error) {
        try {
          this.onError?.(error, { from, to: to.localId });
        } catch {
          // A failing error reporter must not stop delivery either.
        }
      }
    }
  }
}

/**
 * An in-process network: each {@link MemoryNetwork.endpoint} is a {@link Transport} that can reach
 * every other open endpoint of the same network.
 *
 * - `send` checks the sender is open (`BC_TRANSPORT_CLOSED`), the size (`BC_TRANSPORT_MESSAGE_TOO_LARGE`)
 *   and that the destination is an open endpoint (`BC_TRANSPORT_UNREACHABLE`), copies the bytes, and
 *   resolves; delivery happens later, in send order (FIFO per link and globally).
 * - A message is delivered to the handlers registered when it is delivered; with none it is dropped,
 *   like a datagram. Handlers of one endpoint share the delivered copy.
 * - After an endpoint closes, nothing more is delivered to it (queued messages are dropped) and its
 *   id can be used by a new endpoint (a restarted node); messages queued for the old endpoint never
 *   reach the new one.
 *
 * @throws BrightChainError `BC_INVALID_ARGUMENT` (constructor) if `maxMessageBytes` is not a positive integer
 * @example
 * ```ts
 * const network = new MemoryNetwork();
 * const a = network.endpoint(newGuidV4(random));
 * const b = network.endpoint(newGuidV4(random));
 * b.onMessage((from, message) => console.log(from === a.localId, message));
 * await a.send(b.localId, new Uint8Array([1, 2, 3]));
 * await network.settled();
 * ```
 */
export class MemoryNetwork {
  /** Default largest message: 4 MiB. */
  static readonly defaultMaxMessageBytes = 4 * 1024 * 1024;

  /** Largest message any endpoint of this network carries. */
  readonly maxMessageBytes: number;
  private readonly hub: Hub;

  constructor(options: MemoryNetworkOptions = {}) {
    const max = options.maxMessageBytes ?? MemoryNetwork.defaultMaxMessageBytes;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new BrightChainError(
        CoreErrorCode.INVALID_ARGUMENT,
        'maxMessageBytes must be a positive integer',
        {
          details: { maxMessageBytes: max },
        },
      );
    }
    this.maxMessageBytes = max;
    this.hub = new Hub(options.schedule ?? ((drain) => setImmediate(drain)), options.onError);
  }

  /**
   * Opens the endpoint of node `id`.
   *
   * @throws BrightChainError `BC_GUID_INVALID` if `id` is not a canonical GuidV4
   * @throws BrightChainError `BC_TRANSPORT_ENDPOINT_IN_USE` if an open endpoint already has this id
   * @example
   * ```ts
   * const transport = network.endpoint(nodeId);
   * ```
   */
  endpoint(id: GuidV4): Transport {
    if (!isGuidV4(id)) {
      throw new BrightChainError(CoreErrorCode.GUID_INVALID, 'endpoint id must be a canonical GuidV4', {
        details: { id: String(id).slice(0, 64) },
      });
    }
    if (this.hub.endpoints.has(id)) {
      throw new BrightChainError(
        CoreErrorCode.TRANSPORT_ENDPOINT_IN_USE,
        'an open endpoint already has this id',
        {
          details: { id },
        },
      );
    }
    const endpoint = new MemoryEndpoint(id, this.maxMessageBytes, this.hub);
    this.hub.endpoints.set(id, endpoint);
    return endpoint;
  }

  /**
   * Ids of the open endpoints, in the order they were opened.
   * @example
   * ```ts
   * network.endpointIds().length;
   * ```
   */
  endpointIds(): GuidV4[] {
    return [...this.hub.endpoints.keys()];
  }

  /** Messages sent but not yet delivered (or dropped). */
  get pendingMessages(): number {
    return this.hub.pending;
  }

  /**
   * Resolves once every queued message has been delivered or dropped, including messages that
   * handlers send while it waits.
   * @example
   * ```ts
   * await a.send(b.localId, ping);
   * await network.settled(); // b handled the ping, a handled b's reply
   * ```
   */
  settled(): Promise<void> {
    return this.hub.settled();
  }

  /**
   * Closes every open endpoint (a test teardown helper). The network stays usable.
   * @example
   * ```ts
   * afterEach(() => network.closeAll());
   * ```
   */
  async closeAll(): Promise<void> {
    await Promise.all([...this.hub.endpoints.values()].map((endpoint) => endpoint.close()));
  }
}
