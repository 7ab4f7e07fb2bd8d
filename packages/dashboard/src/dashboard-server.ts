/**
 * The dashboard's HTTP server: the built UI plus a JSON / server-sent-events API over a running
 * simulation, bound to the loopback interface only.
 *
 * Routes: `GET /` (UI), `GET /api/snapshot`, `GET /api/events` (SSE), `POST /api/control`,
 * `GET /metrics` (Prometheus text). Errors are JSON `{ error: { code, message, details } }` with a
 * stable `BC_DASHBOARD_*` code.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BrightChainError } from '@brightchain/core';
import { type Simulation, SimErrorCode, type SimulationReport, buildReport } from '@brightchain/sim';
import { type ControlRequest, parseControlRequest } from './control-request';
import type { DashboardRecorder } from './dashboard-recorder';
import { type DashboardSnapshot, RateSeries, buildSnapshot } from './dashboard-snapshot';
import { DashboardErrorCode } from './error-codes';
import { formatPrometheus, snapshotMetrics } from './prometheus-text';
import { SimulationPacer, checkSpeed } from './simulation-pacer';
import { type StaticAsset, defaultAssetsDir, loadStaticAssets } from './static-assets';

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** The simulation to show and drive (the dashboard advances it; do not run it meanwhile). */
  readonly simulation: Simulation;
  /** Stop at this simulated duration (s), finish the run and resolve `done`; default: run until closed. */
  readonly durationSeconds?: number;
  /** Scenario name for the snapshot and report (default `'manual'`). */
  readonly scenario?: string;
  /** The simulation's {@link DashboardRecorder}, if it has one (last-event times, event log). */
  readonly recorder?: DashboardRecorder;
  /** Loopback address to bind: `127.0.0.1` (default), `::1` or `localhost`. */
  readonly host?: string;
  /** TCP port (default 0: a free port). */
  readonly port?: number;
  /** Simulated seconds per wall second (default 10). */
  readonly speed?: number;
  /** Start paused (default false). */
  readonly paused?: boolean;
  /** Wall ms between simulation slices (default 100). */
  readonly sliceMs?: number;
  /** Wall ms between server-sent updates (default 250: 4 Hz; at least 200). */
  readonly updateMs?: number;
  /** Wall ms between SSE heartbeats when nothing changed (default 15,000). */
  readonly heartbeatMs?: number;
  /** Largest accepted request body in bytes (default 16 KiB). */
  readonly maxBodyBytes?: number;
  /** Nodes listed in a snapshot at most (default 10,000; counts by state always cover every node). */
  readonly maxNodes?: number;
  /** Directory of the built UI (default: the package's `dist/ui`). */
  readonly assetsDir?: string;
}

/** A running dashboard. */
export interface DashboardServer {
  /** The base URL, e.g. `http://127.0.0.1:53123/`. */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** Resolves with the final report when the duration is reached (never, for an open-ended run). */
  readonly done: Promise<SimulationReport>;
  /** The current snapshot (what `GET /api/snapshot` returns). */
  snapshot(): DashboardSnapshot;
  /**
   * Stops the simulation timer, ends every event stream and closes the server (idempotent).
   * Returns the report (built now if the duration was not reached).
   */
  close(): Promise<SimulationReport>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function optionError(message: string, details: Record<string, unknown>): BrightChainError {
  return new BrightChainError(DashboardErrorCode.OPTIONS_INVALID, message, { details });
}

class HttpError extends BrightChainError {
  constructor(
    readonly status: number,
    code: DashboardErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, { details });
  }
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw optionError(`${name} must be an integer in ${min}..${max}`, { [name]: value });
  }
  return value;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: HttpError, extraHeaders: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  sendJson(res, error.status, {
    error: { code: error.code, message: error.message, details: error.details },
  });
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(
        new HttpError(413, DashboardErrorCode.BODY_TOO_LARGE, `the body is larger than ${limit} bytes`, {
          limit,
        }),
      );
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(
          new HttpError(413, DashboardErrorCode.BODY_TOO_LARGE, `the body is larger than ${limit} bytes`, {
            limit,
          }),
        );
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (!failed) reject(error);
    });
  });
}

const ROUTES: Readonly<Record<string, string>> = {
  '/api/snapshot': 'GET',
  '/api/events': 'GET',
  '/api/control': 'POST',
  '/metrics': 'GET',
};

