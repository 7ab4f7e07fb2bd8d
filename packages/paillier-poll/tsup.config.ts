import { defineConfig } from 'tsup';

// shims: the worker pool finds its own bundle through __filename in both the ESM and CJS builds.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  shims: true,
});
