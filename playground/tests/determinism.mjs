// Native and WASM give the same bytes: every rulebook's check, examples,
// scenarios, one explanation and one comparison, run by the command line
// (target/release/rochdale, built by .ci/run) and by the WASM build under
// Node, compared byte for byte.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { raw } from 'rochdale';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'target/release/rochdale');

const native = (...args) => execFileSync(cli, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
const files = {};
for (const f of readdirSync(path.join(root, 'rulebooks')).filter((f) => f.endsWith('.csv'))) {
  files[f] = readFileSync(path.join(root, 'rulebooks', f), 'utf8');
}

let compared = 0;
let failures = 0;
function same(what, cliText, wasmText) {
  compared += 1;
  // The CLI ends its output with a newline; the JSON itself is the same.
  if (cliText !== wasmText + '\n') {
    failures += 1;
    const a = cliText.split('\n');
    const b = (wasmText + '\n').split('\n');
    const i = a.findIndex((line, k) => line !== b[k]);
    console.error(`DIFFERS  ${what}: first at line ${i + 1}\n  native: ${a[i]}\n  wasm:   ${b[i]}`);
  } else {
    console.log(`same     ${what} (${cliText.length} bytes)`);
  }
}

const rulebooks = readdirSync(path.join(root, 'rulebooks')).filter((f) => f.endsWith('.coop')).sort();
for (const f of rulebooks) {
  const name = `rulebooks/${f}`;
  const text = readFileSync(path.join(root, name), 'utf8');
  same(`check ${name}`, native('check', '--format', 'json', name), raw.check(name, text));
  same(`test ${name}`, native('test', '--format', 'json', name), raw.test(name, text));
  for (const [, scenario] of text.matchAll(/^scenario "([^"]+)"/gm)) {
    same(
      `simulate ${name} "${scenario}"`,
      native('simulate', name, '--scenario', scenario, '--format', 'json'),
      raw.simulate(name, text, { scenario, files }),
    );
  }
}

// An explanation and a comparison, on the Pioneers' rules.
const pioneers = 'rulebooks/rochdale-1844.coop';
const text = readFileSync(path.join(root, pioneers), 'utf8');
same(
  'explain dividend(smith) in the first year',
  native('explain', pioneers, '--scenario', 'first year', '--value', 'dividend(smith)', '--format', 'json'),
  raw.explain(pioneers, text, { scenario: 'first year', value: 'dividend(smith)', files }),
);
const amendedPath = 'rulebooks/.determinism-amended.coop';
const amended = text.replace('parameter reserve_share: Percent = 10%', 'parameter reserve_share: Percent = 20%');
if (amended === text) throw new Error('the reserve share line is not in the 1844 rulebook');
const { writeFileSync, rmSync } = await import('node:fs');
writeFileSync(path.join(root, amendedPath), amended);
try {
  same(
    'diff reserve 10% -> 20%',
    native('diff', pioneers, amendedPath, '--format', 'json'),
    raw.diff(pioneers, text, amendedPath, amended, { files }),
  );
} finally {
  rmSync(path.join(root, amendedPath));
}

// A projection over five years, as JSON and as its CSV table.
const projectionPath = 'tests/rulebooks/projection.coop';
const projectionText = readFileSync(path.join(root, projectionPath), 'utf8');
same(
  'simulate --years 5 (JSON)',
  native('simulate', projectionPath, '--years', '5', '--format', 'json'),
  raw.simulate(projectionPath, projectionText, { years: 5 }),
);
// The CSV is printed as written, with no newline added.
same(
  'simulate --years 5 (CSV)',
  native('simulate', projectionPath, '--years', '5', '--format', 'csv') + '\n',
  raw.projectionCsv(projectionPath, projectionText, { years: 5 }),
);

console.log(`\n${compared} outputs compared, ${failures} differ`);
if (failures > 0 || compared < rulebooks.length * 3) process.exit(1);
