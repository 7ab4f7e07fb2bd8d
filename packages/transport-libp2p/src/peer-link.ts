/**
 * One outbound link: the messages of one message family to one peer, written in order on one libp2p
 * stream.
 *
 * - **Queue.** Sends are copied and queued; a pump writes them to the stream one frame at a time. A
 *   send resolves when its frame has been written to the stream (handed to libp2p, not delivered).
 * - **Backpressure.** When the stream's write buffer is full the pump waits for `drain`. At most
 *   `capacity` messages are queued; a send beyond that waits for room (`'wait'`, FIFO, still bounded by
 *   the send timeout) or is refused at once with `BC_LIBP2P_QUEUE_FULL` (`'reject'`).
 * - **Failure.** Opening the stream (dial, protocol negotiation, header) is bounded by the dial timeout;
 *   a message not written within the send timeout, or a stream that does not drain within it, fails
 *   with `BC_TRANSPORT_UNREACHABLE`. When the stream cannot be opened every queued message fails; a
 *   closed stream is replaced on the next send, and a write that fails because the stream just died is
 *   retried once on a new stream.
 */
import { BrightChainError, CoreErrorCode } from '@brightchain/core';
import type { Stream } from '@libp2p/interface';
import { Libp2pTransportErrorCode } from './error-codes';
import { encodeFrame } from './length-prefixed-frames';

/**
 * What a send does when its peer's queue is full: `'wait'` for room (bounded by the send timeout) or
 * `'reject'` at once with `BC_LIBP2P_QUEUE_FULL`.
 *
 * @example
 * ```ts
 * await createLibp2pTransport({ ...options, whenQueueFull: 'reject', maxQueuedMessagesPerPeer: 256 });
 * ```
 */
export type QueueFullPolicy = 'wait' | 'reject';

/** Internal configuration of a {@link PeerLink}. */
export interface PeerLinkConfig {
  /** Opens a stream to the peer and writes the stream header; must honour `signal`. */
  readonly openStream: (signal: AbortSignal) => Promise<Stream>;
  readonly capacity: number;
  readonly whenFull: QueueFullPolicy;
  readonly dialTimeoutMs: number;
  readonly sendTimeoutMs: number;
  /** Copied into error details. */
  readonly details: Readonly<Record<string, unknown>>;
}

interface Pending {
  readonly frame: ReturnType<typeof encodeFrame>;
  readonly resolve: () => void;
  readonly reject: (error: BrightChainError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Set once the message has been retried on a fresh stream after a failed write. */
  retried: boolean;
}

/** How long `close` lets an open stream flush what was already written. */
const FLUSH_ON_CLOSE_MS = 1000;

function isWritable(stream: Stream | undefined): stream is Stream {
  return stream !== undefined && stream.status === 'open' && stream.writeStatus === 'writable';
}

/** An outbound link. Internal. */
export class PeerLink {
  private readonly queue: Pending[] = [];
  private stream: Stream | undefined;
  private pumping = false;
  private closed = false;
  private readonly abort = new AbortController();

  constructor(private readonly config: PeerLinkConfig) {}

  /** Messages queued and not yet written. */
  get queued(): number {
    return this.queue.length;
  }

  /** True when nothing is queued and no stream is open (the link can be dropped). */
  get idle(): boolean {
    return this.queue.length === 0 && !this.pumping && !isWritable(this.stream);
  }

