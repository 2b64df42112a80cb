import { fileURLToPath } from 'node:url';

/**
 * Where `npm run build:tab` writes the tab's script and styles and the server reads them: dist/tab-assets, the same
 * folder from src/tab/ (tsx) and dist/tab/ (`npm run serve`). Its own module, so that bundling need not load the
 * server.
 */
export const defaultAssetsDir = fileURLToPath(new URL('../../dist/tab-assets/', import.meta.url));

/** The tab's two files, and how the server serves them. */
export const tabAssetTypes = {
  'tab.js': 'text/javascript; charset=utf-8',
  'tab.css': 'text/css; charset=utf-8',
} as const;
export type TabAsset = keyof typeof tabAssetTypes;
export const tabAssets = Object.keys(tabAssetTypes) as TabAsset[];
