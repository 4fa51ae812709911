// The playground's figures: the size of the .wasm (raw and gzipped), and in
// Chromium the time from an edit to its diagnostics shown and from "run" to
// the results shown, for the largest example rulebook with a 200-member
// scenario. Prints a table for docs/performance.md; asserts nothing.
import { gzipSync } from 'node:zlib';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import LZString from 'lz-string';
import { serve, launch } from '../tests/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const wasmFile = readdirSync(path.join(here, '../dist/assets')).find((f) => f.endsWith('.wasm'));
const wasm = readFileSync(path.join(here, '../dist/assets', wasmFile));
const gz = gzipSync(wasm, { level: 9 }).length;

// The largest rulebook, and a year of 200 members under it.
const books = readdirSync(path.join(root, 'rulebooks')).filter((f) => f.endsWith('.coop'));
const largest = books.map((f) => [f, readFileSync(path.join(root, 'rulebooks', f), 'utf8')]).sort((a, b) => b[1].length - a[1].length)[0];
if (largest[0] !== 'rochdale-1844.coop') console.warn(`note: the largest rulebook is ${largest[0]}; the scenario below is written for rochdale-1844.coop`);
const text = readFileSync(path.join(root, 'rulebooks/rochdale-1844.coop'), 'utf8');
const members = Array.from({ length: 200 }, (_, i) => ({ name: `m${i + 1}`, age: 18 + (i % 60), quarterly_cost: `£${5 + (i % 7)}.00` }));
const steps = [
  ...members.map((m) => ({ date: '1845-01-01', act: 'join', args: [m.name, '£4.00'] })),
  ...['1845-03-31', '1845-06-30', '1845-09-30', '1845-12-31'].flatMap((date) => [
    { date, act: 'trade_quarter', args: [] },
    { date, act: 'pay_costs', args: ['£1500.00'] },
  ]),
  { date: '1845-12-31', close: true },
];
const scenario = { name: 'a year of 200 members', members, steps };
const payload = { f: 'rochdale-1844.coop', t: text, s: scenario };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

const server = await serve(4174);
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  await page.goto(`${server.url}#s=${LZString.compressToEncodedURIComponent(JSON.stringify(payload))}`);
  await page.waitForSelector('.members-table input[data-member="m200"]');
  await page.waitForSelector('.problems-title.good');

  // An edit: a digit typed into the markup and taken out again; the time
  // until the problems list shows the new check.
  const edits = [];
  for (let i = 0; i < 21; i++) {
    edits.push(await page.evaluate(async (i) => {
      const view = window.rochdalePlayground.editor;
      const doc = view.state.doc.toString();
      const at = doc.indexOf('markup: Percent = 10%') + 'markup: Percent = 10'.length;
      const problems = document.getElementById('problems');
      const shown = new Promise((resolve) => {
        const obs = new MutationObserver(() => { obs.disconnect(); resolve(); });
        obs.observe(problems, { childList: true, subtree: true, characterData: true });
      });
      const t0 = performance.now();
      view.dispatch({ changes: i % 2 ? { from: at, to: at + 1 } : { from: at, insert: '1' } });
      await shown;
      await new Promise(requestAnimationFrame);
      return performance.now() - t0;
    }, i));
  }

  // Run: the click until the statements of 200 members are on the screen.
  const runs = [];
  for (let i = 0; i < 11; i++) {
    runs.push(await page.evaluate(async () => {
      document.querySelector('.tab#tab-results').replaceChildren();
      const t0 = performance.now();
      document.getElementById('run').click();
      await new Promise((resolve) => {
        const check = () => (document.querySelectorAll('table.statements tr').length > 200 ? resolve() : requestAnimationFrame(check));
        check();
      });
      await new Promise(requestAnimationFrame);
      return performance.now() - t0;
    }));
  }
  // Where the run's time goes: the worker (simulate, JSON) and the rest
  // (parse, tables and charts).
  const worker = [];
  const checks = [];
  for (let i = 0; i < 11; i++) {
    const [w, c] = await page.evaluate(async ([text, scenario]) => {
      const { engine } = window.rochdalePlayground;
      let t0 = performance.now();
      await engine.simulateJson('rochdale-1844.coop', text, { scenario_json: JSON.stringify(scenario), summary: true });
      const w = performance.now() - t0;
      t0 = performance.now();
      await engine.check('rochdale-1844.coop', text);
      return [w, performance.now() - t0];
    }, [text, scenario]);
    worker.push(w);
    checks.push(c);
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`machine: ${cpu}, ${os.cpus().length} cores; ${(await browser.version())}`);
  console.log('| figure | value | target |');
  console.log('| --- | --- | --- |');
  console.log(`| .wasm raw | ${(wasm.length / 1024).toFixed(0)} KB | |`);
  console.log(`| .wasm gzipped | ${(gz / 1024).toFixed(0)} KB | at most 400 KB |`);
  console.log(`| edit to diagnostics shown (median, p95 of ${edits.length}) | ${median(edits).toFixed(1)} ms, ${p95(edits).toFixed(1)} ms | under 16 ms |`);
  console.log(`| of which the check in the worker, round trip (median) | ${median(checks).toFixed(1)} ms | |`);
  console.log(`| of which the simulation in the worker, round trip (median) | ${median(worker).toFixed(1)} ms | |`);
  console.log(`| run to results shown, 200 members (median, p95 of ${runs.length}) | ${median(runs).toFixed(1)} ms, ${p95(runs).toFixed(1)} ms | under 16 ms |`);
} finally {
  await browser.close();
  server.stop();
}
