// Benchmarks of @brightchain/sim (run by `npm run bench`, against ../dist).
//
// 1. The scale target: 1,000 nodes × 1 simulated hour of gossip (each node pushes to 3 random peers
//    every 200 ms: ~54 million messages, ~72 million events). Reports wall time (baseline: the
//    simulated hour itself, so the ratio is the speed-up over real time), events/s, delivered
//    messages/s, and peak RSS (against the 2 GiB budget).
// 2. The event queue: the same 1,000-node scenario for 60 simulated seconds on the binary heap and on
//    the naive sorted-array queue, in the same process; both must give the same trace hash.
//
// The machine is shared: wall time includes waiting for the CPU when other processes run. CPU time
// (user + system of this process) is reported beside it, with the load average, so a figure taken
// on a busy machine can still be read.
import { loadavg } from 'node:os';
import { figure, writeReport } from '../../../scripts/bench-report.mjs';
import { runScenario } from '../dist/index.js';

const GiB = 2 ** 30;
const nodes = Number(process.env.SIM_BENCH_NODES ?? 1000);
const hourSeconds = Number(process.env.SIM_BENCH_SECONDS ?? 3600);
const shortSeconds = 60;

function gc() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

function timed(label, fn) {
  gc();
  const cpu0 = process.cpuUsage();
  const report = fn();
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(
    `${label}: ${report.wallSeconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU, ${report.events} events, ` +
      `${report.messages.delivered} delivered, trace ${report.traceHash}`,
  );
  return { report, cpuSeconds };
}

const loadBefore = loadavg()[0];
const rssBefore = process.memoryUsage().rss;
const { report: hour, cpuSeconds: hourCpu } = timed(`steady ${nodes} nodes × ${hourSeconds} s`, () =>
  runScenario('steady', { seed: 1, nodes, durationSeconds: hourSeconds }),
);
const peakRss = process.resourceUsage().maxRSS * 1024;
const loadAfter = loadavg()[0];
const load = `1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (2 cores)`;

const { report: heap, cpuSeconds: heapCpu } = timed(`heap queue, ${nodes} nodes × ${shortSeconds} s`, () =>
  runScenario('steady', { seed: 2, nodes, durationSeconds: shortSeconds }),
);
const { report: naive, cpuSeconds: naiveCpu } = timed(
  `sorted-array queue, ${nodes} nodes × ${shortSeconds} s`,
  () => runScenario('steady', { seed: 2, nodes, durationSeconds: shortSeconds, eventQueue: 'sorted-array' }),
);
if (heap.traceHash !== naive.traceHash) throw new Error('heap and sorted-array runs differ: determinism bug');

const figures = [
  figure({
    name: `wall time: ${nodes} nodes × ${hourSeconds} simulated s (steady gossip)`,
    unit: 's',
    value: hour.wallSeconds,
    baseline: { name: 'real time (the simulated duration)', value: hourSeconds },
    target: '≤ 60 s (≥ 60× real time)',
    notes: `${hour.events} events, ${hour.messages.sent} messages sent; trace ${hour.traceHash}; ${load}`,
  }),
  figure({
    name: `CPU time (user + system): ${nodes} nodes × ${hourSeconds} simulated s`,
    unit: 's',
    value: hourCpu,
    baseline: { name: 'real time (the simulated duration)', value: hourSeconds },
    target: '≤ 60 s',
    notes: 'the wall time of the same run on an otherwise idle machine',
  }),
  figure({
    name: `events per CPU second (${hourSeconds}-s run)`,
    unit: 'events/s',
    value: hour.events / hourCpu,
    baseline: { name: 'naive sorted-array queue, 60 s run, per CPU second', value: naive.events / naiveCpu },
  }),
  figure({
    name: `events per wall second (${hourSeconds}-s run)`,
    unit: 'events/s',
    value: hour.events / hour.wallSeconds,
    baseline: { name: 'naive sorted-array queue, 60 s run', value: naive.events / naive.wallSeconds },
  }),
  figure({
    name: `delivered messages per wall second (${hourSeconds}-s run)`,
    unit: 'messages/s',
    value: hour.messages.delivered / hour.wallSeconds,
    baseline: { name: 'target', value: 1e6 },
    target: '≥ 1,000,000/s',
  }),
  figure({
    name: `peak RSS (${hourSeconds}-s run)`,
    unit: 'bytes',
    value: peakRss,
    baseline: { name: 'budget (2 GiB)', value: 2 * GiB },
    notes: `RSS before the run: ${(rssBefore / 2 ** 20).toFixed(0)} MiB`,
  }),
  figure({
    name: `event queue: ${nodes} nodes × ${shortSeconds} s, wall time`,
    candidate: 'binary heap over typed arrays',
    unit: 's',
    value: heap.wallSeconds,
    baseline: { name: 'naive sorted array (binary search + splice)', value: naive.wallSeconds },
    notes: `identical trace ${heap.traceHash}`,
  }),
  figure({
    name: `event queue: ${nodes} nodes × ${shortSeconds} s, CPU time`,
    candidate: 'binary heap over typed arrays',
    unit: 's',
    value: heapCpu,
    baseline: { name: 'naive sorted array (binary search + splice)', value: naiveCpu },
  }),
];
writeReport('sim', figures);
