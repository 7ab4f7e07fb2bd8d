/**
 * A message family seen as a `Transport`: the same node, its own protocol
 * (`/brightchain/<family>/1.0.0`), its own stream per peer and its own handlers.
 */
import {
  BrightChainError,
  CoreErrorCode,
  type GuidV4,
  type MessageHandler,
  type Transport,
} from '@brightchain/core';

/** What a channel needs from its transport. Internal. */
export interface ChannelHost {
  readonly localId: GuidV4;
  readonly maxMessageBytes: number;
  /** Sends on a family (checks closed, size, destination). */
  sendOn(family: string, to: GuidV4, message: Uint8Array): Promise<void>;
  /** Forgets a closed channel. */
  detach(channel: FamilyChannel): void;
}

/** One registered handler; a fresh object per `onMessage` call so each unsubscribes only itself. */
export interface Subscription {
  readonly handler: MessageHandler;
}

/** A family view. Internal class; users see it as a `Transport`. */
export class FamilyChannel implements Transport {
  readonly orderedPerLink = true;
  readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(
    private readonly host: ChannelHost,
    readonly family: string,
  ) {}

  get localId(): GuidV4 {
    return this.host.localId;
  }

  get maxMessageBytes(): number {
    return this.host.maxMessageBytes;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async send(to: GuidV4, message: Uint8Array): Promise<void> {
    if (this.closed) {
      throw new BrightChainError(CoreErrorCode.TRANSPORT_CLOSED, 'this channel is closed', {
        details: { family: this.family },
      });
    }
    return this.host.sendOn(this.family, to, message);
  }

  onMessage(handler: MessageHandler): () => void {
    if (typeof handler !== 'function') {
      throw new BrightChainError(CoreErrorCode.INVALID_ARGUMENT, 'handler must be a function');
    }
    const subscription: Subscription = { handler };
    if (!this.closed) this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
    };
  }

  /** Closes this view only: its handlers are removed and its sends fail. The node keeps running. */
  async close(): Promise<void> {
    this.closeNow();
  }

  /** Synchronous close, used by the transport. */
  closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    this.subscriptions.clear();
    this.host.detach(this);
  }
}
