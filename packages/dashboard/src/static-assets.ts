/**
 * The built UI (`dist/ui`: `index.html`, `app.js`, `app.css`), read once from disk and served
 * from memory. Only the files found at start are served: request paths never reach the file system.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** One servable file. */
export interface StaticAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * The default asset directory: `ui` next to the built module (`dist/ui`), or `../dist/ui` when
 * running from source (tests).
 */
export function defaultAssetsDir(): string {
  const here = __dirname;
  const candidates = [join(here, 'ui'), join(here, '..', 'dist', 'ui')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? (candidates[0] as string);
}

/** Loads every file of `dir` with a known type into a map by URL path (`/index.html` …); empty if missing. */
export function loadStaticAssets(dir: string): Map<string, StaticAsset> {
  const assets = new Map<string, StaticAsset>();
  if (!existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType === undefined) continue;
    assets.set(`/${name}`, { body: readFileSync(join(dir, name)), contentType });
  }
  return assets;
}
