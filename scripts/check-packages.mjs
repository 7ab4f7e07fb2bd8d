// Packaging checks for every workspace package (run after the build): publint and
// @arethetypeswrong/cli. Exits non-zero if any package fails. Usage: node scripts/check-packages.mjs [name…]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
const packages = readdirSync('packages').filter(
  (p) => existsSync(join('packages', p, 'package.json')) && (only.length === 0 || only.includes(p)),
);
const bin = (name) => join('node_modules', '.bin', name);
let failures = 0;
for (const p of packages) {
  const dir = join('packages', p);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  const checks = [
    ['publint', [bin('publint'), '--strict', dir]],
    ['attw', [bin('attw'), '--pack', dir, '--profile', 'node16', '--format', 'table-flipped']],
  ];
  for (const [label, [cmd, ...args]] of checks) {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    const ok = r.status === 0;
    if (!ok) failures++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${label.padEnd(8)} ${pkg.name}`);
    if (!ok) console.log(`${r.stdout}${r.stderr}`.trim().replace(/^/gm, '     '));
  }
}
console.log(failures === 0 ? 'package checks passed' : `${failures} package check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
