// The playground: pick a rulebook, edit it with live diagnostics, edit and
// run its scenario, read the results as tables and charts, click a figure
// for its explanation, compare with the original, share a link.
import type { EditorView } from '@codemirror/view';
import './style.css';
import { createEditor, setText, byteToIndex } from './editor.ts';
import { engine, type Failure } from './engine.ts';
import { rulebooks, files } from './rulebooks.ts';
import { renderScenario } from './scenario.ts';
import { renderOutcome, renderDiff, renderExplanation, renderFailure } from './results.ts';
import { LINKS_ORIGINAL, LinkError, SAFE_LINK_CHARS, fileText, makePayload, packLink, readFile, readLink, shortened, type Shared } from './links.ts';
import type { Diagnostic, ScenarioJson, SimulationOutcome } from 'rochdale';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const state = {
  file: rulebooks[0]?.file ?? 'rulebook.coop',
  /** The rulebook as loaded: what "compare with the original" compares with. */
  original: rulebooks[0]?.text ?? '',
  /** What to call the original: a bundled file's name, or "the link's original". */
  originalName: rulebooks[0]?.file ?? 'the original',
  text: rulebooks[0]?.text ?? '',
  scenario: null as ScenarioJson | null,
  /** The scenario as loaded from the rulebook, as JSON: a link names it if unchanged. */
  scenarioAsLoaded: null as string | null,
  outcome: null as SimulationOutcome | null,
};
let editor: EditorView;

function toast(message: string) {
  const t = $('toast');
  t.textContent = message;
  t.classList.add('shown');
  setTimeout(() => t.classList.remove('shown'), 2500);
}

/**
 * A notice above the page: why a link or file was not opened, or what to
 * know about one that was. It stays until closed, unlike a toast.
 */
function notice(kind: 'bad' | 'note', title: string, lines: string[] = [], action?: HTMLElement) {
  const box = $('notice');
  const close = Object.assign(document.createElement('button'), { textContent: 'Close', className: 'notice-close' });
  close.onclick = () => { box.hidden = true; };
  const p = Object.assign(document.createElement('p'), { className: 'notice-title', textContent: title });
  box.className = `notice ${kind}`;
  box.replaceChildren(p, ...lines.map((l) => Object.assign(document.createElement('p'), { textContent: l })), ...(action ? [action] : []), close);
  box.hidden = false;
}

function showTab(name: string) {
  for (const b of document.querySelectorAll<HTMLButtonElement>('.tabs button')) {
    b.classList.toggle('active', b.dataset.tab === name);
  }
  for (const t of document.querySelectorAll<HTMLElement>('.tab')) {
    t.classList.toggle('hidden', t.id !== `tab-${name}`);
  }
}

function request(extra: Record<string, unknown> = {}) {
  return {
    files,
    ...(state.scenario ? { scenario_json: JSON.stringify(state.scenario) } : {}),
    ...extra,
  };
}

/** The problems list under the editor, from the same check as the underlines. */
function showProblems(diagnostics: Diagnostic[]) {
  const box = $('problems');
  box.replaceChildren();
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const title = document.createElement('div');
  title.className = errors ? 'problems-title bad' : 'problems-title good';
  title.textContent = diagnostics.length === 0
    ? 'No problems found in the rules.'
    : `${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} in the rules`;
  box.append(title);
  for (const d of diagnostics) {
    const item = document.createElement('button');
    item.className = `problem ${d.severity}`;
    item.dataset.code = d.code;
    item.innerHTML = '';
    const where = d.line ? `line ${d.line}: ` : '';
    const head = document.createElement('div');
    head.textContent = `${where}${d.message} (${d.code})`;
    item.append(head);
    if (d.help) {
      const help = document.createElement('div');
      help.className = 'help';
      help.textContent = d.help;
      item.append(help);
    }
    item.onclick = () => {
      if (!d.span) return;
      const at = byteToIndex(state.text, d.span.start);
      editor.dispatch({ selection: { anchor: at }, scrollIntoView: true });
      editor.focus();
    };
    box.append(item);
  }
}

async function check(text: string): Promise<Diagnostic[]> {
  const run = await engine.check(state.file, text);
  const diagnostics = run.files[0]?.diagnostics ?? [];
  if (text === state.text) showProblems(diagnostics);
  return diagnostics;
}

/** Loads the rulebook's scenario (by name, or its only one) as JSON to edit. */
async function loadScenario(name?: string) {
  // With several scenarios and none named, the first (the panel's list
  // offers the others): the engine's "which scenario?" is for the command line.
  const names = scenarioNames();
  if (name === undefined && names.length > 1) name = names[0];
  try {
    state.scenario = await engine.scenarioJson(state.file, state.text, { files, ...(name ? { scenario: name } : {}) });
    state.scenarioAsLoaded = JSON.stringify(state.scenario);
  } catch (e) {
    state.scenario = null;
    const f = e as Failure;
    $('tab-scenario').replaceChildren(renderFailure('This rulebook has no scenario that can be run yet.', f));
    return;
  }
  drawScenario();
}

