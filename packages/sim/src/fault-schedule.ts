/**
 * Fault schedules: a JSON-serialisable list of timed fault actions — the nemesis's script. The same
 * format is the file `brightchain sim --scenario custom --schedule FILE` reads, and what every
 * built-in scenario and {@link randomFaultSchedule} produce.
 *
 * ```json
 * {
 *   "version": 1,
 *   "regions": [{ "name": "eu", "share": 0.5 }, { "name": "us", "share": 0.5 }],
 *   "link": { "latency": { "kind": "normal", "meanMs": 40, "stdDevMs": 10 }, "loss": 0.01 },
 *   "actions": [
 *     { "at": 10000, "type": "crash", "nodes": { "percent": 5 }, "restartAfterMs": 20000 },
 *     { "at": 30000, "type": "partition", "groups": [{ "region": "eu" }], "healAfterMs": 60000 },
 *     { "at": 45000, "type": "pause", "nodes": [3, 4], "durationMs": 2500 }
 *   ]
 * }
 * ```
 */
import { BrightChainError } from '@brightchain/core';
import { SimErrorCode } from './error-codes';
import { type LinkConfig, validateLinkConfig } from './link';

/**
 * Which nodes an action applies to:
 * - `"all"`;
 * - an array of node indices;
 * - an object narrowing all nodes by `region` and/or `range` (`[start, end)` of indices), then
 *   optionally picking `percent` (0–100, rounded to the nearest node) or `count` of them at random
 *   (seeded). Random picks choose among the nodes the action can apply to (e.g. `crash` picks
 *   among running nodes).
 */
export type NodeSelector =
  | 'all'
  | readonly number[]
  | {
      readonly region?: string;
      readonly range?: readonly [number, number];
      readonly percent?: number;
      readonly count?: number;
    };

/** One fault (or repair) the nemesis can apply. */
export type FaultAction =
  /** Process death. Unflushed writes are lost; `tornBytes` leaves a torn log record. */
  | {
      readonly type: 'crash';
      readonly nodes: NodeSelector;
      readonly tornBytes?: number;
      readonly restartAfterMs?: number;
    }
  /** Start crashed or shut-down nodes again (they recover from their disks). */
  | { readonly type: 'restart'; readonly nodes: NodeSelector }
  /** Graceful shutdown: the protocol says goodbye, the store is flushed and closed. */
  | { readonly type: 'shutdown'; readonly nodes: NodeSelector; readonly restartAfterMs?: number }
  /** The disk is lost: the process dies and restarts (if at all) on an empty disk. */
  | { readonly type: 'disk-loss'; readonly nodes: NodeSelector; readonly restartAfterMs?: number }
  /** CPU stall: the node processes nothing for `durationMs`; arrivals queue up and are handled after. */
  | { readonly type: 'pause'; readonly nodes: NodeSelector; readonly durationMs: number }
  /** Sets the nodes' clock offset (ms) and rate error (parts per million). */
  | {
      readonly type: 'clock-skew';
      readonly nodes: NodeSelector;
      readonly offsetMs: number;
      readonly driftPpm?: number;
    }
  /** Splits the network; nodes in no group form one more group. */
  | {
      readonly type: 'partition';
      readonly groups: readonly NodeSelector[];
      readonly oneWay?: boolean;
      readonly healAfterMs?: number;
    }
  /** Removes every partition. */
  | { readonly type: 'heal' }
  /** Holds (does not drop) every message to or from the nodes, for `durationMs` or until `unclog`. */
  | { readonly type: 'clog'; readonly nodes: NodeSelector; readonly durationMs?: number }
  /** Releases clogged nodes. */
  | { readonly type: 'unclog'; readonly nodes: NodeSelector }
  /**
   * FoundationDB's swizzle-clogging: clog the nodes one at a time every `stepMs` in random order,
   * wait `holdMs` (default `stepMs`), then unclog them one at a time in another random order.
   */
  | {
      readonly type: 'swizzle';
      readonly nodes: NodeSelector;
      readonly stepMs: number;
      readonly holdMs?: number;
    }
  /**
   * Changes links: without `from`/`to`, replaces the default link; with them, overrides every
   * directed link from → to (both ways if `symmetric`); `link: null` removes those overrides.
   */
  | {
      readonly type: 'link';
      readonly from?: NodeSelector;
      readonly to?: NodeSelector;
      readonly link: LinkConfig | null;
      readonly symmetric?: boolean;
    }
  /** New nodes join (in `region`, or spread to keep the region shares). */
  | { readonly type: 'join'; readonly count: number; readonly region?: string };

