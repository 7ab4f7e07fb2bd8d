import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DashboardErrorCode,
  type DashboardServer,
  type DashboardSnapshot,
  createScenarioSimulation,
  startDashboard,
} from '@brightchain/dashboard';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function call(
  url: string,
  path: string,
  options: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, url),
      { method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

function control(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return call(url, '/api/control', {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

async function snapshot(url: string): Promise<DashboardSnapshot> {
  return JSON.parse((await call(url, '/api/snapshot')).text) as DashboardSnapshot;
}

let assetsDir: string;
beforeAll(() => {
  assetsDir = mkdtempSync(join(tmpdir(), 'bc-dashboard-'));
  writeFileSync(join(assetsDir, 'index.html'), '<!doctype html><title>BrightChain</title>');
  writeFileSync(join(assetsDir, 'app.js'), 'console.log(1)');
  writeFileSync(join(assetsDir, 'secret.txt'), 'not served');
});
afterAll(() => rmSync(assetsDir, { recursive: true, force: true }));

async function start(extra: { paused?: boolean; durationSeconds?: number; speed?: number } = {}) {
  const run = createScenarioSimulation('crash', { seed: 11, nodes: 30, durationSeconds: 120 });
  return startDashboard({ ...run, assetsDir, paused: true, ...extra });
}

describe('dashboard server', () => {
  let dashboard: DashboardServer;
  afterEach(async () => {
    await dashboard?.close();
  });

  it('binds to 127.0.0.1 on a free port and serves the snapshot', async () => {
    dashboard = await start();
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(dashboard.port).toBeGreaterThan(0);
    const reply = await call(dashboard.url, '/api/snapshot');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/application\/json/);
    const snap = JSON.parse(reply.text) as DashboardSnapshot;
    expect(snap).toMatchObject({
      scenario: 'crash',
      protocol: 'gossip',
      seed: '11',
      simulatedMs: 0,
      durationMs: 120_000,
      paused: true,
      finished: false,
      speed: 10,
      nodeStates: { up: 30, paused: 0, crashed: 0, stopped: 0 },
    });
    expect(snap.nodes).toHaveLength(30);
    expect(snap.nodeCount).toBe(30);
    expect(snap.nodes[0]).toEqual({
      index: 0,
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      state: 'up',
      region: expect.any(String),
      sent: expect.any(Number),
      bytesSent: expect.any(Number),
      incarnation: 1,
      lastEventMs: expect.anything(),
    });
    expect(snap.invariants.checked).toEqual(expect.arrayContaining(['gossip/monotonic']));
    expect(snap.sections).toHaveProperty('gossip');
    expect(typeof snap.traceHash).toBe('string');
  });

  it('serves the UI files it found, and nothing else', async () => {
    dashboard = await start();
    const index = await call(dashboard.url, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.text).toContain('BrightChain');
    expect((await call(dashboard.url, '/app.js')).headers['content-type']).toMatch(/javascript/);
    for (const path of ['/secret.txt', '/../package.json', '/%2e%2e/package.json', '/api', '/api/nope']) {
      const reply = await call(dashboard.url, path);
      expect(reply.status).toBe(404);
      expect(JSON.parse(reply.text).error.code).toBe(DashboardErrorCode.NOT_FOUND);
    }
  });

  it('lists at most maxNodes nodes but counts every node by state', async () => {
    const run = createScenarioSimulation('steady', { seed: 1, nodes: 12, durationSeconds: 10 });
    run.simulation.crash(11);
    dashboard = await startDashboard({ ...run, assetsDir, paused: true, maxNodes: 5 });
    const snap = await snapshot(dashboard.url);
    expect(snap.nodes.map((n) => n.index)).toEqual([0, 1, 2, 3, 4]);
    expect(snap.nodeCount).toBe(12);
    expect(snap.nodeStates).toMatchObject({ up: 11, crashed: 1 });
  });

  it('answers 503 with a code for / when the UI is not built', async () => {
    const run = createScenarioSimulation('steady', { seed: 1, nodes: 5, durationSeconds: 10 });
    dashboard = await startDashboard({ ...run, assetsDir: join(assetsDir, 'missing'), paused: true });
    const reply = await call(dashboard.url, '/');
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.text).error.code).toBe(DashboardErrorCode.ASSETS_MISSING);
  });

  it('answers wrong methods with 405 and Allow', async () => {
    dashboard = await start();
    for (const [method, path, allow] of [
      ['POST', '/api/snapshot', 'GET'],
      ['DELETE', '/metrics', 'GET'],
      ['GET', '/api/control', 'POST'],
      ['PUT', '/api/events', 'GET'],
      ['POST', '/app.js', 'GET, HEAD'],
    ] as const) {
      const reply = await call(dashboard.url, path, { method });
      expect(reply.status).toBe(405);
      expect(reply.headers.allow).toBe(allow);
      expect(JSON.parse(reply.text).error.code).toBe(DashboardErrorCode.METHOD_NOT_ALLOWED);
    }
  });

  it('pauses, resumes, sets the speed, crashes, shuts down and restarts nodes', async () => {
    dashboard = await start();
    expect((await control(dashboard.url, { action: 'speed', speed: 250 })).status).toBe(200);
    expect((await snapshot(dashboard.url)).speed).toBe(250);

    const crash = await control(dashboard.url, { action: 'crash', node: 3 });
    expect(crash.status).toBe(200);
    expect(JSON.parse(crash.text).snapshot.nodes[3].state).toBe('crashed');
    await control(dashboard.url, { action: 'shutdown', node: 4 });
    let snap = await snapshot(dashboard.url);
    expect(snap.nodes[4]?.state).toBe('stopped');
    expect(snap.nodeStates).toMatchObject({ up: 28, crashed: 1, stopped: 1 });
    expect(snap.log.map((e) => [e.kind, e.node, e.what])).toEqual([
      ['lifecycle', 3, 'crash'],
      ['lifecycle', 4, 'shutdown'],
    ]);
    await control(dashboard.url, { action: 'restart', node: 3 });
    snap = await snapshot(dashboard.url);
    expect(snap.nodes[3]).toMatchObject({ state: 'up', incarnation: 2 });

    expect((await control(dashboard.url, { action: 'resume' })).status).toBe(200);
    const deadline = Date.now() + 10_000;
    while ((await snapshot(dashboard.url)).simulatedMs === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await snapshot(dashboard.url)).simulatedMs).toBeGreaterThan(0);
    expect((await control(dashboard.url, { action: 'pause' })).status).toBe(200);
    const paused = await snapshot(dashboard.url);
    expect(paused.paused).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect((await snapshot(dashboard.url)).simulatedMs).toBe(paused.simulatedMs);
  });

  it.each([
    ['not JSON', '{"action":', 400, DashboardErrorCode.BODY_INVALID],
    ['an array', [], 400, DashboardErrorCode.CONTROL_INVALID],
    ['an unknown action', { action: 'explode' }, 400, DashboardErrorCode.CONTROL_INVALID],
    ['a missing node', { action: 'crash' }, 400, DashboardErrorCode.CONTROL_INVALID],
    ['a fractional node', { action: 'crash', node: 1.5 }, 400, DashboardErrorCode.CONTROL_INVALID],
    ['a string node', { action: 'crash', node: '1' }, 400, DashboardErrorCode.CONTROL_INVALID],
    ['an unknown field', { action: 'pause', force: true }, 400, DashboardErrorCode.CONTROL_INVALID],
    ['a zero speed', { action: 'speed', speed: 0 }, 400, DashboardErrorCode.CONTROL_INVALID],
    ['a huge speed', { action: 'speed', speed: 1e9 }, 400, DashboardErrorCode.CONTROL_INVALID],
    ['a node out of range', { action: 'crash', node: 30 }, 404, DashboardErrorCode.NODE_UNKNOWN],
    ['restarting a running node', { action: 'restart', node: 0 }, 409, DashboardErrorCode.NODE_STATE],
  ])('rejects %s (HTTP %d) with a code, changing nothing', async (_name, body, status, code) => {
    dashboard = await start();
    const before = await snapshot(dashboard.url);
    const reply = await control(dashboard.url, body);
    expect(reply.status).toBe(status);
    const error = JSON.parse(reply.text).error;
    expect(error.code).toBe(code);
    expect(typeof error.message).toBe('string');
    const after = await snapshot(dashboard.url);
    expect({ ...after, wallMs: 0 }).toEqual({ ...before, wallMs: 0 });
  });

  it('rejects a wrong content type, a foreign origin and a body over the limit', async () => {
    dashboard = await start();
    const before = await snapshot(dashboard.url);
    const text = await call(dashboard.url, '/api/control', {
      method: 'POST',
      body: '{"action":"crash","node":1}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(JSON.parse(text.text).error.code).toBe(DashboardErrorCode.BODY_INVALID);
    const foreign = await control(
      dashboard.url,
      { action: 'crash', node: 1 },
      { origin: 'http://evil.example' },
    );
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.text).error.code).toBe(DashboardErrorCode.ORIGIN_FORBIDDEN);
    const big = await control(dashboard.url, JSON.stringify({ action: 'pause', pad: 'x'.repeat(20_000) }));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text).error.code).toBe(DashboardErrorCode.BODY_TOO_LARGE);
    const same = await control(
      dashboard.url,
      { action: 'crash', node: 1 },
      { origin: dashboard.url.slice(0, -1) },
    );
    expect(same.status).toBe(200);
    const after = await snapshot(dashboard.url);
    expect(after.nodeStates.crashed).toBe(before.nodeStates.crashed + 1);
  });

  it('serves Prometheus text metrics', async () => {
    dashboard = await start();
    await control(dashboard.url, { action: 'crash', node: 2 });
    const reply = await call(dashboard.url, '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = reply.text.trimEnd().split('\n');
    for (const line of lines) {
      expect(line).toMatch(/^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+="[^"]*"\})? -?[0-9.e+]+)$/);
    }
    expect(lines).toContain('# TYPE brightchain_sim_nodes gauge');
    expect(lines).toContain('brightchain_sim_nodes{state="crashed"} 1');
    expect(lines).toContain('brightchain_sim_nodes{state="up"} 29');
    expect(lines).toContain('# TYPE brightchain_sim_events_total counter');
    expect(lines).toContain('brightchain_sim_simulated_seconds 0');
  });

  it('streams at least two snapshots over SSE and lets the client disconnect cleanly', async () => {
    dashboard = await start({ paused: false, speed: 20 });
    const events = await new Promise<DashboardSnapshot[]>((resolve, reject) => {
      const got: DashboardSnapshot[] = [];
      const req = request(new URL('/api/events', dashboard.url), (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end !== -1) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = message
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
            if (data.length > 0) got.push(JSON.parse(data) as DashboardSnapshot);
            if (got.length >= 3) {
              req.destroy();
              resolve(got);
              return;
            }
            end = buffer.indexOf('\n\n');
          }
        });
      });
      req.on('error', (error) => {
        if (got.length < 3) reject(error);
      });
      req.end();
    });
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events[2]!.simulatedMs).toBeGreaterThan(events[0]!.simulatedMs);
    // The server keeps working after the client went away.
    expect((await call(dashboard.url, '/api/snapshot')).status).toBe(200);
  });

  it('ends open event streams on close', async () => {
    dashboard = await start();
    const ended = new Promise<void>((resolve) => {
      const req = request(new URL('/api/events', dashboard.url), (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.end();
    });
    await new Promise((r) => setTimeout(r, 100));
    await dashboard.close();
    await ended;
  });

  it('finishes at the duration and resolves done with the report', async () => {
    const run = createScenarioSimulation('steady', { seed: 3, nodes: 10, durationSeconds: 5 });
    dashboard = await startDashboard({ ...run, assetsDir, speed: 100 });
    const report = await dashboard.done;
    expect(report.simulatedSeconds).toBe(5);
    expect(report.scenario).toBe('steady');
    const snap = await snapshot(dashboard.url);
    expect(snap.finished).toBe(true);
    const reply = await control(dashboard.url, { action: 'crash', node: 0 });
    expect(reply.status).toBe(409);
    expect(JSON.parse(reply.text).error.code).toBe(DashboardErrorCode.FINISHED);
    expect(await dashboard.close()).toBe(report);
  });

  it.each([
    [{ host: '0.0.0.0' }],
    [{ host: '192.168.1.2' }],
    [{ port: -1 }],
    [{ port: 70_000 }],
    [{ speed: 0 }],
    [{ speed: Number.NaN }],
    [{ durationSeconds: -1 }],
    [{ maxNodes: 0 }],
  ])('rejects options %j', async (bad) => {
    const run = createScenarioSimulation('steady', { seed: 1, nodes: 3, durationSeconds: 10 });
    await expect(startDashboard({ ...run, ...bad })).rejects.toMatchObject({
      code: DashboardErrorCode.OPTIONS_INVALID,
    });
  });
});
