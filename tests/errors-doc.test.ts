/** docs/errors.md lists every error code defined in packages/*\/src/error-codes.ts, and codes are unique. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');

it('docs/errors.md is up to date with every package error-codes.ts', () => {
  expect(() =>
    execFileSync(process.execPath, [join(root, 'scripts', 'errors-doc.mjs'), '--check'], {
      cwd: root,
      stdio: 'pipe',
    }),
  ).not.toThrow();
});

it('every error code is unique across packages and starts with BC_', () => {
  const codes: string[] = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const file = join(root, 'packages', pkg, 'src', 'error-codes.ts');
    if (!existsSync(file)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/^\s*[A-Z][A-Z0-9_]*:\s*'([^']*)'/gm))
      codes.push(m[1] as string);
  }
  expect(codes.length).toBeGreaterThan(10);
  expect(codes.every((c) => /^BC_[A-Z0-9_]+$/.test(c))).toBe(true);
  expect(new Set(codes).size).toBe(codes.length);
  const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  const undocumented = codes.filter((c) => !doc.includes(`| \`${c}\` |`));
  expect(undocumented).toEqual([]);
});
