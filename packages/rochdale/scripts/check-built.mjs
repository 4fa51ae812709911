// `npm pack` packs the WASM build: refuse to pack without it (the build is
// `npm run build`, which needs cargo and wasm-bindgen-cli).
import { existsSync } from 'node:fs';

for (const f of ['pkg/rochdale.js', 'pkg/rochdale_bg.wasm']) {
  if (!existsSync(new URL(`../${f}`, import.meta.url))) {
    console.error(`packages/rochdale/${f} is missing: run \`npm run build\` first`);
    process.exit(1);
  }
}
