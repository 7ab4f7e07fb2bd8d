/**
 * The bytes a libp2p stream receives, as an async iterable that never loses the tail of a stream.
 *
 * The stream's own async iterator ends as soon as the remote's FIN is seen, but the yamux muxer
 * processes a frame's FIN flag before the frame's data (js-libp2p 3 / libp2p-yamux 8), so a final
 * data frame that carries FIN would be dropped. This reader listens to `message` events instead and
 * treats the end of the remote's writing as final only after a macrotask, by which time that data has
 * been dispatched. A `close` with an error (reset, abort) ends the iteration with that error, after
 * the chunks already received.
 */
import type { Stream } from '@libp2p/interface';

/** A chunk as libp2p delivers it: a Uint8Array or a Uint8ArrayList. */
export type StreamChunk = Parameters<Stream['send']>[0];

/** The received chunks of `stream`. Internal. */
export function streamChunks(stream: Stream): AsyncIterable<StreamChunk> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<StreamChunk> {
      const chunks: StreamChunk[] = [];
      let ended = false;
      let failure: Error | undefined;
      let wake: (() => void) | undefined;
      const notify = () => {
        const resolve = wake;
        wake = undefined;
        resolve?.();
      };
      const onMessage = (event: { data: StreamChunk }) => {
        chunks.push(event.data);
        notify();
      };
      const finishSoon = () => {
        setTimeout(() => {
          ended = true;
          notify();
        }, 0);
      };
      const onClose = (event: { error?: Error }) => {
        if (event.error !== undefined) failure = event.error;
        finishSoon();
      };
      const detach = () => {
        stream.removeEventListener('message', onMessage);
        stream.removeEventListener('remoteCloseWrite', finishSoon);
        stream.removeEventListener('close', onClose);
      };
      stream.addEventListener('message', onMessage);
      stream.addEventListener('remoteCloseWrite', finishSoon);
      stream.addEventListener('close', onClose);
      if (stream.remoteWriteStatus === 'closed' || stream.status !== 'open') finishSoon();
      return {
        async next(): Promise<IteratorResult<StreamChunk>> {
          for (;;) {
            const chunk = chunks.shift();
            if (chunk !== undefined) return { value: chunk, done: false };
            if (failure !== undefined) {
              detach();
              throw failure;
            }
            if (ended) {
              detach();
              return { value: undefined, done: true };
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
          }
        },
        async return(): Promise<IteratorResult<StreamChunk>> {
          detach();
          chunks.length = 0;
          return { value: undefined, done: true };
        },
      };
    },
  };
}
