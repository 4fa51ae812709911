// Rochdale for JavaScript: the WASM build with types (index.d.ts), for
// browsers and Node. Load the module once, then call the functions: each
// returns the same JSON as the command line's `--format json`, parsed, or
// throws a RochdaleError carrying the diagnostics.
import init, * as wasm from './pkg/rochdale.js';

let loaded = null;

/** Loads the module from a URL (browser) or its bytes (Node); once. */
export async function load(source) {
  if (!loaded) {
    loaded =
      source instanceof ArrayBuffer || ArrayBuffer.isView(source)
        ? Promise.resolve(wasm.initSync({ module: source }))
        : init(source === undefined ? undefined : { module_or_path: source });
  }
  await loaded;
}

/** Loads the module from its bytes, at once (Node, or a worker that has them). */
export function loadSync(bytes) {
  if (!loaded) loaded = Promise.resolve(wasm.initSync({ module: bytes }));
}

/** The rulebook, the request or the scenario has errors. */
export class RochdaleError extends Error {
  constructor(diagnostics) {
    super(diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n') || 'Rochdale could not do this');
    this.name = 'RochdaleError';
    this.diagnostics = diagnostics;
  }
}

function parsed(text) {
  const value = JSON.parse(text);
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'diagnostics') throw new RochdaleError(value.diagnostics);
  return value;
}

const request = (r) => JSON.stringify(r ?? {});

/** The JSON texts themselves, byte for byte as the CLI prints them. */
export const raw = {
  version: () => wasm.version(),
  check: (name, text, r) => wasm.check(name, text, request(r)),
  test: (name, text, r) => wasm.test(name, text, request(r)),
  simulate: (name, text, r) => wasm.simulate(name, text, request(r)),
  explain: (name, text, r) => wasm.explain(name, text, request(r)),
  diff: (oldName, oldText, newName, newText, r) => wasm.diff(oldName, oldText, newName, newText, request(r)),
  format: (name, text) => wasm.format(name, text),
  scenarioJson: (name, text, r) => wasm.scenario_json(name, text, request(r)),
  statementsCsv: (name, text, r) => wasm.statements_csv(name, text, request(r)),
  projectionCsv: (name, text, r) => wasm.projection_csv(name, text, request(r)),
};

export const version = () => wasm.version();
export const check = (name, text, r) => parsed(raw.check(name, text, r));
export const test = (name, text, r) => parsed(raw.test(name, text, r));
export const simulate = (name, text, r) => parsed(raw.simulate(name, text, r));
export const explain = (name, text, r) => parsed(raw.explain(name, text, r));
export const diff = (oldName, oldText, newName, newText, r) => parsed(raw.diff(oldName, oldText, newName, newText, r));
export const format = (name, text) => parsed(raw.format(name, text)).formatted;
/** `simulate`'s JSON text, as the CLI prints it (for downloads). */
export function simulateJson(name, text, r) {
  const out = raw.simulate(name, text, r);
  parsed(out);
  return out;
}
export const scenarioJson = (name, text, r) => parsed(raw.scenarioJson(name, text, r));
export function statementsCsv(name, text, r) {
  const out = raw.statementsCsv(name, text, r);
  if (out.startsWith('{')) parsed(out);
  return out;
}
/** The projection (one row a financial year; `years` in the request, as `--years`) as CSV. */
export function projectionCsv(name, text, r) {
  const out = raw.projectionCsv(name, text, r);
  if (out.startsWith('{')) parsed(out);
  return out;
}
