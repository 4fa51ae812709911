// The page's side of the worker: each call is a promise.
import type {
  CheckRun, Diagnostic, Explanation, RulebookDiff, RunRequest, ScenarioJson, SimulationOutcome,
} from 'rochdale';
import type { Reply } from './worker.ts';

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
let next = 1;
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();

worker.onmessage = (event: MessageEvent<Reply>) => {
  const reply = event.data;
  const pending = waiting.get(reply.id);
  if (!pending) return;
  waiting.delete(reply.id);
  if (reply.ok) pending.resolve(reply.value);
  else pending.reject(reply.error);
};

function call<T>(op: string, ...args: unknown[]): Promise<T> {
  const id = next++;
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
    worker.postMessage({ id, op, args });
  });
}

/** What a failed call carries: the diagnostics, or a message. */
export type Failure = { diagnostics?: Diagnostic[]; message?: string };

export const engine = {
  check: (name: string, text: string) => call<CheckRun>('check', name, text),
  simulate: (name: string, text: string, r: RunRequest) => call<SimulationOutcome>('simulate', name, text, r),
  simulateJson: (name: string, text: string, r: RunRequest) => call<string>('simulateJson', name, text, r),
  explain: (name: string, text: string, r: RunRequest) => call<Explanation>('explain', name, text, r),
  diff: (oldName: string, oldText: string, newName: string, newText: string, r: RunRequest) =>
    call<RulebookDiff>('diff', oldName, oldText, newName, newText, r),
  scenarioJson: (name: string, text: string, r: RunRequest) => call<ScenarioJson>('scenarioJson', name, text, r),
  statementsCsv: (name: string, text: string, r: RunRequest) => call<string>('statementsCsv', name, text, r),
};
