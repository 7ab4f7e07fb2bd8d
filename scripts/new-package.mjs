#!/usr/bin/env node
// Creates packages/<name> with the standard layout: package.json, tsup.config.ts, tsconfig.json, src/index.ts, test/, README.md.
// Usage: node scripts/new-package.mjs <name> "<description>" [dep ...]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [name, description, ...deps] = process.argv.slice(2);
if (!name || !description) {
  console.error('usage: node scripts/new-package.mjs <name> "<description>" [dep ...]');
  process.exit(2);
}
const dir = join('packages', name);
if (existsSync(dir)) {
  console.error(`${dir} exists`);
  process.exit(1);
}
mkdirSync(join(dir, 'src'), { recursive: true });
mkdirSync(join(dir, 'test'), { recursive: true });
const core = JSON.parse(readFileSync('packages/core/package.json', 'utf8'));
const pkg = {
  name: `@brightchain/${name}`,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.cts',
  exports: core.exports,
  files: ['dist', 'README.md'],
  engines: core.engines,
  scripts: { build: 'tsup', typecheck: 'tsc --noEmit -p tsconfig.json' },
  publishConfig: { access: 'public' },
  dependencies: Object.fromEntries(deps.map((d) => [d, d.startsWith('@brightchain/') ? '0.1.0' : '*'])),
};
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(join(dir, 'tsup.config.ts'), readFileSync('packages/core/tsup.config.ts', 'utf8'));
writeFileSync(join(dir, 'tsconfig.json'), readFileSync('packages/core/tsconfig.json', 'utf8'));
writeFileSync(join(dir, 'src', 'index.ts'), 'export {};\n');
writeFileSync(join(dir, 'README.md'), `# @brightchain/${name}\n\n${description}\n`);
console.log(`created ${dir}`);
