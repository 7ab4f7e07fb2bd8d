/**
 * Generates the "simulated histories → score" table of docs/node-lifecycle.md and checks that the
 * document is up to date. Regenerate with:
 *   UPDATE_RELIABILITY_TABLE=1 npx jest packages/node-state/test/reliability-table.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '@brightchain/core';
import {
  DEFAULT_RELIABILITY_POLICY,
  type ReliabilityState,
  initialReliability,
  recordEmergencyShutdown,
  recordLatency,
  recordOutcome,
  recordUptime,
  summarizeReliability,
} from '@brightchain/node-state';

const DAY = 86_400_000;
const DOC = join(__dirname, '..', '..', '..', 'docs', 'node-lifecycle.md');
const TABLES = {
  histories: ['<!-- reliability-table:start -->', '<!-- reliability-table:end -->'],
  rates: ['<!-- failure-rate-table:start -->', '<!-- failure-rate-table:end -->'],
} as const;

/** `n` outcomes where outcome i fails iff `fails(i)`. */
function outcomes(state: ReliabilityState, n: number, fails: (i: number) => boolean): ReliabilityState {
  let s = state;
  for (let i = 0; i < n; i++)
    s = recordOutcome(s, { kind: i % 2 === 0 ? 'audit' : 'replication', success: !fails(i) });
  return s;
}
const never = () => false;
const always = () => true;
/** 30 days up, in one-hour reports. */
function upFor(state: ReliabilityState, days: number): ReliabilityState {
  let s = state;
  for (let h = 0; h < days * 24; h++) s = recordUptime(s, { up: true, durationMs: DAY / 24 });
  return s;
}
function latency(state: ReliabilityState, ms: number, samples = 50): ReliabilityState {
  let s = state;
  for (let i = 0; i < samples; i++) s = recordLatency(s, ms);
  return s;
}

const healthy = () => latency(upFor(outcomes(initialReliability(), 10_000, never), 30), 40);

const HISTORIES: Array<[string, () => ReliabilityState]> = [
  ['new node, nothing observed', () => initialReliability()],
  ['99 successes (one short of vetting)', () => outcomes(initialReliability(), 99, never)],
  ['10 000 successes, always up, 40 ms', healthy],
  [
    '10 000 outcomes, 1 % failed (every 100th)',
    () =>
      latency(
        outcomes(initialReliability(), 10_000, (i) => i % 100 === 99),
        40,
      ),
  ],
  [
    '10 000 outcomes, 2 % failed (every 50th)',
    () =>
      latency(
        outcomes(initialReliability(), 10_000, (i) => i % 50 === 49),
        40,
      ),
  ],
  [
    '10 000 outcomes, 3 % failed (every 33rd)',
    () =>
      latency(
        outcomes(initialReliability(), 10_000, (i) => i % 33 === 32),
        40,
      ),
  ],
  ['healthy, then 25 failures in a row', () => outcomes(healthy(), 25, always)],
  ['healthy, then 26 failures in a row', () => outcomes(healthy(), 26, always)],
  ['healthy, then 36 failures in a row', () => outcomes(healthy(), 36, always)],
  ['healthy, then 40 failures in a row', () => outcomes(healthy(), 40, always)],
  [
    '… then 10 000 successes (disqualification is permanent)',
    () => outcomes(outcomes(healthy(), 40, always), 10_000, never),
  ],
  ['healthy, then 2 days down', () => recordUptime(healthy(), { up: false, durationMs: 2 * DAY })],
  ['healthy, then 4 days down', () => recordUptime(healthy(), { up: false, durationMs: 4 * DAY })],
  [
    'healthy, 3 emergency shutdowns (1 h down each)',
    () => {
      let s = healthy();
      for (let i = 0; i < 3; i++)
        s = recordUptime(recordEmergencyShutdown(s), { up: false, durationMs: DAY / 24 });
      return s;
    },
  ],
  ['healthy, latency 800 ms', () => latency(healthy(), 800)],
  ['healthy, latency 2 500 ms', () => latency(healthy(), 2500)],
];

function renderTable(): string {
  const f = (x: number) => x.toFixed(4);
  const rows = HISTORIES.map(([name, build]) => {
    const s = summarizeReliability(build());
    return `| ${name} | ${f(s.audit)} | ${f(s.uptime)} | ${f(s.latency)} | **${f(s.score)}** | ${s.standing} |`;
  });
  return [
    '| history | audit | uptime | latency | score | standing |',
    '|---|---:|---:|---:|---:|---|',
    ...rows,
  ].join('\n');
}

/**
 * For each failure rate: 5 runs (seeds 1–5) of 100 000 outcomes with exactly that share of
 * failures at uniformly random positions; the lowest audit reputation once vetted, and how many
 * runs ended disqualified.
 */
function renderRates(): string {
  const rows = [0.01, 0.02, 0.025, 0.03].map((rate) => {
    let lowest = 1;
    let disqualified = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const random = new SeededRandom(`failure-rate-${rate}-${seed}`);
      const n = 100_000;
      const events = Array.from({ length: n }, (_, i) => i >= Math.round(rate * n));
      for (let i = n - 1; i > 0; i--) {
        const j = random.int(i + 1);
        [events[i], events[j]] = [events[j] as boolean, events[i] as boolean];
      }
      let s = initialReliability();
      for (const success of events) {
        s = recordOutcome(s, { kind: 'audit', success });
        if (s.observations >= DEFAULT_RELIABILITY_POLICY.vettingObservations)
          lowest = Math.min(lowest, s.alpha / (s.alpha + s.beta));
      }
      if (s.disqualified) disqualified++;
    }
    return `| ${(rate * 100).toFixed(1)} % | ${lowest.toFixed(4)} | ${disqualified} / 5 |`;
  });
  return ['| failure rate | lowest audit reputation | runs disqualified |', '|---:|---:|---:|', ...rows].join(
    '\n',
  );
}

it('docs/node-lifecycle.md shows the current generated tables', () => {
  let doc = readFileSync(DOC, 'utf8');
  const original = doc;
  for (const [key, render] of [
    ['histories', renderTable],
    ['rates', renderRates],
  ] as const) {
    const [open, close] = TABLES[key];
    const start = doc.indexOf(open);
    const end = doc.indexOf(close);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const table = render();
    const current = doc.slice(start + open.length, end).trim();
    if (process.env.UPDATE_RELIABILITY_TABLE === '1')
      doc = `${doc.slice(0, start + open.length)}\n${table}\n${doc.slice(end)}`;
    else expect(current).toBe(table);
  }
  if (doc !== original) writeFileSync(DOC, doc);
});
