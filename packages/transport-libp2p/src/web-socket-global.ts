/**
 * `@libp2p/websockets` dials with the global WHATWG `WebSocket`, which Node 20 lacks (it is global from
 * Node 22, or behind `--experimental-websocket` on Node 20.10+). {@link ensureWebSocketGlobal}
 * installs the client of the `ws` package — the library the WebSocket listener already uses, whose
 * `WebSocket` class implements the WHATWG interface (`addEventListener`, `binaryType`, `bufferedAmount`)
 * — when, and only when, no global exists.
 */

/** The module name, kept out of the import expression so type checking does not need `@types/ws`. */
const WS_MODULE = 'ws';

/**
 * Installs `globalThis.WebSocket` from `ws` if it is missing. Idempotent. Internal: called by
 * `createLibp2pTransport` before libp2p starts.
 *
 * @throws nothing; if `ws` cannot be loaded, WebSocket dials fail later with `BC_TRANSPORT_UNREACHABLE`
 */
export async function ensureWebSocketGlobal(): Promise<void> {
  const scope = globalThis as { WebSocket?: unknown };
  if (typeof scope.WebSocket === 'function') return;
  try {
    const loaded: unknown = await import(WS_MODULE);
    const candidate =
      (loaded as { WebSocket?: unknown }).WebSocket ??
      (loaded as { default?: { WebSocket?: unknown } }).default?.WebSocket;
    if (typeof candidate === 'function' && typeof scope.WebSocket !== 'function') {
      Object.defineProperty(globalThis, 'WebSocket', {
        configurable: true,
        writable: true,
        enumerable: false,
        value: candidate,
      });
    }
  } catch {
    // No `ws`: TCP still works; WebSocket dials report BC_TRANSPORT_UNREACHABLE.
  }
}
