// Share links and share files: the rulebook, its original and the scenario,
// with a check that they arrived as they were sent.
//
// A link is `#s=` and the payload, compressed by lz-string. The payload
// (version 2) is
//   { v: 2, f: file name, t: text, o?: the original's text, b?: 1, s?: scenario, n?: name, h: check }
// where `b: 1` says "the original is the bundled rulebook `f`" (its text is
// then not carried: the page takes its own copy) and `o` carries an
// original that is not bundled (absent: the original is `t` itself). Two
// shortcuts keep a link to an edited bundled rulebook short (lz-string
// leaves a bundled rulebook at 8,500 to 13,700 characters, over the safe
// length below): with `b: 1`, `d: [p, q, middle]` may stand for `t`, the
// bundled text's first p and last q characters around `middle`; and
// `n: name` for a scenario unchanged from the rulebook's scenario `name`.
//
// `h` is the SHA-256 (WebCrypto) of the canonical payload, the JSON array
// [2, f, t, o or null, b or 0, s or null, n or null], `t` in full. It catches a link cut short,
// garbled or edited by hand; it is no signature, since anyone can make a new
// link with a new check. So the page never takes a link's word for what the
// original is: an original that claims a bundled rulebook's name is
// compared with the bundled text, and when it differs the page calls it
// "the link's original" and says that the link was altered.
//
// Links made before the check (no `v`, no `h`) still open, marked
// "unverified link": their original is checked against the bundled text
// all the same.
import LZString from 'lz-string';
import type { ScenarioJson } from 'rochdale';
import type { Rulebook } from './rulebooks.ts';

/**
 * The longest link the page offers to share: 8,000 characters. RFC 9110
 * (section 4.1) asks only that URIs of at least 8,000 octets be supported,
 * and mail clients, chat apps and link shorteners cut or refuse longer
 * ones; beyond it, the page offers a file to download instead.
 */
export const SAFE_LINK_CHARS = 8000;
/** The longest `#s=` value read at all (a link this long is no real share). */
export const MAX_LINK_CHARS = 2_000_000;
/** The most text a link or file may unpack to: 8 MB. */
export const MAX_PAYLOAD_CHARS = 8_000_000;

/** What a link or file carries, once read and checked. */
export interface Shared {
  file: string;
  text: string;
  /** The original: what "Compare with the original" compares with. */
  original: string;
  /** What to call the original: the bundled file's name, or "the link's original". */
  originalName: string;
  scenario: ScenarioJson | null;
  /** With no scenario: the rulebook's scenario to load, unchanged. */
  scenarioName?: string;
  /** Notes to show with it: "unverified link", "the link was altered". */
  notes: string[];
  /** A bundled rulebook's name claimed by the link but not matched by its text. */
  falseClaim?: string;
}

/** Why a link or file could not be opened, in an officer's words. */
export class LinkError extends Error {
  constructor(message: string, readonly kind: 'invalid' | 'oversized' | 'shape' | 'tampered') {
    super(message);
  }
}

export const LINKS_ORIGINAL = 'the link’s original';

interface Payload {
  v?: number;
  f: string;
  /** Absent only where `d` stands for it. */
  t?: string;
  o?: string;
  b?: number;
  s?: ScenarioJson | null;
  n?: string;
  d?: [number, number, string];
  h?: string;
}

function canonical(p: Payload, text: string): string {
  return JSON.stringify([2, p.f, text, p.o ?? null, p.b ?? 0, p.s ?? null, p.n ?? null]);
}

