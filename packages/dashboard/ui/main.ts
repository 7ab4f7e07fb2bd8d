/**
 * The dashboard UI: Preact + htm (no JSX build), uPlot for the live chart. Bundled into
 * `dist/ui/app.js` at package build time; it talks only to the dashboard's own API.
 */
import htm from 'htm';
import { h, render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { DashboardNode, DashboardSnapshot } from '../src/dashboard-snapshot';

const html = htm.bind(h);

type NodeState = DashboardNode['state'];
const STATES: readonly NodeState[] = ['up', 'paused', 'crashed', 'stopped'];
const COLOURS: Readonly<Record<NodeState, string>> = {
  up: '#1b7a34',
  paused: '#a15c00',
  crashed: '#b3261e',
  stopped: '#5f6368',
};
const CELL = 14;
type SortKey = 'index' | 'state' | 'sent' | 'lastEvent';

function seconds(ms: number): string {
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.floor(s % 60)} s`;
}

async function sendControl(body: Record<string, unknown>): Promise<string | null> {
  const response = await fetch('/api/control', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.ok) return null;
  const reply = (await response.json()) as { error?: { code?: string; message?: string } };
  return `${reply.error?.message ?? response.statusText} (${reply.error?.code ?? response.status})`;
}

function Header(props: { snap: DashboardSnapshot; onError: (e: string | null) => void }) {
  const { snap, onError } = props;
  const [speed, setSpeed] = useState(String(snap.speed));
  const act = (body: Record<string, unknown>) => {
    sendControl(body).then(onError, (e: unknown) => onError(String(e)));
  };
  const progress = snap.durationMs === null ? '' : ` / ${seconds(snap.durationMs)}`;
  return html`<header>
    <h1>BrightChain · ${snap.scenario} · ${snap.nodeCount} nodes · seed ${snap.seed}</h1>
    <div class="times" aria-live="off">
      <span>Simulated <strong>${seconds(snap.simulatedMs)}${progress}</strong></span>
      <span>Wall <strong>${seconds(snap.wallMs)}</strong></span>
      <span>${snap.finished ? 'Finished' : snap.paused ? 'Paused' : `Running at ${snap.speed}×`}</span>
    </div>
    <button type="button" disabled=${snap.finished} onClick=${() => act({ action: snap.paused ? 'resume' : 'pause' })}>
      ${snap.paused ? 'Resume' : 'Pause'}
    </button>
    <form onSubmit=${(e: Event) => {
      e.preventDefault();
      act({ action: 'speed', speed: Number(speed) });
    }}>
      <label>Speed (simulated s per s)
        <input type="number" min="0.1" step="any" value=${speed}
          onInput=${(e: Event) => setSpeed((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit">Set</button>
    </form>
  </header>`;
}

function NodeGrid(props: {
  nodes: readonly DashboardNode[];
  total: number;
  selected: number | null;
  onOpen: (index: number) => void;
}) {
  const { nodes, total, selected, onOpen } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [filter, setFilter] = useState<'all' | NodeState>('all');
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortKey>('index');
  const [cursor, setCursor] = useState(0);
  const [width, setWidth] = useState(800);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    const list = nodes.filter(
      (n) =>
        (filter === 'all' || n.state === filter) &&
        (q === '' || String(n.index) === q || n.id.includes(q) || n.region.toLowerCase().includes(q)),
    );
    const order: Record<SortKey, (a: DashboardNode, b: DashboardNode) => number> = {
      index: (a, b) => a.index - b.index,
      state: (a, b) => STATES.indexOf(a.state) - STATES.indexOf(b.state) || a.index - b.index,
      sent: (a, b) => b.sent - a.sent || a.index - b.index,
      lastEvent: (a, b) => (b.lastEventMs ?? -1) - (a.lastEventMs ?? -1) || a.index - b.index,
    };
    return list.sort(order[sort]);
  }, [nodes, filter, query, sort]);

  const columns = Math.max(1, Math.floor(width / CELL));
  useEffect(() => {
    const el = canvas.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    const el = canvas.current;
    if (el === null) return;
    const rows = Math.max(1, Math.ceil(shown.length / columns));
    const ratio = window.devicePixelRatio || 1;
    el.width = columns * CELL * ratio;
    el.height = rows * CELL * ratio;
    el.style.height = `${rows * CELL}px`;
    const ctx = el.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, columns * CELL, rows * CELL);
    shown.forEach((n, i) => {
      ctx.fillStyle = COLOURS[n.state];
      ctx.fillRect((i % columns) * CELL + 1, Math.floor(i / columns) * CELL + 1, CELL - 2, CELL - 2);
      if (n.index === selected || i === cursor) {
        ctx.strokeStyle = n.index === selected ? '#000' : '#0b57d0';
        ctx.lineWidth = 2;
        ctx.strokeRect((i % columns) * CELL + 1, Math.floor(i / columns) * CELL + 1, CELL - 2, CELL - 2);
      }
    });
  }, [shown, columns, selected, cursor]);

  const current = shown[Math.min(cursor, shown.length - 1)];
  const onKey = (e: KeyboardEvent) => {
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: columns,
      ArrowUp: -columns,
      Home: -cursor,
      End: shown.length - 1 - cursor,
    };
    const move = moves[e.key];
    if (move !== undefined) {
      e.preventDefault();
      setCursor(Math.max(0, Math.min(shown.length - 1, cursor + move)));
    } else if ((e.key === 'Enter' || e.key === ' ') && current !== undefined) {
      e.preventDefault();
      onOpen(current.index);
    }
  };
  const onClick = (e: MouseEvent) => {
    const el = canvas.current;
    if (el === null) return;
    const box = el.getBoundingClientRect();
    const i = Math.floor((e.clientY - box.top) / CELL) * columns + Math.floor((e.clientX - box.left) / CELL);
    const node = shown[i];
    if (node !== undefined) {
      setCursor(i);
      onOpen(node.index);
    }
  };
  return html`<section aria-labelledby="grid-title">
    <h2 id="grid-title">Nodes (${shown.length} of ${total} shown)</h2>
    <div class="controls">
      <label>State
        <select value=${filter} onChange=${(e: Event) => setFilter((e.target as HTMLSelectElement).value as 'all' | NodeState)}>
          <option value="all">all</option>
          ${STATES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
      </label>
      <label>Search <input type="search" placeholder="index, id or region" value=${query}
        onInput=${(e: Event) => setQuery((e.target as HTMLInputElement).value)} /></label>
      <label>Sort
        <select value=${sort} onChange=${(e: Event) => setSort((e.target as HTMLSelectElement).value as SortKey)}>
          <option value="index">index</option>
          <option value="state">state</option>
          <option value="sent">messages sent</option>
          <option value="lastEvent">latest event</option>
        </select>
      </label>
    </div>
    <div class="legend" aria-hidden="true">
      ${STATES.map((s) => html`<span><span class="swatch" style=${`background:${COLOURS[s]}`}></span>${s}</span>`)}
    </div>
    <canvas ref=${canvas} class="grid" tabIndex="0" role="img"
      aria-label="Node grid. Arrow keys move, Enter opens the node's details."
      aria-describedby="grid-cursor" onKeyDown=${onKey} onClick=${onClick}></canvas>
    <p id="grid-cursor" class="sr-only" aria-live="polite">
      ${current === undefined ? 'No nodes match.' : `Node ${current.index}, ${current.state}, region ${current.region}`}
    </p>
  </section>`;
}

function NodeDetail(props: {
  node: DashboardNode | undefined;
  finished: boolean;
  onError: (e: string | null) => void;
}) {
  const { node, finished, onError } = props;
  if (node === undefined) {
    return html`<section aria-labelledby="detail-title" class="detail">
      <h2 id="detail-title">Node detail</h2><p>Select a node in the grid (Enter or click).</p>
    </section>`;
  }
  const act = (action: string) => {
    sendControl({ action, node: node.index }).then(onError, (e: unknown) => onError(String(e)));
  };
  const live = node.state === 'up' || node.state === 'paused';
  return html`<section aria-labelledby="detail-title" class="detail">
    <h2 id="detail-title">Node ${node.index}</h2>
    <dl>
      <dt>Id</dt><dd>${node.id}</dd>
      <dt>State</dt><dd style=${`color:${COLOURS[node.state]};font-weight:600`}>${node.state}</dd>
      <dt>Region</dt><dd>${node.region}</dd>
      <dt>Incarnation</dt><dd>${node.incarnation}</dd>
      <dt>Messages sent</dt><dd>${node.sent.toLocaleString()}</dd>
      <dt>Bytes sent</dt><dd>${node.bytesSent.toLocaleString()}</dd>
      <dt>Latest event</dt><dd>${node.lastEventMs === null ? '—' : seconds(node.lastEventMs)}</dd>
    </dl>
    <div class="actions">
      <button type="button" disabled=${finished || !live} onClick=${() => act('crash')}>Crash</button>
      <button type="button" disabled=${finished || node.state !== 'up'} onClick=${() => act('shutdown')}>Shut down</button>
      <button type="button" disabled=${finished || live} onClick=${() => act('restart')}>Restart</button>
    </div>
  </section>`;
}

function RateChart(props: { snap: DashboardSnapshot }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    plot.current = new uPlot(
      {
        width: Math.max(300, el.clientWidth),
        height: 220,
        scales: { x: { time: false } },
        axes: [
          { label: 'simulated s' },
          { label: 'messages/s', scale: 'msgs' },
          { label: 'bytes/node/s', scale: 'bytes', side: 1, grid: { show: false } },
        ],
        series: [
          { label: 'simulated s' },
          { label: 'messages/s', stroke: '#0b57d0', width: 2, scale: 'msgs' },
          { label: 'bytes/node/s', stroke: '#a15c00', width: 2, scale: 'bytes' },
        ],
      },
      [[], [], []],
      el,
    );
    return () => plot.current?.destroy();
  }, []);
  useEffect(() => {
    const rates = props.snap.rates;
    plot.current?.setData([
      rates.map((r) => r.t),
      rates.map((r) => r.messagesPerSecond),
      rates.map((r) => r.bytesPerNodePerSecond),
    ]);
  }, [props.snap]);
  const m = props.snap.messages;
  return html`<section aria-labelledby="chart-title">
    <h2 id="chart-title">Traffic</h2>
    <p class="stats">
      <span>Sent ${m.sent.toLocaleString()}</span><span>Delivered ${m.delivered.toLocaleString()}</span>
      <span>Dropped ${m.dropped.toLocaleString()}</span><span>Events ${props.snap.events.toLocaleString()}</span>
    </p>
    <div ref=${box} role="img" aria-label="Chart of messages per second and bytes per node per second over simulated time"></div>
  </section>`;
}

function EventLog(props: { snap: DashboardSnapshot }) {
  const entries = props.snap.log.slice(-100).reverse();
  const applied = Object.entries(props.snap.faults.applied);
  return html`<section aria-labelledby="log-title">
    <h2 id="log-title">Faults and events</h2>
    <p class="stats">${applied.length === 0 ? 'No faults applied yet.' : applied.map(([t, n]) => html`<span>${t}: ${n}</span>`)}</p>
    <ol class="log" reversed>
      ${entries.map(
        (e) =>
          html`<li key=${e.seq}>${seconds(e.timeMs)} — ${e.kind === 'fault' ? `fault ${e.what}` : `node ${e.node} ${e.what}`}</li>`,
      )}
    </ol>
  </section>`;
}

function Invariants(props: { snap: DashboardSnapshot }) {
  const { checked, violated } = props.snap.invariants;
  const byName = new Map(violated.map((v) => [v.invariant, v]));
  return html`<section aria-labelledby="inv-title">
    <h2 id="inv-title">Invariants</h2>
    <ul class="log">
      ${checked.map((name) => {
        const v = byName.get(name);
        return v === undefined
          ? html`<li key=${name}><span class="ok">holds</span> ${name}</li>`
          : html`<li key=${name}><span class="bad">violated</span> ${name} at ${seconds(v.timeMs)}: ${v.message}</li>`;
      })}
    </ul>
  </section>`;
}

function App() {
  const [snap, setSnap] = useState<DashboardSnapshot | null>(null);
  const [connected, setConnected] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const source = new EventSource('/api/events');
    source.addEventListener('snapshot', (e) => {
      setSnap(JSON.parse((e as MessageEvent<string>).data) as DashboardSnapshot);
      setConnected(true);
    });
    source.onerror = () => setConnected(false);
    return () => source.close();
  }, []);
  if (snap === null) return html`<p class="loading">Connecting to the simulation…</p>`;
  const node = selected === null ? undefined : snap.nodes[selected];
  return html`
    <${Header} snap=${snap} onError=${setError} />
    <p class="status" role="status">${connected ? (error ?? '') : 'Disconnected from the simulation (it may have finished).'}</p>
    <main>
      <div>
        <${NodeGrid} nodes=${snap.nodes} total=${snap.nodeCount} selected=${selected} onOpen=${setSelected} />
        <${RateChart} snap=${snap} />
      </div>
      <div>
        <${NodeDetail} node=${node} finished=${snap.finished} onError=${setError} />
        <${Invariants} snap=${snap} />
        <${EventLog} snap=${snap} />
      </div>
    </main>`;
}

const root = document.getElementById('app');
if (root !== null) {
  root.replaceChildren();
  render(html`<${App} />`, root);
}