/** The type names of {@link FaultAction}. */
export type FaultType = FaultAction['type'];

/** A fault action with the simulated time (ms) at which it happens. */
export type ScheduledFault = FaultAction & { readonly at: number };

/** A region of the simulated network and its share of the initial nodes. */
export interface RegionSpec {
  /** Name used by `{ "region": … }` selectors and region links. */
  readonly name: string;
  /** Relative share of the nodes (normalised over all regions). */
  readonly share: number;
}

/** A complete fault schedule (version 1). */
export interface FaultSchedule {
  /** Format version: always 1. */
  readonly version: 1;
  /** Free text. */
  readonly description?: string;
  /** Region layout (default: one region called `default`). */
  readonly regions?: readonly RegionSpec[];
  /** Default link for the run (the scenario's `--loss` still applies on top). */
  readonly link?: LinkConfig;
  /** The timed actions; applied in time order (ties in file order). */
  readonly actions: readonly ScheduledFault[];
}

/** Every fault type, in documentation order. */
export const FAULT_TYPES: readonly FaultType[] = Object.freeze([
  'crash',
  'restart',
  'shutdown',
  'disk-loss',
  'pause',
  'clock-skew',
  'partition',
  'heal',
  'clog',
  'unclog',
  'swizzle',
  'link',
  'join',
]);

const MAX_TIME_MS = 10 * 365 * 86_400_000;
const MAX_NODE_INDEX = 0x1f_ffff;
const MAX_ACTIONS = 100_000;

