/** One jest run for the whole monorepo. Tests import sibling packages from source. */
const soak = process.env.SOAK === '1';
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/tests'],
  testMatch: soak ? ['**/test/**/*.soak.ts'] : ['**/test/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  transformIgnorePatterns: ['/node_modules/(?!@noble)'],
  moduleNameMapper: { '^@brightchain/([a-z0-9-]+)$': '<rootDir>/packages/$1/src/index.ts' },
  testTimeout: 60000,
};
