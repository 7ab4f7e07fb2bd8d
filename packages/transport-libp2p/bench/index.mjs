// transport-libp2p benchmarks, each against core's in-process MemoryNetwork (the baseline) in the
// same run: message round-trip latency (64 bytes, ping-pong), small-message throughput (1 KiB) and
// bulk throughput (64 KiB), over TCP and WebSocket on 127.0.0.1. Run after `npx tsup` in this package:
// `node bench/index.mjs`.
import { MemoryNetwork, SeededRandom, generateMemberKeyPair, newGuidV4 } from '@brightchain/core';
import { figure, timeIt, writeReport } from '../../../scripts/bench-report.mjs';
import { createLibp2pTransport } from '../dist/index.js';

const random = new SeededRandom('transport-libp2p-bench');
const identity = () => ({
  nodeId: newGuidV4(random),
  memberSecretKey: generateMemberKeyPair(random).secretKey,
});

/** Two connected libp2p transports listening on `listen`. */
async function libp2pPair(listen) {
  const options = { listen: [listen], peerExchangeIntervalMs: 0, maxMessageBytes: 1024 * 1024 };
  const a = await createLibp2pTransport({ ...identity(), ...options });
  const b = await createLibp2pTransport({ ...identity(), ...options });
  await a.dial(b.multiaddrs[0]);
  return {
    a,
    b,
    close: async () => {
      await a.close();
      await b.close();
    },
  };
}

/** Two MemoryNetwork endpoints. */
function memoryPair() {
  const network = new MemoryNetwork({ maxMessageBytes: 1024 * 1024 });
  const a = network.endpoint(newGuidV4(random));
  const b = network.endpoint(newGuidV4(random));
  return { a, b, close: () => network.closeAll() };
}

/** B echoes every message back; returns a function doing one round trip from A. */
function pingPong({ a, b }, bytes) {
  b.onMessage((from, message) => {
    b.send(from, message).catch(() => {});
  });
  let waiting;
  a.onMessage(() => waiting?.());
  const payload = new Uint8Array(bytes).fill(1);
  return () =>
    new Promise((resolve, reject) => {
      waiting = resolve;
      a.send(b.localId, payload).catch(reject);
    });
}

/** Sends `count` messages of `bytes` from A to B (awaiting each send) and waits until B has them all. */
function burst({ a, b }, count, bytes) {
  let received = 0;
  let done;
  b.onMessage(() => {
    received += 1;
    if (received === count) done?.();
  });
  const payload = new Uint8Array(bytes).fill(2);
  return async () => {
    received = 0;
    const all = new Promise((resolve) => {
      done = resolve;
    });
    for (let i = 0; i < count; i++) await a.send(b.localId, payload);
    await all;
  };
}

const figures = [];

async function latency(label, listen, iterations) {
  const real = await libp2pPair(listen);
  const memory = memoryPair();
  try {
    const realTime = await timeIt(pingPong(real, 64), { iterations, warmup: 50 });
    const memoryTime = await timeIt(pingPong(memory, 64), { iterations, warmup: 50 });
    figures.push(
      figure({
        name: `round trip, 64 B, ${label}`,
        candidate: `Libp2pTransport (${label}, 127.0.0.1)`,
        unit: 'ms',
        value: realTime.medianMs,
        baseline: { name: 'MemoryNetwork', value: memoryTime.medianMs },
        notes: `median of ${iterations}; means ${realTime.meanMs.toFixed(3)} ms vs ${memoryTime.meanMs.toFixed(4)} ms`,
      }),
    );
  } finally {
    await real.close();
    await memory.close();
  }
}

async function throughput(label, listen, count, bytes) {
  const real = await libp2pPair(listen);
  const memory = memoryPair();
  try {
    const realTime = await timeIt(burst(real, count, bytes), { iterations: 5, warmup: 1 });
    const memoryTime = await timeIt(burst(memory, count, bytes), { iterations: 5, warmup: 1 });
    const perSecond = (t) => (count / t.medianMs) * 1000;
    const mibPerSecond = (t) => (count * bytes) / 2 ** 20 / (t.medianMs / 1000);
    const unit = bytes >= 16 * 1024 ? 'MiB/s' : 'messages/s';
    const measure = bytes >= 16 * 1024 ? mibPerSecond : perSecond;
    figures.push(
      figure({
        name: `throughput, ${count} × ${bytes} B, ${label}`,
        candidate: `Libp2pTransport (${label}, 127.0.0.1)`,
        unit,
        value: measure(realTime),
        baseline: { name: 'MemoryNetwork', value: measure(memoryTime) },
        notes: `sender awaits each send (backpressure); median of 5 bursts; ${perSecond(realTime).toFixed(0)} messages/s, ${mibPerSecond(realTime).toFixed(1)} MiB/s`,
      }),
    );
  } finally {
    await real.close();
    await memory.close();
  }
}

await latency('TCP', '/ip4/127.0.0.1/tcp/0', 500);
await latency('WebSocket', '/ip4/127.0.0.1/tcp/0/ws', 500);
await throughput('TCP', '/ip4/127.0.0.1/tcp/0', 5000, 1024);
await throughput('TCP', '/ip4/127.0.0.1/tcp/0', 400, 64 * 1024);
await throughput('WebSocket', '/ip4/127.0.0.1/tcp/0/ws', 400, 64 * 1024);

writeReport('transport-libp2p', figures);
