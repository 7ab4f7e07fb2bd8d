/**
 * js-libp2p 3 calls `Promise.withResolvers` (ES2024), which Node 20 lacks (it arrived in Node 22).
 * {@link ensurePromiseWithResolvers} installs the standard behaviour (ECMA-262 §27.2.4.8,
 * `Promise.withResolvers`) when, and only when, it is missing; on Node 22+ it does nothing.
 */

interface WithResolversResult<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseConstructorWithResolvers = PromiseConstructor & {
  withResolvers?: <T>() => WithResolversResult<T>;
};

/**
 * Installs `Promise.withResolvers` if this runtime lacks it. Idempotent. Internal: called by
 * `createLibp2pTransport` before libp2p starts.
 *
 * @throws nothing
 */
export function ensurePromiseWithResolvers(): void {
  const promiseConstructor = Promise as PromiseConstructorWithResolvers;
  if (typeof promiseConstructor.withResolvers === 'function') return;
  Object.defineProperty(promiseConstructor, 'withResolvers', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers<T>(this: PromiseConstructor): WithResolversResult<T> {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