function scenarioNames(): string[] {
  return [...state.text.matchAll(/^scenario "([^"]+)"/gm)].map((m) => m[1]);
}

function drawScenario() {
  if (!state.scenario) return;
  $('tab-scenario').replaceChildren(
    renderScenario(state.scenario, scenarioNames(), {
      changed: (s) => {
        state.scenario = s;
        updateLink();
      },
      reload: (name) => loadScenario(name),
    }),
  );
}

async function run() {
  showTab('results');
  const box = $('tab-results');
  box.replaceChildren(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'Running…' }));
  const started = performance.now();
  try {
    // A summary (no journal, compact JSON): what the screen shows, fast.
    const json = await engine.simulateJson(state.file, state.text, request({ summary: true }));
    const received = performance.now();
    state.outcome = JSON.parse(json) as SimulationOutcome;
    box.replaceChildren(renderOutcome(state.outcome, explain));
    box.dataset.workerMs = String(Math.round(received - started));
    box.dataset.ms = String(Math.round(performance.now() - started));
  } catch (e) {
    state.outcome = null;
    box.replaceChildren(renderFailure('The scenario could not be run.', e as Failure));
  }
}

async function explain(expression: string, step?: number) {
  showTab('explanation');
  const box = $('tab-explanation');
  try {
    const explanation = await engine.explain(state.file, state.text, request({ value: expression, ...(step !== undefined ? { step } : {}) }));
    box.replaceChildren(renderExplanation(explanation));
  } catch (e) {
    box.replaceChildren(renderFailure(`“${expression}” could not be explained.`, e as Failure));
  }
}

async function compare() {
  showTab('comparison');
  const box = $('tab-comparison');
  box.replaceChildren(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'Comparing…' }));
  try {
    const d = await engine.diff(state.originalName === state.file ? `${state.file} (original)` : state.originalName, state.original, state.file, state.text, request());
    const against = Object.assign(document.createElement('p'), { className: 'hint compared-with', textContent: state.originalName === LINKS_ORIGINAL
      ? 'Compared with the link’s original, which is no bundled rulebook.'
      : `Compared with the bundled ${state.originalName}, as the page has it.` });
    box.replaceChildren(against, renderDiff(d));
  } catch (e) {
    box.replaceChildren(renderFailure('The two versions could not be compared.', e as Failure));
  }
}

function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The share link's `#s=` value for the work as it stands (links.ts). */
async function packed(): Promise<string> {
  return packLink(shortened(await makePayload(state, rulebooks), rulebooks));
}

const linkTo = (value: string) => `${location.origin}${location.pathname}#s=${value}`;

let linkTimer: ReturnType<typeof setTimeout> | undefined;
function updateLink() {
  // Kept up to date, so that a reload keeps the work; once typing pauses,
  // since compressing the rulebook takes a few milliseconds.
  clearTimeout(linkTimer);
  linkTimer = setTimeout(() => void packed().then((v) => history.replaceState(null, '', linkTo(v))), 400);
}

/** The rulebook's scenario a link or file names, to load once the page is up. */
let pendingScenario: string | undefined;

/** Takes what a link or file carries as the work, with its notes shown. */
function adopt(shared: Shared) {
  // A link whose original claims a bundled rulebook's name but is not its
  // text is not shown under that name.
  state.file = shared.falseClaim ? `${shared.file.replace(/\.coop$/, '')} (from a link).coop` : shared.file;
  state.text = shared.text;
  state.original = shared.original;
  state.originalName = shared.originalName;
  state.scenario = shared.scenario;
  state.scenarioAsLoaded = null;
  pendingScenario = shared.scenarioName;
  state.outcome = null;
  $('notice').hidden = true;
  if (shared.notes.length) {
    notice(shared.falseClaim ? 'bad' : 'note', shared.falseClaim ? 'This link was altered.' : 'Opened from a link.', shared.notes);
  }
}

/** Why a link or file was not opened, and what the page shows instead. */
function refused(what: string, e: unknown) {
  const reason = e instanceof LinkError ? e.message : `it could not be read (${String(e)})`;
  const title = e instanceof LinkError && e.kind === 'tampered' ? `This ${what} was tampered with.` : `This ${what} could not be opened.`;
  notice('bad', title, [
    `The ${what} was not opened: ${reason}.`,
    what === 'link'
      ? `The page shows the bundled ${state.file} instead; nothing of the link was loaded.`
      : 'The page keeps the work it had; nothing of the file was loaded.',
  ]);
}

