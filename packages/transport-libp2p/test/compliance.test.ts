import { describeTransportCompliance } from '@brightchain/compliance-tests';
import { LoopbackCluster } from './support/loopback-nodes';

let seed = 1000;

// Every test gets fresh nodes on 127.0.0.1 with ephemeral ports, all dialled to each other.

describeTransportCompliance('Libp2pTransport (TCP on 127.0.0.1)', () => {
  seed += 100;
  const cluster = new LoopbackCluster(seed);
  return {
    createEndpoints: (count) => cluster.startMesh(count),
    teardown: () => cluster.stopAll(),
    deliveryTimeoutMs: 10_000,
    quietPeriodMs: 100,
  };
});
