// npm run bench: runs packages/*/bench/index.mjs one after another (after the turbo build) and
// lists the JSON files written to bench-results/. Pass package names to run only those.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
const packages = readdirSync('packages').filter(
  (p) => existsSync(join('packages', p, 'bench', 'index.mjs')) && (only.length === 0 || only.includes(p)),
);
let failed = 0;
for (const p of packages) {
  console.log(`\n== bench: @brightchain/${p} ==`);
  const r = spawnSync(process.execPath, ['--expose-gc', join('packages', p, 'bench', 'index.mjs')], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
