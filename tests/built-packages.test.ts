/**
 * Every built package loads from its published entry points both as ESM (`import`) and as CJS
 * (`require`) in a fresh Node process, and both expose the same, non-empty set of exports.
 * Runs against dist/, so `npm test` builds first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const packages = readdirSync(join(root, 'packages'))
  .filter((p) => existsSync(join(root, 'packages', p, 'package.json')))
  .map(
    (p) =>
      JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')) as {
        name: string;
        exports?: unknown;
      },
  );

function exportsVia(kind: 'import' | 'require', name: string): string[] {
  const script =
    kind === 'import'
      ? `import(${JSON.stringify(name)}).then((m) => console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default' && k !== 'module.exports').sort())))`
      : `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(name)})).sort()))`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() as string) as string[];
}

describe.each(packages.map((p) => [p.name]))('%s', (name) => {
  it('loads with import and require and exposes the same exports', () => {
    const viaImport = exportsVia('import', name);
    const viaRequire = exportsVia('require', name);
    expect(viaImport.length).toBeGreaterThan(0);
    expect(viaRequire).toEqual(viaImport);
  });
});
