/**
 * Link configuration: how one directed link (sender → receiver) delays, loses, duplicates,
 * reorders and rate-limits messages. Links are directed, so a → b and b → a may differ
 * (asymmetric links). Every field is plain JSON so links can be written in fault schedules.
 */
import { BrightChainError } from '@brightchain/core';
import { SimErrorCode } from './error-codes';

/**
 * A one-way latency distribution, in milliseconds. All samples are clamped at 0 and rounded to
 * whole microseconds (the simulator's time unit).
 * - `constant`: always `ms`;
 * - `uniform`: uniform in `[minMs, maxMs)`;
 * - `normal`: Gaussian with `meanMs`/`stdDevMs`, clamped at `minMs` (default 0);
 * - `lognormal`: `medianMs · e^(sigma·N(0,1))`, the heavy right tail of wide-area links;
 * - `exponential`: `minMs` plus an exponential with mean `meanMs`;
 * - `pareto`: Pareto with scale `minMs` and shape `alpha` (> 1 for a finite mean).
 */
export type LatencyDistribution =
  | { readonly kind: 'constant'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: 'normal'; readonly meanMs: number; readonly stdDevMs: number; readonly minMs?: number }
  | { readonly kind: 'lognormal'; readonly medianMs: number; readonly sigma: number }
  | { readonly kind: 'exponential'; readonly meanMs: number; readonly minMs?: number }
  | { readonly kind: 'pareto'; readonly minMs: number; readonly alpha: number };

/** The behaviour of one directed link. Only `latency` is required. */
export interface LinkConfig {
  /** One-way propagation delay. */
  readonly latency: LatencyDistribution;
  /** Extra uniform delay in `[0, jitterMs)` added to every message (default 0). */
  readonly jitterMs?: number;
  /** Probability in [0, 1] that a message is lost (default 0). */
  readonly loss?: number;
  /** Probability in [0, 1] that a message is delivered twice (second copy with its own delay). */
  readonly duplicate?: number;
  /** Probability in [0, 1] that a message is held back by up to `reorderDelayMs` extra (default 0). */
  readonly reorder?: number;
  /** Largest extra delay of a reordered message, ms (default 100). */
  readonly reorderDelayMs?: number;
  /**
   * Capacity of the link in bytes per second. Each message then takes `size / bandwidth` to
   * transmit and waits for the messages sent before it on the same link (a FIFO send queue).
   * Omitted: unlimited.
   */
  readonly bandwidthBytesPerSecond?: number;
}

/**
 * The default link: 5–50 ms uniform latency, no loss, no duplication, unlimited bandwidth.
 *
 * @example
 * ```ts
 * sim.network.setDefaultLink({ ...DEFAULT_LINK, loss: 0.02 });
 * ```
 */
export const DEFAULT_LINK: LinkConfig = Object.freeze({
  latency: Object.freeze({ kind: 'uniform', minMs: 5, maxMs: 50 }) as LatencyDistribution,
});

/** Latency kinds as small integers for the hot path. */
export const LatencyKind = {
  constant: 0,
  uniform: 1,
  normal: 2,
  lognormal: 3,
  exponential: 4,
  pareto: 5,
} as const;

/**
 * A validated {@link LinkConfig} flattened to numbers in microseconds, so sampling is a switch on
 * an integer and a few float operations with no allocation.
 */
export class CompiledLink {
  readonly latencyKind: number;
  /** First latency parameter (µs or a shape, by kind). */
  readonly p1: number;
  /** Second latency parameter. */
  readonly p2: number;
  /** Third latency parameter (a floor, µs). */
  readonly p3: number;
  readonly jitterUs: number;
  readonly loss: number;
  readonly duplicate: number;
  readonly reorder: number;
  readonly reorderDelayUs: number;
  /** Bytes per microsecond, 0 for unlimited. */
  readonly bytesPerUs: number;
  /** The configuration this was compiled from. */
  readonly config: LinkConfig;

  /** @throws BrightChainError `BC_SIM_LINK_INVALID` */
  constructor(config: LinkConfig) {
    validateLinkConfig(config);
    this.config = config;
    const latency = config.latency;
    this.latencyKind = LatencyKind[latency.kind];
    switch (latency.kind) {
      case 'constant':
        [this.p1, this.p2, this.p3] = [latency.ms * 1000, 0, 0];
        break;
      case 'uniform':
        [this.p1, this.p2, this.p3] = [latency.minMs * 1000, (latency.maxMs - latency.minMs) * 1000, 0];
        break;
      case 'normal':
        [this.p1, this.p2, this.p3] = [
          latency.meanMs * 1000,
          latency.stdDevMs * 1000,
          (latency.minMs ?? 0) * 1000,
        ];
        break;
      case 'lognormal':
        [this.p1, this.p2, this.p3] = [latency.medianMs * 1000, latency.sigma, 0];
        break;
      case 'exponential':
        [this.p1, this.p2, this.p3] = [latency.meanMs * 1000, 0, (latency.minMs ?? 0) * 1000];
        break;
      case 'pareto':
        [this.p1, this.p2, this.p3] = [latency.minMs * 1000, 1 / latency.alpha, 0];
        break;
    }
    this.jitterUs = (config.jitterMs ?? 0) * 1000;
    this.loss = config.loss ?? 0;
    this.duplicate = config.duplicate ?? 0;
    this.reorder = config.reorder ?? 0;
    this.reorderDelayUs = (config.reorderDelayMs ?? 100) * 1000;
    this.bytesPerUs = config.bandwidthBytesPerSecond === undefined ? 0 : config.bandwidthBytesPerSecond / 1e6;
  }
}

