import { MemoryNetwork, SeededRandom, newGuidV4 } from '@brightchain/core';
import { describeTransportCompliance } from '@brightchain/compliance-tests';

describeTransportCompliance('MemoryNetwork', () => {
  const network = new MemoryNetwork();
  const random = new SeededRandom(7);
  return {
    createEndpoints: (count) => Array.from({ length: count }, () => network.endpoint(newGuidV4(random))),
    teardown: () => network.closeAll(),
  };
});

describeTransportCompliance('MemoryNetwork (64-byte messages, microtask delivery)', () => {
  const network = new MemoryNetwork({ maxMessageBytes: 64, schedule: queueMicrotask });
  const random = new SeededRandom(8);
  return {
    createEndpoints: (count) => Array.from({ length: count }, () => network.endpoint(newGuidV4(random))),
    teardown: () => network.closeAll(),
    quietPeriodMs: 10,
  };
});