function fail(path: string, problem: string, extra: Record<string, unknown> = {}): never {
  throw new BrightChainError(SimErrorCode.SCHEDULE_INVALID, `${path}: ${problem}`, {
    details: { path, ...extra },
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(value: Record<string, unknown>, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      fail(path === '(root)' ? key : `${path}.${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
    }
  }
}

function checkNumber(
  value: unknown,
  path: string,
  min: number,
  max: number,
  options: { readonly integer?: boolean; readonly optional?: boolean } = {},
): void {
  if (value === undefined) {
    if (options.optional) return;
    fail(path, 'is required');
  }
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail(path, 'must be a number', { value: String(value) });
  if (options.integer && !Number.isInteger(value)) fail(path, 'must be an integer', { value });
  if (value < min || value > max) fail(path, `must be between ${min} and ${max}`, { value });
}

function checkSelector(value: unknown, path: string): void {
  if (value === 'all') return;
  if (Array.isArray(value)) {
    if (value.length > MAX_NODE_INDEX) fail(path, 'lists too many nodes');
    value.forEach((node, i) => {
      checkNumber(node, `${path}[${i}]`, 0, MAX_NODE_INDEX, { integer: true });
    });
    return;
  }
  if (!isObject(value)) fail(path, 'must be "all", an array of node indices or a selector object');
  checkKeys(value, path, ['region', 'range', 'percent', 'count']);
  if (value.region !== undefined && (typeof value.region !== 'string' || value.region.length === 0)) {
    fail(`${path}.region`, 'must be a non-empty string');
  }
  if (value.range !== undefined) {
    const range = value.range;
    if (!Array.isArray(range) || range.length !== 2) fail(`${path}.range`, 'must be [start, end]');
    checkNumber(range[0], `${path}.range[0]`, 0, MAX_NODE_INDEX, { integer: true });
    checkNumber(range[1], `${path}.range[1]`, range[0] as number, MAX_NODE_INDEX + 1, { integer: true });
  }
  if (value.percent !== undefined && value.count !== undefined) fail(path, 'give percent or count, not both');
  checkNumber(value.percent, `${path}.percent`, 0, 100, { optional: true });
  checkNumber(value.count, `${path}.count`, 0, MAX_NODE_INDEX, { integer: true, optional: true });
}

function checkLink(value: unknown, path: string): void {
  try {
    validateLinkConfig(value);
  } catch (error) {
    if (BrightChainError.isInstance(error)) {
      fail(path, error.message, { cause: error.details });
    }
    throw error;
  }
}

function checkAction(value: unknown, path: string): void {
  if (!isObject(value)) fail(path, 'must be an object');
  const type = value.type;
  if (typeof type !== 'string' || !(FAULT_TYPES as readonly string[]).includes(type)) {
    fail(`${path}.type`, `must be one of ${FAULT_TYPES.join(', ')}`, { value: String(type) });
  }
  checkNumber(value.at, `${path}.at`, 0, MAX_TIME_MS);
  const delay = (key: string): void =>
    checkNumber(value[key], `${path}.${key}`, 0, MAX_TIME_MS, { optional: true });
  switch (type as FaultType) {
    case 'crash':
      checkKeys(value, path, ['at', 'type', 'nodes', 'tornBytes', 'restartAfterMs']);
      checkSelector(value.nodes, `${path}.nodes`);
      checkNumber(value.tornBytes, `${path}.tornBytes`, 0, 1 << 30, { integer: true, optional: true });
      delay('restartAfterMs');
      break;
    case 'restart':
    case 'unclog':
      checkKeys(value, path, ['at', 'type', 'nodes']);
      checkSelector(value.nodes, `${path}.nodes`);
      break;
    case 'shutdown':
    case 'disk-loss':
      checkKeys(value, path, ['at', 'type', 'nodes', 'restartAfterMs']);
      checkSelector(value.nodes, `${path}.nodes`);
      delay('restartAfterMs');
      break;
    case 'pause':
      checkKeys(value, path, ['at', 'type', 'nodes', 'durationMs']);
      checkSelector(value.nodes, `${path}.nodes`);
      checkNumber(value.durationMs, `${path}.durationMs`, 0, MAX_TIME_MS);
      break;
    case 'clock-skew':
      checkKeys(value, path, ['at', 'type', 'nodes', 'offsetMs', 'driftPpm']);
      checkSelector(value.nodes, `${path}.nodes`);
      checkNumber(value.offsetMs, `${path}.offsetMs`, -MAX_TIME_MS, MAX_TIME_MS);
      checkNumber(value.driftPpm, `${path}.driftPpm`, -100_000, 100_000, { optional: true });
      break;
    case 'partition': {
      checkKeys(value, path, ['at', 'type', 'groups', 'oneWay', 'healAfterMs']);
      const groups = value.groups;
      if (!Array.isArray(groups) || groups.length === 0) fail(`${path}.groups`, 'must be a non-empty array');
      groups.forEach((group, i) => {
        checkSelector(group, `${path}.groups[${i}]`);
      });
      if (value.oneWay !== undefined && typeof value.oneWay !== 'boolean')
        fail(`${path}.oneWay`, 'must be a boolean');
      delay('healAfterMs');
      break;
    }
    case 'heal':
      checkKeys(value, path, ['at', 'type']);
      break;
    case 'clog':
      checkKeys(value, path, ['at', 'type', 'nodes', 'durationMs']);
      checkSelector(value.nodes, `${path}.nodes`);
      delay('durationMs');
      break;
    case 'swizzle':
      checkKeys(value, path, ['at', 'type', 'nodes', 'stepMs', 'holdMs']);
      checkSelector(value.nodes, `${path}.nodes`);
      checkNumber(value.stepMs, `${path}.stepMs`, 0, MAX_TIME_MS);
      delay('holdMs');
      break;
    case 'link':
      checkKeys(value, path, ['at', 'type', 'from', 'to', 'link', 'symmetric']);
      if ((value.from === undefined) !== (value.to === undefined))
        fail(path, 'give both from and to, or neither');
      if (value.from !== undefined) checkSelector(value.from, `${path}.from`);
      if (value.to !== undefined) checkSelector(value.to, `${path}.to`);
      if (value.link === null) {
        if (value.from === undefined) fail(`${path}.link`, 'null (remove overrides) needs from and to');
      } else checkLink(value.link, `${path}.link`);
      if (value.symmetric !== undefined && typeof value.symmetric !== 'boolean') {
        fail(`${path}.symmetric`, 'must be a boolean');
      }
      break;
    case 'join':
      checkKeys(value, path, ['at', 'type', 'count', 'region']);
      checkNumber(value.count, `${path}.count`, 1, 100_000, { integer: true });
      if (value.region !== undefined && (typeof value.region !== 'string' || value.region.length === 0)) {
        fail(`${path}.region`, 'must be a non-empty string');
      }
      break;
  }
}

/** The object form of a {@link NodeSelector}. */
type SelectorFilter = Exclude<NodeSelector, 'all' | readonly number[]>;

function isSelectorFilter(selector: NodeSelector): selector is SelectorFilter {
  return typeof selector === 'object' && !Array.isArray(selector);
}

function selectorsOf(action: FaultAction): NodeSelector[] {
  switch (action.type) {
    case 'heal':
    case 'join':
      return [];
    case 'partition':
      return [...action.groups];
    case 'link':
      return action.from === undefined || action.to === undefined ? [] : [action.from, action.to];
    default:
      return [action.nodes];
  }
}

/** Options of {@link parseFaultSchedule}. */
export interface ParseFaultScheduleOptions {
  /**
   * The region names selectors may use (a simulation passes its layout). Default: the schedule's
   * own `regions`, or `default` when it declares none.
   */
  readonly regions?: readonly string[];
}

/**
 * Checks one fault action (as `Simulation.apply` receives it; `at` defaults to 0).
 *
 * @throws BrightChainError `BC_SIM_SCHEDULE_INVALID` with `details.path` under `action`
 * @internal
 */
export function validateFaultAction(action: unknown, regions: readonly string[]): void {
  parseFaultSchedule(
    { version: 1, actions: [isObject(action) ? { at: 0, ...action } : action] },
    { regions },
  );
}

/**
 * Checks that `input` (for example `JSON.parse` of a file) is a valid {@link FaultSchedule} and
 * returns it typed, with its actions stably sorted by time. Checks every field's type and range,
 * rejects unknown fields, and checks that region names used by selectors and joins exist.
 *
 * @param options - extra known region names (a simulation's layout)
 * @throws BrightChainError `BC_SIM_SCHEDULE_INVALID`; `details.path` names the bad field (e.g. `actions[2].nodes.percent`)
 * @example
 * ```ts
 * const schedule = parseFaultSchedule(JSON.parse(readFileSync('faults.json', 'utf8')));
 * runScenario('custom', { seed: 7, nodes: 50, durationSeconds: 120, schedule });
 * ```
 */
export function parseFaultSchedule(input: unknown, options: ParseFaultScheduleOptions = {}): FaultSchedule {
  if (!isObject(input)) fail('(root)', 'must be a JSON object');
  checkKeys(input, '(root)', ['version', 'description', 'regions', 'link', 'actions']);
  if (input.version !== 1) fail('version', 'must be 1', { value: String(input.version) });
  if (input.description !== undefined && typeof input.description !== 'string') {
    fail('description', 'must be a string');
  }
  const declared = new Set<string>();
  if (input.regions !== undefined) {
    const regions = input.regions;
    if (!Array.isArray(regions) || regions.length === 0 || regions.length > 1000) {
      fail('regions', 'must be a non-empty array (at most 1000 regions)');
    }
    regions.forEach((region, i) => {
      const path = `regions[${i}]`;
      if (!isObject(region)) fail(path, 'must be an object { name, share }');
      checkKeys(region, path, ['name', 'share']);
      if (typeof region.name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(region.name)) {
        fail(`${path}.name`, 'must be 1–64 letters, digits, "_", "." or "-"');
      }
      if (declared.has(region.name)) fail(`${path}.name`, 'is used twice', { value: region.name });
      declared.add(region.name);
      checkNumber(region.share, `${path}.share`, Number.MIN_VALUE, 1e9);
    });
  }
  // Region names selectors may use: the caller's layout, else the schedule's, else `default`.
  const regionNames = new Set<string>(options.regions ?? (declared.size > 0 ? declared : ['default']));
  if (input.link !== undefined) checkLink(input.link, 'link');
  const actions = input.actions;
  if (!Array.isArray(actions)) fail('actions', 'must be an array');
  if (actions.length > MAX_ACTIONS) fail('actions', `must have at most ${MAX_ACTIONS} actions`);
  actions.forEach((action, i) => {
    const path = `actions[${i}]`;
    checkAction(action, path);
    const typed = action as ScheduledFault;
    const regionsUsed = selectorsOf(typed).flatMap((s) => {
      const region = isSelectorFilter(s) ? s.region : undefined;
      return region === undefined ? [] : [region];
    });
    if (typed.type === 'join' && typed.region !== undefined) regionsUsed.push(typed.region);
    for (const region of regionsUsed) {
      if (!regionNames.has(region)) {
        fail(path, `unknown region "${region}" (known: ${[...regionNames].join(', ')})`, { region });
      }
    }
  });
  const sorted = (actions as ScheduledFault[])
    .map((action, i) => ({ action, i }))
    .sort((x, y) => x.action.at - y.action.at || x.i - y.i)
    .map(({ action }) => action);
  return { ...(input as unknown as FaultSchedule), actions: sorted };
}

/**
 * Parses the text of a schedule file (JSON) and validates it with {@link parseFaultSchedule}.
 *
 * @throws BrightChainError `BC_SIM_SCHEDULE_INVALID` for malformed JSON or an invalid schedule
 * @example
 * ```ts
 * const schedule = parseFaultScheduleJson('{"version":1,"actions":[{"at":0,"type":"heal"}]}');
 * ```
 */
export function parseFaultScheduleJson(text: string): FaultSchedule {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail('(root)', `is not valid JSON (${(error as Error).message})`);
  }
  return parseFaultSchedule(value);
}
