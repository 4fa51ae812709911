// Builds the WASM module and its JavaScript bindings into packages/rochdale/pkg/
// (a build artifact, not committed):
// cargo (the `wasm` profile: small), then wasm-bindgen-cli at the version in
// Cargo.lock (CI installs it with `cargo install --locked`).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const out = path.resolve(root, 'packages/rochdale/pkg');

const lock = readFileSync(path.join(root, 'Cargo.lock'), 'utf8');
const locked = /name = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock)?.[1];
let installed = '';
try {
  installed = execFileSync('wasm-bindgen', ['--version'], { encoding: 'utf8' }).trim().split(' ')[1];
} catch {
  console.error(`wasm-bindgen-cli is not installed: cargo install --locked wasm-bindgen-cli --version ${locked}`);
  process.exit(1);
}
if (installed !== locked) {
  console.error(`wasm-bindgen-cli ${installed} is installed, but Cargo.lock has wasm-bindgen ${locked}:`);
  console.error(`  cargo install --locked wasm-bindgen-cli --version ${locked}`);
  process.exit(1);
}

const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
run('cargo', ['build', '-p', 'rochdale-wasm', '--target', 'wasm32-unknown-unknown', '--profile', 'wasm']);
run('wasm-bindgen', [
  '--target', 'web',
  '--out-dir', out,
  '--out-name', 'rochdale',
  path.join(root, 'target/wasm32-unknown-unknown/wasm/rochdale_wasm.wasm'),
]);
console.log(`built ${path.relative(root, out)}/rochdale_bg.wasm`);
