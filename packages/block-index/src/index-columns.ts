/**
 * The index's in-memory layout: struct-of-arrays in typed arrays, so a million blocks with three
 * holders each are a few dozen flat buffers rather than millions of small objects.
 *
 * Per block slot (the slot numbers of `BlockIdTable`):
 *   firstEntry (Int32, −1 = none), nextInLeaf (Int32, digest-leaf / prefix-bucket list), copies
 *   (Uint16), minimumCopies / targetCopies / maximumCopies / minimumRegions / priority (Uint8 each),
 *   sizeBytes (Uint32), healthRank and spreadRank (Int32, the block's current replication and spread
 *   buckets, −1 = none).
 * Per location entry (one per (block, holder), never freed):
 *   block, holder (Int32, interned node number), nextOfBlock, nextOfHolder (Int32 linked lists),
 *   since, lastVerified, wall (Float64), counter (Uint32), writer (Int32), region (Uint16, interned),
 *   stored (Uint8).
 * @internal
 */

type Column = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array;

function grow<T extends Column>(column: T, capacity: number, fill: number): T {
  const next = new (column.constructor as new (length: number) => T)(capacity);
  (next as Uint8Array).set(column as Uint8Array);
  if (fill !== 0) next.fill(fill, column.length);
  return next;
}

function nextCapacity(current: number, needed: number): number {
  let capacity = Math.max(16, current);
  while (capacity < needed) capacity = Math.ceil(capacity * 1.5);
  return capacity;
}

/** @internal */
export class BlockColumns {
  capacity = 0;
  firstEntry = new Int32Array(0);
  nextInLeaf = new Int32Array(0);
  copies = new Uint16Array(0);
  minimumCopies = new Uint8Array(0);
  targetCopies = new Uint8Array(0);
  maximumCopies = new Uint8Array(0);
  minimumRegions = new Uint8Array(0);
  priority = new Uint8Array(0);
  sizeBytes = new Uint32Array(0);
  healthRank = new Int32Array(0);
  spreadRank = new Int32Array(0);

  constructor(initialCapacity: number) {
    this.ensure(initialCapacity);
  }

  /** Makes room for slots `[0, needed)`. */
  ensure(needed: number): void {
    if (needed <= this.capacity) return;
    const capacity = nextCapacity(this.capacity, needed);
    this.firstEntry = grow(this.firstEntry, capacity, -1);
    this.nextInLeaf = grow(this.nextInLeaf, capacity, -1);
    this.copies = grow(this.copies, capacity, 0);
    this.minimumCopies = grow(this.minimumCopies, capacity, 0);
    this.targetCopies = grow(this.targetCopies, capacity, 0);
    this.maximumCopies = grow(this.maximumCopies, capacity, 0);
    this.minimumRegions = grow(this.minimumRegions, capacity, 0);
    this.priority = grow(this.priority, capacity, 0);
    this.sizeBytes = grow(this.sizeBytes, capacity, 0);
    this.healthRank = grow(this.healthRank, capacity, -1);
    this.spreadRank = grow(this.spreadRank, capacity, -1);
    this.capacity = capacity;
  }
}

/** @internal */
export class EntryColumns {
  capacity = 0;
  count = 0;
  block = new Int32Array(0);
  holder = new Int32Array(0);
  nextOfBlock = new Int32Array(0);
  nextOfHolder = new Int32Array(0);
  since = new Float64Array(0);
  lastVerified = new Float64Array(0);
  wall = new Float64Array(0);
  counter = new Uint32Array(0);
  writer = new Int32Array(0);
  region = new Uint16Array(0);
  stored = new Uint8Array(0);

  constructor(initialCapacity: number) {
    this.ensure(initialCapacity);
  }

  /** Makes room for entries `[0, needed)`. */
  ensure(needed: number): void {
    if (needed <= this.capacity) return;
    const capacity = nextCapacity(this.capacity, needed);
    this.block = grow(this.block, capacity, 0);
    this.holder = grow(this.holder, capacity, 0);
    this.nextOfBlock = grow(this.nextOfBlock, capacity, -1);
    this.nextOfHolder = grow(this.nextOfHolder, capacity, -1);
    this.since = grow(this.since, capacity, 0);
    this.lastVerified = grow(this.lastVerified, capacity, 0);
    this.wall = grow(this.wall, capacity, 0);
    this.counter = grow(this.counter, capacity, 0);
    this.writer = grow(this.writer, capacity, 0);
    this.region = grow(this.region, capacity, 0);
    this.stored = grow(this.stored, capacity, 0);
    this.capacity = capacity;
  }
}
