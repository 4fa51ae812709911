// Rochdale for JavaScript: the functions (declared here) over the JSON
// shapes of the command line's `--format json`, which types.d.ts declares:
// generated from the Rust types by tsify (wasm/tests/typescript.rs), not
// written by hand.
import type {
  CheckRunJson,
  DiagnosticJson,
  Explanation,
  RulebookDiff,
  RunRequest,
  SimulationOutcome,
  TestRunJson,
} from './types.js';

export type * from './types.js';
/** The names the playground has used: the same types. */
export type {
  CheckRunJson as CheckRun,
  DiagnosticJson as Diagnostic,
  ExpectationJson as Expectation,
  StepOutcome as Step,
  Totals as RulebookDiffTotals,
  TestRunJson as TestRun,
  TrancheView as Tranche,
} from './types.js';

/**
 * A scenario in JSON (docs/scenarios.md): values written as in a rulebook.
 * Not generated: its reader is a streaming parser, not a serde type.
 */
export interface ScenarioJson {
  name: string;
  parameters?: Record<string, string>;
  /** Each person, with `joined` (and `left`) dates for a member before the timeline. */
  members: ({ name: string } & Record<string, string | number | boolean>)[];
  /** What the books hold when the timeline begins: an account, its member for a member's account, a debit or a credit. */
  opening_balances?: { account: string; member?: string; debit?: string; credit?: string }[];
  steps: ({ date: string } & (
    | { act: string; args: (string | number | boolean)[] }
    | {
        motion: string; title?: string; for: string[]; against: string[]; abstain: string[]; amend: Record<string, string>;
        effective?: string; sitting?: 'first call' | 'second call' | 'confirming'; notice_given?: string;
        proxies?: { voter: string; holder: string }[]; by_post?: string[];
        then?: { act: string; args: (string | number | boolean)[] };
      }
    | { election: string; candidates: string[]; ballots: { voter: string; ranking: string[] }[]; seed?: number }
    | { close: true | Record<string, string> }
  ))[];
}

/** The rulebook, the request or the scenario has errors. */
export class RochdaleError extends Error {
  diagnostics: DiagnosticJson[];
}

/** Loads the module from a URL (browser) or its bytes (Node); once. In Node, importing the package has loaded it. */
export function load(source?: URL | string | BufferSource): Promise<void>;
/** Loads the module from its bytes, at once. */
export function loadSync(bytes: BufferSource): void;

export function version(): string;
export function check(name: string, text: string, request?: RunRequest): CheckRunJson;
export function test(name: string, text: string, request?: RunRequest): TestRunJson;
export function simulate(name: string, text: string, request?: RunRequest): SimulationOutcome;
export function explain(name: string, text: string, request: RunRequest): Explanation;
export function diff(oldName: string, oldText: string, newName: string, newText: string, request?: RunRequest): RulebookDiff;
export function format(name: string, text: string): string;
export function simulateJson(name: string, text: string, request?: RunRequest): string;
export function scenarioJson(name: string, text: string, request?: RunRequest): ScenarioJson;
export function statementsCsv(name: string, text: string, request?: RunRequest): string;
export function projectionCsv(name: string, text: string, request?: RunRequest): string;

/** The JSON texts, byte for byte as the CLI prints them (without its final newline). */
export const raw: {
  version(): string;
  check(name: string, text: string, request?: RunRequest): string;
  test(name: string, text: string, request?: RunRequest): string;
  simulate(name: string, text: string, request?: RunRequest): string;
  explain(name: string, text: string, request: RunRequest): string;
  diff(oldName: string, oldText: string, newName: string, newText: string, request?: RunRequest): string;
  format(name: string, text: string): string;
  scenarioJson(name: string, text: string, request?: RunRequest): string;
  statementsCsv(name: string, text: string, request?: RunRequest): string;
  projectionCsv(name: string, text: string, request?: RunRequest): string;
};