/**
 * Starts the dashboard: binds the server on the loopback interface and starts advancing the
 * simulation at `speed` simulated seconds per wall second.
 *
 * @throws BrightChainError `BC_DASHBOARD_OPTIONS_INVALID` for a non-loopback host, a bad port, speed
 *   or duration; the listen error (e.g. `EADDRINUSE`) if the port cannot be bound
 * @example
 * ```ts
 * const run = createScenarioSimulation('crash', { seed: 1, nodes: 200, durationSeconds: 300 });
 * const dashboard = await startDashboard({ ...run, speed: 10 });
 * console.log(`open ${dashboard.url}`);
 * const report = await dashboard.done;
 * await dashboard.close();
 * ```
 */
export async function startDashboard(options: DashboardOptions): Promise<DashboardServer> {
  const sim = options.simulation;
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw optionError('the dashboard only binds to a loopback address', { host });
  const port = checkInteger('port', options.port ?? 0, 0, 65_535);
  const sliceMs = checkInteger('sliceMs', options.sliceMs ?? 100, 10, 10_000);
  const updateMs = checkInteger('updateMs', options.updateMs ?? 250, 200, 60_000);
  const heartbeatMs = checkInteger('heartbeatMs', options.heartbeatMs ?? 15_000, 100, 3_600_000);
  const maxBodyBytes = checkInteger('maxBodyBytes', options.maxBodyBytes ?? 16_384, 1, 1 << 20);
  const maxNodes = checkInteger('maxNodes', options.maxNodes ?? 10_000, 1, 1_000_000);
  checkSpeed(options.speed ?? 10);
  const durationSeconds = options.durationSeconds;
  if (durationSeconds !== undefined && !(Number.isFinite(durationSeconds) && durationSeconds > 0)) {
    throw optionError('durationSeconds must be a positive number', { durationSeconds });
  }
  const durationMs = durationSeconds === undefined ? undefined : durationSeconds * 1000;
  const scenario = options.scenario ?? 'manual';
  const assets = loadStaticAssets(options.assetsDir ?? defaultAssetsDir());

  const wallStart = performance.now();
  const rates = new RateSeries();
  let report: SimulationReport | undefined;
  let resolveDone: (report: SimulationReport) => void = () => {};
  const done = new Promise<SimulationReport>((resolve) => {
    resolveDone = resolve;
  });
  const finishRun = (): SimulationReport => {
    if (report === undefined) {
      report = buildReport(sim, { scenario, wallSeconds: (performance.now() - wallStart) / 1000 });
      resolveDone(report);
    }
    return report;
  };
  let version = 0;
  const pacer = new SimulationPacer(sim, {
    speed: options.speed ?? 10,
    paused: options.paused ?? false,
    ...(durationMs === undefined ? {} : { durationMs }),
    onSlice: () => {
      rates.sample(sim);
      version++;
    },
    onFinish: () => {
      finishRun();
      version++;
    },
  });

  const snapshot = (): DashboardSnapshot =>
    buildSnapshot(sim, {
      scenario,
      durationMs: durationMs ?? null,
      wallMs: performance.now() - wallStart,
      speed: pacer.speed,
      paused: pacer.paused,
      finished: pacer.finished,
      rates,
      recorder: options.recorder,
      maxNodes,
    });

  // Server-sent events: one shared serialised snapshot per update tick, only when something changed.
  const streams = new Set<ServerResponse>();
  let sentVersion = -1;
  let lastWrite = performance.now();
  const writeAll = (text: string): void => {
    // A client that has not drained the previous update skips this one (it gets the next).
    for (const res of streams) if (!res.writableNeedDrain) res.write(text);
    lastWrite = performance.now();
  };
  const updateTimer = setInterval(() => {
    if (streams.size === 0) return;
    if (version !== sentVersion) {
      sentVersion = version;
      writeAll(`event: snapshot\ndata: ${JSON.stringify(snapshot())}\n\n`);
    } else if (performance.now() - lastWrite >= heartbeatMs) {
      writeAll(': heartbeat\n\n');
    }
  }, updateMs);

  const applyControl = (request: ControlRequest): void => {
    if (request.action === 'pause') pacer.pause();
    else if (request.action === 'resume') pacer.resume();
    else if (request.action === 'speed') pacer.setSpeed(request.speed);
    else {
      if (pacer.finished) throw new HttpError(409, DashboardErrorCode.FINISHED, 'the run is finished');
      if (request.node >= sim.nodeCount) {
        throw new HttpError(404, DashboardErrorCode.NODE_UNKNOWN, `no node with index ${request.node}`, {
          node: request.node,
          nodes: sim.nodeCount,
        });
      }
      try {
        if (request.action === 'crash') sim.crash(request.node);
        else if (request.action === 'restart') sim.restart(request.node);
        else sim.shutdown(request.node);
      } catch (error) {
        if (BrightChainError.isInstance(error, SimErrorCode.NODE_STATE)) {
          throw new HttpError(409, DashboardErrorCode.NODE_STATE, error.message, { ...error.details });
        }
        throw error;
      }
    }
    version++;
  };

  let baseUrl = '';
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    const expected = ROUTES[path];
    if (expected === undefined) {
      const asset = assets.get(path === '/' ? '/index.html' : path);
      if (asset === undefined && path === '/') {
        throw new HttpError(
          503,
          DashboardErrorCode.ASSETS_MISSING,
          'the UI is not built: run the package build',
          {},
        );
      }
      if (asset === undefined)
        throw new HttpError(404, DashboardErrorCode.NOT_FOUND, `no route ${path}`, { path });
      if (method !== 'GET' && method !== 'HEAD') {
        throw new HttpError(
          405,
          DashboardErrorCode.METHOD_NOT_ALLOWED,
          `${method} is not allowed on ${path}`,
          {
            allow: 'GET, HEAD',
          },
        );
      }
      sendAsset(res, asset, method === 'HEAD');
      return;
    }
    if (method !== expected && !(expected === 'GET' && method === 'HEAD')) {
      throw new HttpError(405, DashboardErrorCode.METHOD_NOT_ALLOWED, `${method} is not allowed on ${path}`, {
        allow: expected,
      });
    }
    switch (path) {
      case '/api/snapshot':
        sendJson(res, 200, snapshot());
        return;
      case '/metrics': {
        const text = formatPrometheus(snapshotMetrics(snapshot()));
        res.writeHead(200, {
          'content-type': 'text/plain; version=0.0.4; charset=utf-8',
          'cache-control': 'no-store',
        });
        res.end(text);
        return;
      }
      case '/api/events': {
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        if (method === 'HEAD') {
          res.end();
          return;
        }
        res.write(`retry: 2000\nevent: snapshot\ndata: ${JSON.stringify(snapshot())}\n\n`);
        streams.add(res);
        const drop = (): void => {
          streams.delete(res);
        };
        req.on('close', drop);
        res.on('close', drop);
        return;
      }
      default: {
        const origin = req.headers.origin;
        if (origin !== undefined && `${origin}/` !== baseUrl) {
          throw new HttpError(
            403,
            DashboardErrorCode.ORIGIN_FORBIDDEN,
            'control requests must come from the dashboard',
            {
              origin,
            },
          );
        }
        const type = req.headers['content-type'] ?? '';
        if (!/^application\/json\b/i.test(type)) {
          throw new HttpError(415, DashboardErrorCode.BODY_INVALID, 'the body must be application/json', {
            contentType: type,
          });
        }
        const body = await readBody(req, maxBodyBytes);
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          throw new HttpError(400, DashboardErrorCode.BODY_INVALID, 'the body is not valid JSON');
        }
        let request: ControlRequest;
        try {
          request = parseControlRequest(parsed);
        } catch (error) {
          if (BrightChainError.isInstance(error)) {
            throw new HttpError(400, error.code as DashboardErrorCode, error.message, { ...error.details });
          }
          throw error;
        }
        applyControl(request);
        sendJson(res, 200, { ok: true, snapshot: snapshot() });
      }
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        const headers: Record<string, string> = {};
        const allow = error.details.allow;
        if (typeof allow === 'string') headers.allow = allow;
        if (error.status === 413) headers.connection = 'close';
        sendError(res, error, headers);
        if (error.status === 413) req.resume();
        return;
      }
      sendJson(res, 500, { error: { code: 'BC_DASHBOARD_INTERNAL', message: String(error) } });
    });
  });
  server.keepAliveTimeout = 2_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(updateTimer);
    throw error;
  }
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${urlHost}:${address.port}/`;
  pacer.start(sliceMs);

  let closing: Promise<SimulationReport> | undefined;
  return {
    url: baseUrl,
    port: address.port,
    done,
    snapshot,
    close: () => {
      if (closing === undefined) {
        pacer.stop();
        clearInterval(updateTimer);
        for (const res of streams) res.end();
        streams.clear();
        closing = new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }).then(() => finishRun());
      }
      return closing;
    },
  };
}

function sendAsset(res: ServerResponse, asset: StaticAsset, headOnly: boolean): void {
  res.writeHead(200, {
    'content-type': asset.contentType,
    'content-length': asset.body.length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(headOnly ? undefined : asset.body);
}
