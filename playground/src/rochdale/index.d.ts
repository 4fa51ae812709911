// Types of Rochdale's JSON: the same shapes as the command line's
// `--format json` (docs/scenarios.md, docs/diff.md describe them).

/** A value with its type: `{ type: "Money in GBP", value: "0.73", display: "£0.73" }`. */
export interface ValueView {
  type: string;
  /** The exact value, canonical: `30.00`, `0.2` for 20%, a date, a name. */
  value: string;
  /** As a person reads it: `£30.00`, `20%`. */
  display: string;
}

export interface Span { start: number; end: number }

export interface Diagnostic {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  file: string;
  line: number | null;
  column: number | null;
  /** Byte offsets into the UTF-8 text (end exclusive). */
  span: Span | null;
  label: string | null;
  help: string | null;
  related: { message: string; line: number; column: number; span: Span }[];
}

export interface Provenance {
  rulebook: string;
  version: string | null;
  hash: string;
  amendments: string[];
}

export interface CheckRun {
  files: { file: string; ok: boolean; diagnostics: Diagnostic[] }[];
}

export interface Expectation {
  line: number;
  text: string;
  passed: boolean;
  expected: ValueView | null;
  actual: ValueView | null;
  diagnostic: Diagnostic | null;
}

export interface TestRun {
  passed: number;
  failed: number;
  files: {
    file: string;
    rulebook: string | null;
    provenance: Provenance | null;
    passed: number;
    failed: number;
    diagnostics: Diagnostic[];
    examples: { name: string; line: number; passed: boolean; expectations: Expectation[] }[];
  }[];
}

export interface Named { name: string; value: ValueView }

export interface Step {
  step: number;
  date: string;
  what: string;
  status: 'done' | 'refused' | 'failed';
  reasons: string[];
  diagnostic: unknown | null;
}

export interface ResolutionOutcome {
  name: string;
  passed: boolean;
  quorate: boolean;
  present: number;
  required: number;
  members: number;
  votes_for: string;
  votes_against: string;
  abstentions: string;
  share_for: string;
  uncounted: number;
  reason: string;
}

export interface Tranche { label: string; total: ValueView; how: string; members: Named[] }

export interface SimulationOutcome {
  rulebook: string;
  version: string | null;
  scenario: string;
  provenance: Provenance;
  in_force: Provenance;
  steps: Step[];
  journal: { date: string; step: number; debit: string; credit: string; amount: ValueView }[];
  trial_balance: {
    accounts: { account: string; debit: ValueView; credit: ValueView }[];
    total_debit: ValueView;
    total_credit: ValueView;
    balanced: boolean;
  };
  funds: Named[];
  members: {
    name: string;
    member: boolean;
    joined: string | null;
    left: string | null;
    attributes: Named[];
    accounts: Named[];
    periods: Named[];
  }[];
  resolutions: { step: number; date: string; title: string | null; outcome: ResolutionOutcome }[];
  amendments: { step: number; date: string; parameter: string; old: ValueView; new: ValueView; resolution: string; reason: string }[];
  periods: {
    number: number;
    closed_on: string;
    in_force: Provenance;
    figures: Named[];
    allocations: { amount: ValueView; tranches: Tranche[] }[];
  }[];
  parameters: Named[];
}

export interface ExplainNode {
  label: string;
  kind: 'rule' | 'parameter' | 'input' | 'expression' | 'fact';
  value: ValueView | null;
  article: string | null;
  notes: string[];
  steps: ExplainNode[];
  omitted: number;
}

export interface Explanation {
  rulebook: string;
  version: string | null;
  provenance: Provenance;
  context: string;
  expression: string;
  value: ValueView;
  steps: ExplainNode[];
}

export interface ValueChange {
  kind: string;
  name: string;
  old: ValueView | null;
  new: ValueView | null;
  difference: ValueView | null;
  /** For the cooperative's own accounts: the side of the account's nature. */
  side?: 'debit' | 'credit';
}

export interface RulebookDiffTotals {
  members: number;
  gain: number;
  lose: number;
  unchanged: number;
  admissions_changed: number;
  largest_gain: { member: string; amount: ValueView } | null;
  largest_loss: { member: string; amount: ValueView } | null;
}

