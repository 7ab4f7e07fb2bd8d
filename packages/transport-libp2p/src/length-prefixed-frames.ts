/**
 * Framing on libp2p streams: every frame is an unsigned-varint byte length followed by that many bytes
 * (the multiformats unsigned-varint length prefix used across libp2p, via `it-length-prefixed`).
 *
 * The reader enforces a limit per frame before it buffers the frame: a declared length above the limit
 * fails as soon as the prefix arrives, so an oversized frame costs the receiver a few bytes, not the
 * frame. Failures are typed: `BC_TRANSPORT_MESSAGE_TOO_LARGE` for a frame over the limit,
 * `BC_LIBP2P_PROTOCOL_VIOLATION` for a malformed prefix or a stream that ends inside a frame.
 */
import { BrightChainError, CoreErrorCode } from '@brightchain/core';
import type { Stream } from '@libp2p/interface';
import * as lengthPrefixed from 'it-length-prefixed';
import { Libp2pTransportErrorCode } from './error-codes';
import { streamChunks } from './stream-chunks';

/** Limits of {@link readFrames}. */
export interface FrameLimits {
  /** Largest frame accepted after the first. */
  readonly maxBytes: number;
  /** Largest first frame (a stream header); defaults to `maxBytes`. */
  readonly maxFirstBytes?: number;
}

/** One length-prefixed frame of `bytes`, ready for `stream.send`. Internal. */
export function encodeFrame(bytes: Uint8Array): ReturnType<typeof lengthPrefixed.encode.single> {
  return lengthPrefixed.encode.single(bytes);
}

function tooLarge(declaredBytes: number | undefined, maxBytes: number, first: boolean): BrightChainError {
  return new BrightChainError(CoreErrorCode.TRANSPORT_MESSAGE_TOO_LARGE, 'inbound frame is too large', {
    details: {
      maxBytes,
      frame: first ? 'header' : 'message',
      ...(declaredBytes === undefined ? {} : { declaredBytes }),
    },
  });
}

/** Maps it-length-prefixed's errors (matched by name, not class, to survive duplicate copies). */
function typed(error: unknown, maxBytes: number, first: boolean): unknown {
  if (BrightChainError.isInstance(error)) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'InvalidDataLengthError') return tooLarge(undefined, maxBytes, first);
  if (name === 'InvalidDataLengthLengthError' || name === 'InvalidMessageLengthError') {
    return new BrightChainError(
      Libp2pTransportErrorCode.PROTOCOL_VIOLATION,
      'malformed frame length prefix',
      {
        details: { reason: 'length-prefix' },
        cause: error,
      },
    );
  }
  if (name === 'UnexpectedEOFError') {
    return new BrightChainError(Libp2pTransportErrorCode.PROTOCOL_VIOLATION, 'stream ended inside a frame', {
      details: { reason: 'truncated' },
      cause: error,
    });
  }
  return error;
}

/**
 * The frames of `stream`, each copied into its own Uint8Array, until the remote closes its side.
 *
 * @throws BrightChainError `BC_TRANSPORT_MESSAGE_TOO_LARGE` (details: `maxBytes`, `frame`) or
 * `BC_LIBP2P_PROTOCOL_VIOLATION` (details: `reason`); stream errors (reset, abort) pass through as is
 */
export async function* readFrames(stream: Stream, limits: FrameLimits): AsyncGenerator<Uint8Array, void> {
  const maxFirst = limits.maxFirstBytes ?? limits.maxBytes;
  let index = 0;
  const frames = lengthPrefixed.decode(streamChunks(stream), {
    // Every limit is enforced in onLength (which knows the frame index and reports the declared size);
    // the decoder's own check is only a backstop.
    maxDataLength: Number.MAX_SAFE_INTEGER,
    onLength: (length) => {
      const max = index === 0 ? maxFirst : limits.maxBytes;
      if (length > max) throw tooLarge(length, max, index === 0);
      index += 1;
    },
  });
  try {
    for await (const frame of frames) yield frame.slice();
  } catch (error) {
    throw typed(error, index === 0 ? maxFirst : limits.maxBytes, index === 0);
  }
}

/**
 * The first frame of `stream`.
 *
 * @throws as {@link readFrames}; also `BC_LIBP2P_PROTOCOL_VIOLATION` (reason `'no-frame'`) if the stream
 * ends before a whole frame
 */
export async function readOneFrame(stream: Stream, maxBytes: number): Promise<Uint8Array> {
  for await (const frame of readFrames(stream, { maxBytes })) return frame;
  throw new BrightChainError(Libp2pTransportErrorCode.PROTOCOL_VIOLATION, 'stream ended before a frame', {
    details: { reason: 'no-frame' },
  });
}