/** The work from the address's `#s=`, if there is one; false if none or refused. */
async function restore(): Promise<boolean> {
  const m = /#s=(.*)$/.exec(location.hash);
  if (!m) return false;
  let value = m[1];
  try {
    value = decodeURIComponent(value);
  } catch {
    /* read as it is */
  }
  try {
    adopt(await readLink(value, rulebooks));
    return true;
  } catch (e) {
    refused('link', e);
    return false;
  }
}

/** The work as a share file, for work too large for a link. */
async function downloadShareFile() {
  const base = state.file.replace(/\.coop$/, '');
  download(`${base}.rochdale-share.json`, 'application/json', fileText(await makePayload(state, rulebooks)));
}

/** Opens a share file chosen by the officer. */
async function openShareFile(file: File) {
  try {
    adopt(await readFile(await file.text(), rulebooks));
  } catch (e) {
    refused('file', e);
    return;
  }
  showWork();
  toast(`Opened ${file.name}.`);
}

/** Puts the work in state into the picker, the editor and the panels. */
function showWork() {
  const picker = $<HTMLSelectElement>('rulebook-picker');
  if (![...picker.options].some((o) => o.value === state.file)) picker.append(new Option(state.file, state.file));
  picker.value = state.file;
  setText(editor, state.text);
  $('tab-results').replaceChildren(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'Run the scenario to see the results.' }));
  $('tab-comparison').replaceChildren(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'Change the rules, then press “Compare with the original”.' }));
  showTab('scenario');
  if (state.scenario) drawScenario();
  else void loadScenario(pendingScenario);
  updateLink();
}

function pick(file: string) {
  const book = rulebooks.find((r) => r.file === file);
  if (!book) return;
  $('notice').hidden = true;
  state.file = book.file;
  state.original = book.text;
  state.originalName = book.file;
  state.text = book.text;
  state.outcome = null;
  setText(editor, book.text);
  $('tab-results').replaceChildren(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'Run the scenario to see the results.' }));
  $('tab-comparison').replaceChildren(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'Change the rules, then press “Compare with the original”.' }));
  showTab('scenario');
  void loadScenario();
}

async function start() {
  const restored = await restore();
  const picker = $<HTMLSelectElement>('rulebook-picker');
  for (const r of rulebooks) {
    picker.append(new Option(`${r.title} (${r.file})`, r.file));
  }
  if (!rulebooks.some((r) => r.file === state.file)) picker.append(new Option(state.file, state.file));
  picker.value = state.file;
  picker.onchange = () => pick(picker.value);

  editor = createEditor($('editor'), state.text, check, (text) => {
    state.text = text;
    updateLink();
  });
  // The editor and the engine, for scripts/figures.mjs to time.
  Object.assign(window, { rochdalePlayground: { editor, engine } });
  for (const b of document.querySelectorAll<HTMLButtonElement>('.tabs button')) {
    b.onclick = () => showTab(b.dataset.tab!);
  }
  $('run').onclick = () => void run();
  $('compare').onclick = () => void compare();
  $('share').onclick = async () => {
    const value = await packed();
    const link = linkTo(value);
    history.replaceState(null, '', link);
    if (link.length > SAFE_LINK_CHARS) {
      const button = Object.assign(document.createElement('button'), { id: 'download-share', textContent: 'Download the share file' });
      button.onclick = () => void downloadShareFile();
      notice('note', 'Too long for a link: share a file instead.', [
        `A link to this work would be ${link.length.toLocaleString('en-GB')} characters; mail and chat may cut links over ${SAFE_LINK_CHARS.toLocaleString('en-GB')} short.`,
        'Download it as a file and send that: “Open a shared file” opens it, with the same check as a link.',
      ], button);
      return;
    }
    try {
      await navigator.clipboard.writeText(link);
      toast('Link copied: it carries this rulebook and scenario.');
    } catch {
      toast('The address bar now holds the link to share.');
    }
  };
  $('download-csv').onclick = async () => {
    try {
      download('statements.csv', 'text/csv', await engine.statementsCsv(state.file, state.text, request()));
    } catch (e) {
      showTab('results');
      $('tab-results').replaceChildren(renderFailure('The statements could not be written.', e as Failure));
    }
  };
  $('download-json').onclick = async () => {
    // The whole outcome, journal included, as the command line writes it.
    try {
      download('outcome.json', 'application/json', await engine.simulateJson(state.file, state.text, request()));
    } catch (e) {
      showTab('results');
      $('tab-results').replaceChildren(renderFailure('The outcome could not be written.', e as Failure));
    }
  };
  const input = $<HTMLInputElement>('open-file');
  $('open-shared').onclick = () => input.click();
  input.onchange = () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) void openShareFile(file);
  };
  if (restored && state.scenario) drawScenario();
  else void loadScenario(restored ? pendingScenario : undefined);
}

void start();
