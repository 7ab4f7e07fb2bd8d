/**
 * The outbound link's queue, backpressure and failure rules, on a fake stream (no network).
 */
import { BrightChainError, CoreErrorCode } from '@brightchain/core';
import { Libp2pTransportErrorCode } from '@brightchain/transport-libp2p';
import type { Stream } from '@libp2p/interface';
import fc from 'fast-check';
import { PeerLink, type PeerLinkConfig } from '../src/peer-link';

/** A stream that records frames and whose write buffer fills after `room` frames until drained. */
class FakeStream {
  status = 'open';
  writeStatus = 'writable';
  writableNeedsDrain = false;
  readonly frames: Uint8Array[] = [];
  aborted: Error | undefined;
  private drainWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(private room = Number.POSITIVE_INFINITY) {}

  send(data: { subarray(): Uint8Array }): boolean {
    if (this.failNextSend) {
      this.failNextSend = false;
      this.status = 'reset';
      throw new Error('StreamStateError: stream reset');
    }
    if (this.status !== 'open') throw new Error('StreamStateError: stream closed');
    this.frames.push(data.subarray());
    this.room -= 1;
    if (this.room <= 0) this.writableNeedsDrain = true;
    return !this.writableNeedsDrain;
  }

  onDrain(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (!this.writableNeedsDrain) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      this.drainWaiters.push(waiter);
      options.signal?.addEventListener('abort', () => reject(new Error('drain aborted')), { once: true });
    });
  }

  drain(room: number): void {
    this.room = room;
    this.writableNeedsDrain = false;
    for (const waiter of this.drainWaiters.splice(0)) waiter.resolve();
  }

  closedGracefully = false;
  failNextSend = false;

  private closeListeners: (() => void)[] = [];

  addEventListener(type: string, listener: () => void): void {
    if (type === 'close') this.closeListeners.push(listener);
  }

  /** Closes the writable end; the simulated receiver then closes its end too ('close' fires). */
  async close(): Promise<void> {
    this.closedGracefully = true;
    this.status = 'closed';
    this.writeStatus = 'closed';
    setImmediate(() => {
      for (const listener of this.closeListeners.splice(0)) listener();
    });
  }

  abort(error: Error): void {
    this.aborted = error;
    this.status = 'aborted';
    this.writeStatus = 'closed';
    for (const waiter of this.drainWaiters.splice(0)) waiter.reject(error);
  }

  /** The message bytes of each frame (dropping the 1-byte length prefix of small frames). */
  messages(): number[][] {
    return this.frames.map((f) => [...f.subarray(1)]);
  }
}

function link(
  streams: FakeStream[],
  overrides: Partial<PeerLinkConfig> = {},
): { link: PeerLink; opened: () => number } {
  let opened = 0;
  const config: PeerLinkConfig = {
    openStream: async () => {
      const stream = streams[opened];
      opened += 1;
      if (stream === undefined) throw new Error('connection refused');
      return stream as unknown as Stream;
    },
    capacity: 4,
    whenFull: 'wait',
    dialTimeoutMs: 1000,
    sendTimeoutMs: 1000,
    details: { family: 'test' },
    ...overrides,
  };
  return { link: new PeerLink(config), opened: () => opened };
}

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) =>
      BrightChainError.isInstance(error)
        ? `${error.code}:${String(error.details.reason ?? '')}`
        : String(error),
  );