  /**
   * Queues `message` (already copied and size-checked) and resolves once it is written to the stream.
   *
   * @throws BrightChainError `BC_LIBP2P_QUEUE_FULL` (reject policy), `BC_TRANSPORT_UNREACHABLE`
   * (details: `reason` — `'dial-failed'`, `'send-timeout'`, `'stalled'`, `'write-failed'`),
   * `BC_TRANSPORT_CLOSED`
   */
  send(message: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    if (this.config.whenFull === 'reject' && this.queue.length >= this.config.capacity) {
      return Promise.reject(
        new BrightChainError(Libp2pTransportErrorCode.QUEUE_FULL, 'the send queue to this peer is full', {
          details: { ...this.config.details, capacity: this.config.capacity },
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const item: Pending = {
        frame: encodeFrame(message),
        resolve,
        reject,
        timer: undefined,
        retried: false,
      };
      item.timer = setTimeout(() => {
        const index = this.queue.indexOf(item);
        if (index < 0) return;
        this.queue.splice(index, 1);
        reject(this.unreachable('send-timeout'));
      }, this.config.sendTimeoutMs);
      this.queue.push(item);
      void this.pump();
    });
  }

  /**
   * Fails everything not yet written with `BC_TRANSPORT_CLOSED`, then closes the stream and waits
   * (bounded) until the receiver has closed its side too — it does so after reading everything — so
   * that stopping the node right after cannot cut off messages already written. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.failAll(this.closedError());
    const stream = this.stream;
    this.stream = undefined;
    if (stream === undefined || stream.status !== 'open') return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fullyClosed = new Promise<void>((resolve, reject) => {
      stream.addEventListener('close', () => resolve(), { once: true });
      timer = setTimeout(
        () => reject(new Error('the receiver did not finish reading in time')),
        FLUSH_ON_CLOSE_MS,
      );
    });
    try {
      await stream.close({ signal: AbortSignal.timeout(FLUSH_ON_CLOSE_MS) });
      await fullyClosed;
    } catch (error) {
      stream.abort(error instanceof Error ? error : new Error(String(error)));
    } finally {
      clearTimeout(timer);
      fullyClosed.catch(() => {});
    }
  }

  /**
   * Writes queued frames while there are any. Each outer iteration either opens a stream or fails every
   * queued message; each inner iteration writes one frame (after waiting, bounded, for drain).
   */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        let stream: Stream;
        try {
          stream = await this.currentStream();
        } catch (error) {
          this.failAll(this.unreachable('dial-failed', error));
          break;
        }
        while (this.queue.length > 0 && !this.closed && isWritable(stream)) {
          if (stream.writableNeedsDrain) {
            try {
              await stream.onDrain({
                signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.config.sendTimeoutMs)]),
              });
            } catch (error) {
              if (this.closed) break;
              this.drop(stream, error);
              this.failAll(this.unreachable('stalled', error));
              break;
            }
          }
          const item = this.queue.shift();
          if (item === undefined) break;
          try {
            stream.send(item.frame);
          } catch (error) {
            this.drop(stream, error);
            if (item.retried) {
              clearTimeout(item.timer);
              item.reject(this.unreachable('write-failed', error));
            } else {
              // The stream died under us (reset, idle timeout): retry this message once on a new one.
              item.retried = true;
              this.queue.unshift(item);
            }
            break;
          }
          clearTimeout(item.timer);
          item.resolve();
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async currentStream(): Promise<Stream> {
    if (isWritable(this.stream)) return this.stream;
    this.stream = undefined;
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.config.dialTimeoutMs)]);
    const stream = await this.config.openStream(signal);
    if (this.closed) {
      stream.abort(new Error('transport closed'));
      throw this.closedError();
    }
    this.stream = stream;
    return stream;
  }

  private drop(stream: Stream, error: unknown): void {
    if (this.stream === stream) this.stream = undefined;
    stream.abort(error instanceof Error ? error : new Error(String(error)));
  }

  private failAll(error: BrightChainError): void {
    const failed = this.queue.splice(0, this.queue.length);
    for (const item of failed) {
      clearTimeout(item.timer);
      item.reject(error);
    }
  }

  private unreachable(reason: string, cause?: unknown): BrightChainError {
    if (this.closed || BrightChainError.isInstance(cause, CoreErrorCode.TRANSPORT_CLOSED)) {
      return this.closedError();
    }
    const details = { ...this.config.details, reason };
    return new BrightChainError(
      CoreErrorCode.TRANSPORT_UNREACHABLE,
      `peer unreachable: ${reason}`,
      cause === undefined ? { details } : { details, cause },
    );
  }

  private closedError(): BrightChainError {
    return new BrightChainError(CoreErrorCode.TRANSPORT_CLOSED, 'this transport is closed', {
      details: { ...this.config.details },
    });
  }
}
