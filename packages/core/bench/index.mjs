// Core benchmarks: canonical encoding vs JSON, strict decoding vs JSON and unchecked msgpackr,
// SHA3-512 over 1 MiB (node:crypto vs noble), signatures (noble) and verification (OpenSSL vs noble).
// Run after `npx tsup` in packages/core: `node bench/index.mjs`.
import { createPrivateKey, sign as opensslSign } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha3_512 } from '@noble/hashes/sha3.js';
import { pack, unpack } from 'msgpackr';
import { compare, writeReport } from '../../../scripts/bench-report.mjs';
import {
  SeededRandom,
  checksum,
  decodeEnvelope,
  decodeStrict,
  domainHash,
  encodeCanonical,
  encodeEnvelope,
  frameParts,
  generateMemberKeyPair,
  newGuidV4,
  signEnvelope,
  signMessage,
  verifyEnvelope,
  verifyMessage,
} from '../dist/index.js';

const random = new SeededRandom('core-bench');

// A NodeStatus as the seed defines it, with Dates as epoch milliseconds.
const nodeStatus = {
  nodeId: newGuidV4(random),
  state: 'ONLINE',
  lastSeen: 1_764_000_000_123,
  plannedDowntime: { start: 1_764_003_600_000, expectedDuration: 1_800_000, permanent: false },
  storageMetrics: {
    totalSpace: 4_000_000_000_000,
    usedSpace: 1_234_567_890_123,
    reservedSpace: 50_000_000_000,
  },
  reliability: { uptime: 0.99731, successfulReplications: 18_234, failedReplications: 17 },
};
const canonicalBytes = encodeCanonical(nodeStatus);
const jsonText = JSON.stringify(nodeStatus);
const packed = pack(nodeStatus);

const figures = [];
const note = (f, notes) => figures.push({ ...f, notes });

note(
  await compare(
    'canonical encode NodeStatus',
    { name: 'encodeCanonical', fn: () => encodeCanonical(nodeStatus) },
    { name: 'JSON.stringify', fn: () => JSON.stringify(nodeStatus) },
  ),
  `${canonicalBytes.length} canonical bytes vs ${jsonText.length} JSON characters`,
);
note(
  await compare(
    'canonical encode NodeStatus vs msgpackr',
    { name: 'encodeCanonical', fn: () => encodeCanonical(nodeStatus) },
    { name: 'msgpackr pack (not canonical)', fn: () => pack(nodeStatus) },
  ),
  'price of sorted keys, minimal ints and full validation over msgpackr packing as-is',
);
note(
  await compare(
    'strict decode NodeStatus',
    { name: 'decodeStrict', fn: () => decodeStrict(canonicalBytes) },
    { name: 'JSON.parse', fn: () => JSON.parse(jsonText) },
  ),
  'decodeStrict = limit/canonical pre-scan + msgpackr unpack',
);
note(
  await compare(
    'strict decode NodeStatus vs msgpackr',
    { name: 'decodeStrict', fn: () => decodeStrict(canonicalBytes) },
    { name: 'msgpackr unpack (unchecked)', fn: () => unpack(packed) },
  ),
  'price of the structural pre-scan',
);

const mebibyte = new Uint8Array(1024 * 1024).map((_, i) => (i * 131) & 0xff);
note(
  await compare(
    'SHA3-512 of 1 MiB',
    { name: 'checksum (node:crypto)', fn: () => checksum(mebibyte) },
    { name: 'noble sha3_512', fn: () => sha3_512(mebibyte) },
    { time: 2000 },
  ),
  'ops/s on 1 MiB; multiply by 1 for MiB/s',
);

const keys = generateMemberKeyPair(random);
const domain = 'brightchain/bench/v1';
const message = encodeCanonical(nodeStatus);
const signature = signMessage(keys.secretKey, domain, message);
const framed = frameParts(domain, [message]);
const digest = domainHash(domain, message);
const opensslKey = createPrivateKey({
  key: {
    kty: 'EC',
    crv: 'secp256k1',
    d: Buffer.from(keys.secretKey).toString('base64url'),
    x: Buffer.from(secp256k1.Point.fromBytes(keys.publicKey).toBytes(false).subarray(1, 33)).toString(
      'base64url',
    ),
    y: Buffer.from(secp256k1.Point.fromBytes(keys.publicKey).toBytes(false).subarray(33)).toString(
      'base64url',
    ),
  },
  format: 'jwk',
});
note(
  await compare(
    'sign (secp256k1, SHA3-256 framed)',
    { name: 'signMessage (noble, RFC 6979)', fn: () => signMessage(keys.secretKey, domain, message) },
    {
      name: 'node:crypto sign (random nonce, not used)',
      fn: () => opensslSign('sha3-256', framed, { key: opensslKey, dsaEncoding: 'ieee-p1363' }),
    },
  ),
  'signing stays on noble: deterministic nonces; OpenSSL shown for scale only',
);
if (!verifyMessage(keys.publicKey, domain, message, signature)) throw new Error('verify failed');
note(
  await compare(
    'verify (secp256k1, SHA3-256 framed)',
    {
      name: 'verifyMessage (node:crypto, cached key)',
      fn: () => verifyMessage(keys.publicKey, domain, message, signature),
    },
    {
      name: 'noble verify',
      fn: () =>
        secp256k1.verify(signature, domainHash(domain, message), keys.publicKey, {
          prehash: false,
          lowS: true,
        }),
    },
  ),
  'both include SHA3-256 of the framed message and the low-S rule',
);

const sender = newGuidV4(random);
const envelopeBytes = encodeEnvelope(
  signEnvelope(keys.secretKey, { version: 1, type: 'node-state/status', sender, payload: message }),
);
note(
  await compare(
    'envelope decode + verify',
    {
      name: 'decodeEnvelope + verifyEnvelope',
      fn: () => verifyEnvelope(decodeEnvelope(envelopeBytes), keys.publicKey),
    },
    {
      name: 'noble verify alone',
      fn: () => secp256k1.verify(signature, digest, keys.publicKey, { prehash: false, lowS: true }),
    },
  ),
  `${envelopeBytes.length}-byte signed envelope carrying the NodeStatus`,
);

writeReport('core', figures);