/** `text` as the bundled text's first p and last q characters around a middle. */
function around(bundled: string, text: string): [number, number, string] {
  let p = 0;
  const most = Math.min(bundled.length, text.length);
  while (p < most && bundled[p] === text[p]) p++;
  let q = 0;
  while (q < most - p && bundled[bundled.length - 1 - q] === text[text.length - 1 - q]) q++;
  return [p, q, text.slice(p, text.length - q)];
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The payload of the work as it stands, with its check. */
export async function makePayload(
  work: { file: string; text: string; original: string; scenario: ScenarioJson | null; scenarioAsLoaded: string | null },
  bundled: Rulebook[],
): Promise<Payload> {
  const book = bundled.find((r) => r.file === work.file);
  const p: Payload = { v: 2, f: work.file, t: work.text };
  if (book && book.text === work.original) p.b = 1;
  else if (work.original !== work.text) p.o = work.original;
  if (work.scenario && work.scenarioAsLoaded === JSON.stringify(work.scenario)) p.n = work.scenario.name;
  else if (work.scenario) p.s = work.scenario;
  p.h = await sha256(canonical(p, work.text));
  return p;
}

/** The payload as a link carries it: an edited bundled text as its change. */
export function shortened(p: Payload, bundled: Rulebook[]): Payload {
  const book = p.b === 1 ? bundled.find((r) => r.file === p.f) : undefined;
  if (!book || p.t === undefined) return p;
  const { t, ...rest } = p;
  return { ...rest, d: around(book.text, t) };
}

/** The `#s=` value of a payload. */
export function packLink(p: Payload): string {
  return LZString.compressToEncodedURIComponent(JSON.stringify(p));
}

/** A share file's text: the payload as JSON, readable and diffable. */
export function fileText(p: Payload): string {
  return `${JSON.stringify({ rochdale_share: 2, ...p }, null, 2)}\n`;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isValue = (x: unknown) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
const strings = (x: unknown) => Array.isArray(x) && x.every((y) => typeof y === 'string');

/** Why a scenario has the wrong shape (what the scenario panel reads), or null. */
export function scenarioProblem(s: unknown): string | null {
  if (!isObject(s)) return 'the scenario is not an object';
  if (typeof s.name !== 'string') return 'the scenario has no name';
  if (s.parameters !== undefined && !(isObject(s.parameters) && Object.values(s.parameters).every((v) => typeof v === 'string'))) {
    return 'the scenario’s parameters are not names and values';
  }
  if (!Array.isArray(s.members)) return 'the scenario’s members are not a list';
  for (const [i, m] of s.members.entries()) {
    if (!isObject(m) || typeof m.name !== 'string' || !Object.values(m).every(isValue)) {
      return `member ${i + 1} of the scenario is not a name with attributes`;
    }
  }
  if (s.opening_balances !== undefined && !(Array.isArray(s.opening_balances) && s.opening_balances.every((b) => isObject(b)
    && typeof b.account === 'string' && (b.member === undefined || typeof b.member === 'string')
    && (b.debit === undefined || typeof b.debit === 'string') && (b.credit === undefined || typeof b.credit === 'string')))) {
    return 'the scenario’s opening balances are not accounts with a debit or a credit';
  }
  if (!Array.isArray(s.steps)) return 'the scenario’s steps are not a list';
  for (const [i, st] of s.steps.entries()) {
    const where = `step ${i + 1} of the scenario`;
    if (!isObject(st) || typeof st.date !== 'string') return `${where} has no date`;
    if ('act' in st) {
      if (typeof st.act !== 'string' || !Array.isArray(st.args) || !st.args.every(isValue)) return `${where} is not an act with its arguments`;
    } else if ('motion' in st) {
      if (typeof st.motion !== 'string' || !strings(st.for) || !strings(st.against) || !strings(st.abstain)) return `${where} is not a motion with its votes`;
      if (st.title !== undefined && typeof st.title !== 'string') return `${where} has a title that is not text`;
      if (st.amend !== undefined && !(isObject(st.amend) && Object.values(st.amend).every((v) => typeof v === 'string'))) return `${where} amends with values that are not text`;
      if (st.then !== undefined && !(isObject(st.then) && typeof st.then.act === 'string' && Array.isArray(st.then.args) && st.then.args.every(isValue))) {
        return `${where} decides an act that is not an act with its arguments`;
      }
    } else if ('election' in st) {
      const ballots = st.ballots;
      if (typeof st.election !== 'string' || !strings(st.candidates) || !Array.isArray(ballots)
        || !ballots.every((b) => isObject(b) && typeof b.voter === 'string' && strings(b.ranking))) {
        return `${where} is not an election with its candidates and ballots`;
      }
      if (st.seed !== undefined && !Number.isSafeInteger(st.seed)) return `${where} has a seed that is not a whole number`;
    } else if ('close' in st) {
      if (st.close !== true && !(isObject(st.close) && Object.values(st.close).every((v) => typeof v === 'string'))) return `${where} closes a period with figures that are not text`;
    } else {
      return `${where} is no act, motion, election or close`;
    }
  }
  return null;
}

/** Checks a payload's shape and integrity and what its original is. */
async function open(raw: unknown, bundled: Rulebook[]): Promise<Shared> {
  if (!isObject(raw)) throw new LinkError('it does not hold a rulebook', 'shape');
  const p = raw as unknown as Payload;
  if (typeof p.f !== 'string' || p.f.length === 0 || p.f.length > 200) throw new LinkError('it names no rulebook file', 'shape');
  const book = bundled.find((r) => r.file === p.f);
  if (p.d !== undefined && p.t === undefined) {
    const [q, r, middle] = (Array.isArray(p.d) ? p.d : []) as unknown[];
    const whole = book?.text.length ?? -1;
    const count = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0;
    if (p.b !== 1 || !book || !count(q) || !count(r) || typeof middle !== 'string' || q + r > whole) {
      throw new LinkError('its change to a bundled rulebook does not fit the bundled text', 'shape');
    }
    p.t = book.text.slice(0, q) + middle + book.text.slice(whole - r);
  }
  if (typeof p.t !== 'string') throw new LinkError('it holds no rulebook text', 'shape');
  if (p.n !== undefined && (typeof p.n !== 'string' || p.s !== undefined)) throw new LinkError('its scenario is named in a way this page does not know', 'shape');
  if (p.o !== undefined && typeof p.o !== 'string') throw new LinkError('its original is not a rulebook text', 'shape');
  if (p.s !== undefined && p.s !== null) {
    const problem = scenarioProblem(p.s);
    if (problem) throw new LinkError(`its scenario has the wrong shape: ${problem}`, 'shape');
  }
  const notes: string[] = [];
  const verified = p.v !== undefined || p.h !== undefined;
  if (verified) {
    if (p.v !== 2 || typeof p.h !== 'string') throw new LinkError('it is of a kind this page does not know', 'shape');
    if ((await sha256(canonical(p, p.t))) !== p.h) {
      throw new LinkError(p.d
        ? `it has been altered, or made from another version of the bundled ${p.f}: its check does not match what it carries, so it was not opened`
        : 'it has been altered: its check does not match what it carries, so it was not opened', 'tampered');
    }
  } else {
    notes.push('Unverified link: it was made before links carried a check, so the page cannot tell whether it arrived as it was sent.');
  }
  let original: string;
  let originalName = LINKS_ORIGINAL;
  let falseClaim: string | undefined;
  if (p.b === 1) {
    if (!book) throw new LinkError(`its original is said to be the bundled ${p.f}, which this page does not have`, 'shape');
    original = book.text;
    originalName = book.file;
  } else {
    original = p.o ?? p.t;
    if (book && book.text === original) {
      originalName = book.file;
    } else if (book) {
      falseClaim = book.file;
      notes.push(`The link was altered: its original is not the bundled ${book.file}, whose name it carries. “Compare with the original” compares with the link’s original.`);
    }
  }
  return { file: p.f, text: p.t, original, originalName, scenario: p.s ?? null, scenarioName: p.n, notes, falseClaim };
}

/** Reads a link's `#s=` value. */
export async function readLink(packed: string, bundled: Rulebook[]): Promise<Shared> {
  if (packed.length > MAX_LINK_CHARS) {
    throw new LinkError(`it is too long to be a share link (${packed.length.toLocaleString('en-GB')} characters, at most ${MAX_LINK_CHARS.toLocaleString('en-GB')})`, 'oversized');
  }
  if (!/^[A-Za-z0-9+\-$]*$/.test(packed)) throw new LinkError('it is not a share link: it holds characters a share link never has', 'invalid');
  let json: string | null;
  try {
    json = LZString.decompressFromEncodedURIComponent(packed);
  } catch {
    json = null;
  }
  if (!json) throw new LinkError('it is not a share link: it does not unpack (cut short, or not made by this page)', 'invalid');
  if (json.length > MAX_PAYLOAD_CHARS) {
    throw new LinkError(`it unpacks to more than ${MAX_PAYLOAD_CHARS.toLocaleString('en-GB')} characters`, 'oversized');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new LinkError('it is not a share link: what it unpacks to is not a rulebook and scenario', 'invalid');
  }
  return open(raw, bundled);
}

/** Reads a share file's text. */
export async function readFile(text: string, bundled: Rulebook[]): Promise<Shared> {
  if (text.length > MAX_PAYLOAD_CHARS) throw new LinkError(`it is larger than ${MAX_PAYLOAD_CHARS.toLocaleString('en-GB')} characters`, 'oversized');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new LinkError('it is not a share file: it is not JSON', 'invalid');
  }
  if (!isObject(raw) || raw.rochdale_share !== 2) throw new LinkError('it is not a share file of this page', 'invalid');
  const payload = { ...raw };
  delete payload.rochdale_share;
  return open(payload, bundled);
}
