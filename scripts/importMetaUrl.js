// Injected into the cjs bundles by scripts/build.mjs: the bundle's own URL, for ESM-only dependencies
// (h5wasm) that read import.meta.url, which a cjs bundle lacks. __filename is the bundle's, at run time.
/* global __filename */
import { pathToFileURL } from 'node:url';

export const importMetaUrl = pathToFileURL(__filename).href;
