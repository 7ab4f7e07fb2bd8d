// Generates docs/errors.md from every packages/*/src/error-codes.ts (the TSDoc line above each code is
// its meaning). `node scripts/errors-doc.mjs` writes the file; `--check` exits 1 if it is stale.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function collectErrorCodes(root = '.') {
  const rows = [];
  for (const pkg of readdirSync(join(root, 'packages')).sort()) {
    const file = join(root, 'packages', pkg, 'src', 'error-codes.ts');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const pattern = /\/\*\*((?:[^*]|\*(?!\/))*)\*\/\s*\n\s*[A-Z0-9_]+:\s*'(BC_[A-Z0-9_]+)'/g;
    for (const match of text.matchAll(pattern)) {
      const meaning = match[1]
        .replace(/^\s*\*\s?/gm, '')
        .replace(/\s+/g, ' ')
        .trim();
      rows.push({ code: match[2], pkg: `@brightchain/${pkg}`, meaning });
    }
  }
  return rows;
}

export function renderErrorsDoc(rows) {
  const lines = [
    '# Error codes',
    '',
    'Every error thrown by a `@brightchain/*` package is a `BrightChainError` with one of these stable',
    '`code`s, structured `details` and, where there was one, a `cause`. Branch on the code, never on the',
    'message. Use `BrightChainError.isInstance(error, code)`: it works even when two copies of a package',
    "are loaded. This file is generated from each package's `src/error-codes.ts` by",
    '`node scripts/errors-doc.mjs`; a test fails when it is stale.',
    '',
    '| code | package | meaning |',
    '|---|---|---|',
    ...rows.map((r) => `| \`${r.code}\` | ${r.pkg} | ${r.meaning.replace(/\|/g, '\\|')} |`),
    '',
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const doc = renderErrorsDoc(collectErrorCodes());
  const target = join('docs', 'errors.md');
  if (process.argv.includes('--check')) {
    const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
    if (current !== doc) {
      console.error('docs/errors.md is stale: run node scripts/errors-doc.mjs');
      process.exit(1);
    }
  } else {
    writeFileSync(target, doc);
    console.log(`wrote ${target}`);
  }
}
