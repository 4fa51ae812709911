// Rochdale for Node: the module is read from the package and loaded at
// import, so every function can be called at once (`load` is not needed).
import { readFileSync } from 'node:fs';
import { loadSync } from './index.js';

loadSync(readFileSync(new URL('./pkg/rochdale_bg.wasm', import.meta.url)));

export * from './index.js';
