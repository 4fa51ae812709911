// The rulebook editor: CodeMirror 6 with Rochdale's syntax coloured and
// diagnostics underlined as you type (computed in the worker).
import { basicSetup } from 'codemirror';
import { EditorView } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { StreamLanguage, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { linter, lintGutter, type Diagnostic as LintDiagnostic } from '@codemirror/lint';
import { tags } from '@lezer/highlight';
import type { Diagnostic } from 'rochdale';
import words from './keywords.json';

// The language's words and built-in names, written from the Rust sources
// (src/syntax/keywords.rs, src/semantics/builtins.rs) by
// `UPDATE=1 cargo test --test docs`, which fails when this file is stale.
const KEYWORDS = new Set<string>(words.keywords);
const BUILTINS = new Set<string>(words.builtins);

/** Rochdale's tokens, for colouring only: the parser is the WASM build's. */
export const rochdaleLanguage = StreamLanguage.define<{ inString: boolean }>({
  name: 'rochdale',
  startState: () => ({ inString: false }),
  token(stream, state) {
    if (state.inString) {
      while (!stream.eol()) {
        const ch = stream.next();
        if (ch === '\\') stream.next();
        else if (ch === '"') { state.inString = false; break; }
      }
      return 'string';
    }
    if (stream.eatSpace()) return null;
    if (stream.match('--')) { stream.skipToEnd(); return 'comment'; }
    if (stream.peek() === '"') { stream.next(); state.inString = true; return 'string'; }
    if (stream.match(/^\d{4}-\d{2}-\d{2}/)) return 'number';
    if (stream.match(/^-?[£€$]-?[\d_]+(\.\d+)?/)) return 'number';
    if (stream.match(/^[\d_]+(\.\d+)?%?/)) return 'number';
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
      const word = stream.current();
      if (KEYWORDS.has(word)) return 'keyword';
      if (BUILTINS.has(word)) return 'builtin';
      if (/^[A-Z]/.test(word)) return 'typeName';
      return 'variableName';
    }
    stream.next();
    return 'operator';
  },
});

const style = HighlightStyle.define([
  { tag: tags.keyword, color: '#6f42c1', fontWeight: '600' },
  { tag: tags.comment, color: '#6a737d', fontStyle: 'italic' },
  { tag: tags.string, color: '#0a6b2b' },
  { tag: tags.number, color: '#b35900' },
  { tag: tags.typeName, color: '#005cc5' },
  { tag: tags.standard(tags.variableName), color: '#d73a49' },
  { tag: tags.operator, color: '#444' },
]);

/** The UTF-16 index (CodeMirror's) of a UTF-8 byte offset (Rochdale's spans). */
export function byteToIndex(text: string, byte: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    if (bytes >= byte) return i;
    const code = text.codePointAt(i)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (code >= 0x10000) i++;
  }
  return text.length;
}

/** Diagnostics placed in the text, for CodeMirror. */
export function toLint(text: string, diagnostics: Diagnostic[]): LintDiagnostic[] {
  return diagnostics.map((d) => {
    let from = d.span ? byteToIndex(text, d.span.start) : 0;
    let to = d.span ? byteToIndex(text, d.span.end) : 0;
    if (to <= from) to = Math.min(text.length, from + 1);
    if (from >= text.length) from = Math.max(0, text.length - 1);
    return {
      from,
      to,
      severity: d.severity === 'warning' ? 'warning' : 'error',
      source: d.code,
      message: d.message,
      renderMessage: () => {
        const box = document.createElement('div');
        box.className = 'lint-message';
        const what = document.createElement('div');
        what.textContent = `${d.code}: ${d.message}`;
        box.append(what);
        if (d.label) {
          const label = document.createElement('div');
          label.className = 'lint-label';
          label.textContent = d.label;
          box.append(label);
        }
        if (d.help) {
          const help = document.createElement('div');
          help.className = 'lint-help';
          help.textContent = `help: ${d.help}`;
          box.append(help);
        }
        return box;
      },
    };
  });
}

export function createEditor(
  parent: HTMLElement,
  text: string,
  check: (text: string) => Promise<Diagnostic[]>,
  onChange: (text: string) => void,
): EditorView {
  const lint = linter(
    async (view) => {
      const now = view.state.doc.toString();
      const diagnostics = await check(now);
      // A newer edit may have come in; its own lint run will report.
      if (view.state.doc.toString() !== now) return [];
      return toLint(now, diagnostics);
    },
    // No pause: the check runs in the worker, so typing never waits for it.
    { delay: 0 },
  );
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        rochdaleLanguage,
        syntaxHighlighting(style),
        lint,
        lintGutter(),
        EditorView.lineWrapping,
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
}

export function setText(view: EditorView, text: string) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}
