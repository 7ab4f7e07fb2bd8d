/** The README's example, run as written (console output captured). */
import { BlockIndex } from '@brightchain/block-index';
import { ManualClock, SeededRandom, checksum, newGuidV4, utf8Bytes } from '@brightchain/core';
import { NodeState, defaultNodeCapabilities } from '@brightchain/node-state';
import { DEFAULT_REPLICATION_POLICY, ReplicationScheduler, blockMetadataFor } from '@brightchain/replication';

test('README example', () => {
  const lines: unknown[][] = [];
  const console = { log: (...args: unknown[]) => lines.push(args) };

  const random = new SeededRandom(1);
  const nodes = Array.from({ length: 6 }, () => newGuidV4(random));
  const regionOf = (i: number) => (i % 2 === 0 ? 'eu-west' : 'us-east');
  const self = nodes[0]!;
  const clock = new ManualClock(1_700_000_000_000);

  const index = new BlockIndex({ replicaId: self, clock });
  const block = checksum(utf8Bytes('hello, brightchain'));
  index.setBlockMetadata(block, blockMetadataFor(DEFAULT_REPLICATION_POLICY, { sizeBytes: 18 }));
  index.recordStored(block, self, regionOf(0)); // one copy: below the minimum of 2

  const scheduler = new ReplicationScheduler({
    nodeId: self,
    index,
    random,
    now: clock.now(),
    candidates: nodes.map((nodeId, i) => ({
      nodeId,
      state: NodeState.ONLINE,
      capabilities: defaultNodeCapabilities('storage', { region: regionOf(i) }),
      criteria: { reliability: 0.99, availableSpace: 2 ** 30, networkLatency: 20, currentLoad: 0 },
    })),
  });

  scheduler.tick(clock.now());
  for (const event of scheduler.ready().events) {
    if (event.type !== 'jobStarted') continue;
    console.log(event.job.trigger, event.job.level, event.job.targetNodes.length); // BELOW_MINIMUM CRITICAL 2
    for (const target of event.job.targetNodes) {
      // …the host copies the block to `target`, then records the copy and reports it:
      index.recordStored(event.job.blockId, target, regionOf(nodes.indexOf(target)));
      scheduler.reportCopyStored(event.job.jobId, target);
    }
  }
  scheduler.advance();
  console.log(index.copyCount(block), index.health(block)?.regions); // 3 2

  expect(lines).toEqual([
    ['BELOW_MINIMUM', 'CRITICAL', 2],
    [3, 2],
  ]);
});
