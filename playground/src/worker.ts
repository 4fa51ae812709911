// The interpreter runs here, off the page's thread, so typing never waits
// for a check or a run.
import * as rochdale from 'rochdale';
import wasmUrl from 'rochdale/rochdale_bg.wasm?url';

export type Request = { id: number; op: string; args: unknown[] };
export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: unknown };

const ready = rochdale.load(wasmUrl);

self.onmessage = async (event: MessageEvent<Request>) => {
  const { id, op, args } = event.data;
  await ready;
  try {
    const fn = (rochdale as unknown as Record<string, (...a: unknown[]) => unknown>)[op];
    const value = fn(...args);
    (self as unknown as Worker).postMessage({ id, ok: true, value } satisfies Reply);
  } catch (e) {
    const error = e instanceof rochdale.RochdaleError ? { diagnostics: e.diagnostics } : { message: String(e) };
    (self as unknown as Worker).postMessage({ id, ok: false, error } satisfies Reply);
  }
};