export interface RulebookDiff {
  old: Provenance;
  new: Provenance;
  changes: {
    kind: string;
    name: string;
    article: string | null;
    change: 'added' | 'removed' | 'changed';
    parts?: string[];
    old: string | null;
    new: string | null;
  }[];
  examples: {
    name: string;
    old_passed: boolean;
    new_passed: boolean;
    values: { expect: string; old: ValueView | null; new: ValueView | null; difference: ValueView | null; old_error: string | null; new_error: string | null }[];
  }[];
  simulation: null | {
    scenario: string;
    steps: { step: number; date: string; what: string; old: string; new: string; old_reasons: string[]; new_reasons: string[] }[];
    admissions: { member: string; old_member: boolean; new_member: boolean; reasons: string[] }[];
    members: {
      name: string;
      old_member: boolean;
      new_member: boolean;
      changes: ValueChange[];
      net: ValueView | null;
      /** The part of `net` the allocations gave them. */
      given: ValueView | null;
      /** The rest of `net`: their own payments. */
      paid_in: ValueView | null;
      effect: 'gains' | 'loses' | 'unchanged';
    }[];
    tranches: { period: number; label: string; old: ValueView | null; new: ValueView | null; difference: ValueView | null }[];
    funds: ValueChange[];
    resolutions: { step: number; title: string | null; old_passed: boolean; new_passed: boolean; old_reason: string; new_reason: string }[];
    totals: {
      members: number;
      gain: number;
      lose: number;
      unchanged: number;
      admissions_changed: number;
      largest_gain: { member: string; amount: ValueView } | null;
      largest_loss: { member: string; amount: ValueView } | null;
    };
    /** When more than one part changed: each parameter run on its own. */
    parameters_alone: {
      parameter: string;
      old: ValueView;
      new: ValueView;
      totals: RulebookDiffTotals;
      members: { member: string; amount: ValueView }[];
    }[];
  };
  notes: string[];
}

/** A scenario in JSON (docs/scenarios.md): values written as in a rulebook. */
export interface ScenarioJson {
  name: string;
  parameters?: Record<string, string>;
  members: ({ name: string } & Record<string, string | number | boolean>)[];
  steps: ({ date: string } & (
    | { act: string; args: (string | number | boolean)[] }
    | { motion: string; title?: string; for: string[]; against: string[]; abstain: string[]; amend: Record<string, string> }
    | { close: true | Record<string, string> }
  ))[];
}

/** What to run; every field optional. */
export interface RunRequest {
  /** A scenario of the rulebook, by name (its only one if not given). */
  scenario?: string;
  /** Or the text of a scenario in JSON. */
  scenario_json?: string;
  /** More members, as CSV text. */
  members_csv?: string;
  /** How `members_csv` is read: its columns given an attribute by hand (column to attribute), as `--map`. */
  members_map?: Record<string, string>;
  /** How `members_csv` writes dates with slashes, as `--dates`. */
  members_dates?: 'day-first' | 'month-first';
  /** Files the rulebook names (`members from "x.csv"`), by name. */
  files?: Record<string, string>;
  /** For diff: the examples only. */
  examples_only?: boolean;
  /** For explain: the example whose inputs are used. */
  example?: string;
  /** For explain in a scenario: the last step run. */
  step?: number;
  /** For explain: the expression. */
  value?: string;
  /** For simulate: no journal, compact JSON (a screen of statements). */
  summary?: boolean;
}

export class RochdaleError extends Error {
  diagnostics: Diagnostic[];
}

/** Loads the module from a URL (browser) or its bytes (Node); once. */
export function load(source?: URL | string | BufferSource): Promise<void>;
/** Loads the module from its bytes, at once. */
export function loadSync(bytes: BufferSource): void;

export function version(): string;
export function check(name: string, text: string, request?: RunRequest): CheckRun;
export function test(name: string, text: string, request?: RunRequest): TestRun;
export function simulate(name: string, text: string, request?: RunRequest): SimulationOutcome;
export function explain(name: string, text: string, request: RunRequest): Explanation;
export function diff(oldName: string, oldText: string, newName: string, newText: string, request?: RunRequest): RulebookDiff;
export function format(name: string, text: string): string;
export function simulateJson(name: string, text: string, request?: RunRequest): string;
export function scenarioJson(name: string, text: string, request?: RunRequest): ScenarioJson;
export function statementsCsv(name: string, text: string, request?: RunRequest): string;

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
};
