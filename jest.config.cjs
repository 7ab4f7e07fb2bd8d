/** One jest run for the whole monorepo. Tests import sibling packages from source. */
const soak = process.env.SOAK === '1';
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/tests'],
  testMatch: soak ? ['**/test/**/*.soak.ts'] : ['**/test/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
  },
  // ESM-only packages compiled to CJS by @swc/jest: @noble, and js-libp2p's dependency tree (weald's own
  // nested ms and supports-color are ESM too, hence the look-behind).
  transformIgnorePatterns: [
    '(?<!/weald)/node_modules/(?!(?:@noble|@libp2p|@multiformats|@sindresorhus|@chainsafe/(?:as-sha256|is-ip|libp2p-noise|libp2p-yamux|netmask)|libp2p|multiformats|uint8arrays|uint8arraylist|uint8-varint|protons-runtime|it-[a-z-]+|p-(?:defer|event|retry|timeout)|main-event|abort-error|any-signal|race-event|race-signal|progress-events|interface-datastore|interface-store|datastore-core|mortice|weald|cborg|delay|random-int|is-loopback-addr|is-network-error|unlimited-timeout|wherearewe)/)',
  ],
  moduleNameMapper: { '^@brightchain/([a-z0-9-]+)$': '<rootDir>/packages/$1/src/index.ts' },
  // Some ESM-only packages (libp2p tree) export only the `import` condition; retry resolution with it.
  resolver: '<rootDir>/scripts/jest-esm-only-resolver.cjs',
  // Jest runs in band when it computes one worker (2-core machines); use both cores.
  maxWorkers: 2,
  testTimeout: 60000,
};
