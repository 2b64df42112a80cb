/**
 * Bundles the dashboard tab's browser code (src/tab/client/) into what the server serves under /tab/assets:
 *
 *   npm run build:tab    # dist/tab-assets/tab.js and tab.css
 *
 * One minified ES module with the Teams JavaScript client library and uPlot, and one style sheet with uPlot's.
 * `npm run build` runs it after tsc, `npm start` before it starts (under a second). The benchmark holds the
 * gzipped sizes to the budget with {@link gzippedSizes}.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { isMainModule } from '../platform/mainModule.js';
import { defaultAssetsDir, tabAssets, type TabAsset } from '../tab/tabAssets.js';

const clientDir = fileURLToPath(new URL('../tab/client/', import.meta.url));
export interface AssetSize {
  file: TabAsset;
  bytes: number;
  gzipped: number;
}

/** Writes tab.js and tab.css into `outDir` and returns their sizes. */
export async function bundleTab(outDir: string = defaultAssetsDir): Promise<AssetSize[]> {
  await build({
    entryPoints: [path.join(clientDir, 'tab.ts'), path.join(clientDir, 'tab.css')],
    outdir: outDir,
    entryNames: '[name]',
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    tsconfig: path.join(clientDir, 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'warning',
  });
  return gzippedSizes(outDir);
}

/** The size of each of the tab's files in `dir`, as written and gzipped (as a browser fetches it over the wire). */
export async function gzippedSizes(dir: string = defaultAssetsDir): Promise<AssetSize[]> {
  return Promise.all(
    tabAssets.map(async (file) => {
      const body = await readFile(path.join(dir, file));
      return { file, bytes: body.length, gzipped: gzipSync(body, { level: 9 }).length };
    }),
  );
}

if (isMainModule(import.meta.url)) {
  const sizes = await bundleTab();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const listed = sizes.map((s) => `${s.file} ${kb(s.bytes)} (${kb(s.gzipped)} gzipped)`).join(', ');
  console.log(
    `Tab bundled in ${path.relative(process.cwd(), defaultAssetsDir) || defaultAssetsDir}: ${listed}`,
  );
}
