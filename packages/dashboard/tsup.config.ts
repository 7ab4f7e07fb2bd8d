import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig } from 'tsup';

const require = createRequire(import.meta.url);

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    // Only the server's own outputs: dist/ui is the UI build's.
    clean: ['*.js', '*.cjs', '*.d.ts', '*.d.cts', '*.map'],
    sourcemap: true,
    shims: true,
    target: 'node20',
  },
  {
    // The browser UI: one self-contained script (Preact, htm and uPlot bundled in), plus static files.
    entry: { app: 'ui/main.ts' },
    outDir: 'dist/ui',
    format: ['iife'],
    platform: 'browser',
    target: 'es2020',
    noExternal: [/.*/],
    minify: true,
    dts: false,
    clean: true,
    outExtension: () => ({ js: '.js' }),
    async onSuccess() {
      mkdirSync('dist/ui', { recursive: true });
      copyFileSync('ui/index.html', 'dist/ui/index.html');
      copyFileSync('ui/app.css', 'dist/ui/app.css');
      copyFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'dist/ui/uplot.css');
    },
  },
]);