function fail(message: string, details: Record<string, unknown>): never {
  throw new BrightChainError(SimErrorCode.LINK_INVALID, message, { details });
}

function checkNumber(value: unknown, name: string, min: number, max: number, optional: boolean): void {
  if (value === undefined && optional) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(`${name} must be a number in [${min}, ${max}]`, { field: name, value });
  }
}

const MAX_MS = 86_400_000;

/**
 * Checks a link configuration (also one read from JSON) and throws on the first problem.
 *
 * @throws BrightChainError `BC_SIM_LINK_INVALID` naming the bad field
 * @example
 * ```ts
 * validateLinkConfig({ latency: { kind: 'normal', meanMs: 40, stdDevMs: 10 }, loss: 0.01 });
 * ```
 */
export function validateLinkConfig(config: unknown): asserts config is LinkConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    fail('a link configuration must be an object', { value: String(config) });
  }
  const link = config as Record<string, unknown>;
  const known = new Set([
    'latency',
    'jitterMs',
    'loss',
    'duplicate',
    'reorder',
    'reorderDelayMs',
    'bandwidthBytesPerSecond',
  ]);
  for (const key of Object.keys(link)) {
    if (!known.has(key)) fail(`unknown link field "${key}"`, { field: key });
  }
  const latency = link.latency;
  if (typeof latency !== 'object' || latency === null || Array.isArray(latency)) {
    fail('link.latency must be an object with a "kind"', { field: 'latency' });
  }
  const l = latency as Record<string, unknown>;
  const fields: Record<string, readonly string[]> = {
    constant: ['ms'],
    uniform: ['minMs', 'maxMs'],
    normal: ['meanMs', 'stdDevMs', 'minMs'],
    lognormal: ['medianMs', 'sigma'],
    exponential: ['meanMs', 'minMs'],
    pareto: ['minMs', 'alpha'],
  };
  const kind = l.kind;
  const allowed = typeof kind === 'string' && Object.hasOwn(fields, kind) ? fields[kind] : undefined;
  if (allowed === undefined) {
    fail(`latency.kind must be one of ${Object.keys(fields).join(', ')}`, {
      field: 'latency.kind',
      value: kind,
    });
  }
  for (const key of Object.keys(l)) {
    if (key !== 'kind' && !allowed.includes(key)) {
      fail(`unknown field "${key}" for ${String(kind)} latency`, { field: `latency.${key}` });
    }
  }
  switch (kind) {
    case 'constant':
      checkNumber(l.ms, 'latency.ms', 0, MAX_MS, false);
      break;
    case 'uniform':
      checkNumber(l.minMs, 'latency.minMs', 0, MAX_MS, false);
      checkNumber(l.maxMs, 'latency.maxMs', l.minMs as number, MAX_MS, false);
      break;
    case 'normal':
      checkNumber(l.meanMs, 'latency.meanMs', 0, MAX_MS, false);
      checkNumber(l.stdDevMs, 'latency.stdDevMs', 0, MAX_MS, false);
      checkNumber(l.minMs, 'latency.minMs', 0, MAX_MS, true);
      break;
    case 'lognormal':
      checkNumber(l.medianMs, 'latency.medianMs', 0, MAX_MS, false);
      checkNumber(l.sigma, 'latency.sigma', 0, 10, false);
      break;
    case 'exponential':
      checkNumber(l.meanMs, 'latency.meanMs', 0, MAX_MS, false);
      checkNumber(l.minMs, 'latency.minMs', 0, MAX_MS, true);
      break;
    case 'pareto':
      checkNumber(l.minMs, 'latency.minMs', 0, MAX_MS, false);
      checkNumber(l.alpha, 'latency.alpha', 0.1, 100, false);
      break;
  }
  checkNumber(link.jitterMs, 'jitterMs', 0, MAX_MS, true);
  checkNumber(link.loss, 'loss', 0, 1, true);
  checkNumber(link.duplicate, 'duplicate', 0, 1, true);
  checkNumber(link.reorder, 'reorder', 0, 1, true);
  checkNumber(link.reorderDelayMs, 'reorderDelayMs', 0, MAX_MS, true);
  checkNumber(link.bandwidthBytesPerSecond, 'bandwidthBytesPerSecond', 1, Number.MAX_SAFE_INTEGER, true);
}