describe('PeerLink', () => {
  it('writes messages in send order on one stream and resolves each once written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 30 }),
        async (bytes) => {
          const stream = new FakeStream();
          const { link: l, opened } = link([stream], { capacity: 64 });
          await Promise.all(bytes.map((b) => l.send(Uint8Array.of(b))));
          expect(stream.messages()).toEqual(bytes.map((b) => [b]));
          expect(opened()).toBe(1);
          l.close();
        },
      ),
      { numRuns: 30 },
    );
  });

  it('waits for drain when the stream is full, then continues in order', async () => {
    const stream = new FakeStream(2);
    const { link: l } = link([stream]);
    const sends = [1, 2, 3, 4].map((b) => l.send(Uint8Array.of(b)));
    await sends[1];
    expect(stream.messages()).toEqual([[1], [2]]);
    expect(l.queued).toBe(2);
    stream.drain(10);
    await Promise.all(sends);
    expect(stream.messages()).toEqual([[1], [2], [3], [4]]);
    l.close();
  });

  it("refuses a send beyond capacity at once with 'reject', without changing the queue", async () => {
    const stream = new FakeStream(1);
    const { link: l } = link([stream], { capacity: 2, whenFull: 'reject' });
    const first = l.send(Uint8Array.of(1));
    await first;
    const queued = [l.send(Uint8Array.of(2)), l.send(Uint8Array.of(3))];
    await new Promise((resolve) => setImmediate(resolve));
    expect(l.queued).toBe(2);
    expect(await code(l.send(Uint8Array.of(4)))).toBe(`${Libp2pTransportErrorCode.QUEUE_FULL}:`);
    expect(l.queued).toBe(2);
    stream.drain(10);
    await Promise.all(queued);
    expect(stream.messages()).toEqual([[1], [2], [3]]);
    l.close();
  });

  it("lets senders beyond capacity wait with 'wait'", async () => {
    const stream = new FakeStream(1);
    const { link: l } = link([stream], { capacity: 1 });
    const sends = [1, 2, 3, 4].map((b) => l.send(Uint8Array.of(b)));
    await sends[0];
    expect(l.queued).toBe(3);
    stream.drain(10);
    await Promise.all(sends);
    expect(stream.messages()).toEqual([[1], [2], [3], [4]]);
    l.close();
  });

  it('fails queued messages as stalled when the stream does not drain within the send timeout', async () => {
    const stream = new FakeStream(1);
    const { link: l } = link([stream], { sendTimeoutMs: 100 });
    const outcomes = [1, 2, 3].map((b) => code(l.send(Uint8Array.of(b))));
    const results = await Promise.all(outcomes);
    expect(results[0]).toBe('ok');
    for (const result of results.slice(1)) {
      expect([
        `${CoreErrorCode.TRANSPORT_UNREACHABLE}:stalled`,
        `${CoreErrorCode.TRANSPORT_UNREACHABLE}:send-timeout`,
      ]).toContain(result);
    }
    // The stalled stream itself is abandoned once the drain wait times out.
    for (let i = 0; i < 100 && stream.aborted === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(stream.aborted).toBeDefined();
    l.close();
  });

  it('fails every queued message when the stream cannot be opened, and dials again on the next send', async () => {
    const second = new FakeStream();
    const streams = [undefined as unknown as FakeStream, second];
    const { link: l, opened } = link(streams);
    const results = await Promise.all([1, 2, 3].map((b) => code(l.send(Uint8Array.of(b)))));
    expect(results).toEqual(Array(3).fill(`${CoreErrorCode.TRANSPORT_UNREACHABLE}:dial-failed`));
    await l.send(Uint8Array.of(4));
    expect(opened()).toBe(2);
    expect(second.messages()).toEqual([[4]]);
    l.close();
  });

  it('replaces a stream that closed since the last send', async () => {
    const first = new FakeStream();
    const second = new FakeStream();
    const { link: l, opened } = link([first, second]);
    await l.send(Uint8Array.of(1));
    first.abort(new Error('remote reset'));
    await l.send(Uint8Array.of(2));
    expect(opened()).toBe(2);
    expect(second.messages()).toEqual([[2]]);
    l.close();
  });

  it('fails queued messages with BC_TRANSPORT_CLOSED on close and refuses later sends', async () => {
    const stream = new FakeStream(1);
    const { link: l } = link([stream]);
    const sends = [1, 2, 3].map((b) => code(l.send(Uint8Array.of(b))));
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([l.close(), l.close()]);
    expect(await Promise.all(sends)).toEqual([
      'ok',
      `${CoreErrorCode.TRANSPORT_CLOSED}:`,
      `${CoreErrorCode.TRANSPORT_CLOSED}:`,
    ]);
    expect(await code(l.send(Uint8Array.of(4)))).toBe(`${CoreErrorCode.TRANSPORT_CLOSED}:`);
    expect(l.idle).toBe(true);
    // What was written is flushed by a graceful close, not aborted.
    expect(stream.closedGracefully).toBe(true);
    expect(stream.aborted).toBeUndefined();
  });

  it('retries a message once on a new stream when the write fails because the stream just died', async () => {
    const first = new FakeStream();
    const second = new FakeStream();
    const { link: l, opened } = link([first, second]);
    await l.send(Uint8Array.of(1));
    first.failNextSend = true;
    await l.send(Uint8Array.of(2));
    expect(opened()).toBe(2);
    expect(first.messages()).toEqual([[1]]);
    expect(second.messages()).toEqual([[2]]);
    l.close();
  });

  it('gives up after the retry also fails', async () => {
    const first = new FakeStream();
    const second = new FakeStream();
    first.failNextSend = true;
    second.failNextSend = true;
    const { link: l } = link([first, second]);
    expect(await code(l.send(Uint8Array.of(1)))).toBe(`${CoreErrorCode.TRANSPORT_UNREACHABLE}:write-failed`);
    l.close();
  });
});
