// Results for people: tables and charts of a simulation, a comparison of
// two versions, and an explanation as a tree. Plain labels; no raw JSON.
import type {
  Diagnostic, ElectionResult, Explanation, ExplainNode, MotionOutcome, RulebookDiff, SimulationOutcome, Sitting, Step, ValueChange,
  ValueView, YearRow,
} from 'rochdale';
import type { Failure } from './engine.ts';

type Member = NonNullable<RulebookDiff['simulation']>['members'][number];

type Child = Node | string;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, unknown> = {}, ...children: Child[]) => {
  const node = Object.assign(document.createElement(tag), props) as HTMLElementTagNameMap[K];
  node.append(...children);
  return node;
};
const section = (title: string, ...children: Child[]) => el('section', { className: 'result' }, el('h3', {}, title), ...children);

function table(header: string[], rows: Child[][], className = 'grid'): HTMLTableElement {
  const t = el('table', { className });
  t.append(el('tr', {}, ...header.map((h) => el('th', {}, h))));
  for (const r of rows) t.append(el('tr', {}, ...r.map((c) => (c instanceof HTMLTableCellElement ? c : el('td', {}, c)))));
  return t;
}

const number = (v: ValueView | null | undefined) => (v ? Number(v.value) : 0);

/** What a click on a figure asks: explain `expression`, as the books stood after `step` (else after the last). */
export type Explain = (expression: string, step?: number) => void;

/** A figure a person can click to see how it is worked out (as of `step`, when given). */
function figure(v: ValueView | null | undefined, expression: string | null, explain: Explain, step?: number): HTMLTableCellElement {
  const cell = el('td', { className: 'num' });
  if (!v) {
    cell.textContent = '–';
    return cell;
  }
  if (!expression) {
    cell.textContent = v.display;
    return cell;
  }
  const b = el('button', { className: 'figure', textContent: v.display, title: `How is ${v.display} worked out?` });
  b.dataset.explain = expression;
  if (step !== undefined) b.dataset.step = String(step);
  b.onclick = () => explain(expression, step);
  cell.append(b);
  return cell;
}

const esc = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A table as one HTML string: for hundreds of rows, far faster than node by node. */
function fastTable(header: string[], rows: string[][], className: string): HTMLElement {
  const wrap = document.createElement('div');
  const head = `<tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.join('')}</tr>`).join('');
  wrap.innerHTML = `<table class="${className}">${head}${body}</table>`;
  return wrap.firstElementChild as HTMLElement;
}

/** A cell: plain text, or a figure to click for its explanation. */
function cellHtml(v: ValueView | null | undefined, expression: string | null): string {
  if (!v) return '<td class="num">–</td>';
  if (!expression) return `<td class="num">${esc(v.display)}</td>`;
  return `<td class="num"><button class="figure" data-explain="${esc(expression)}" title="How is ${esc(v.display)} worked out?">${esc(v.display)}</button></td>`;
}

const PALETTE = ['#2f6f4f', '#c77d1a', '#3b6ea8', '#8a4f9e', '#b8433a', '#5a8f29', '#7a7a7a'];

/** A horizontal bar divided in proportion: how the surplus is divided. */
function stackedBar(parts: { label: string; value: number; display: string }[]): SVGSVGElement {
  const total = parts.reduce((s, p) => s + Math.max(p.value, 0), 0) || 1;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 600 ${40 + parts.length * 22}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'How the surplus is divided');
  let x = 0;
  parts.forEach((p, i) => {
    const w = (Math.max(p.value, 0) / total) * 600;
    const rect = document.createElementNS(ns, 'rect');
    Object.entries({ x, y: 0, width: w, height: 28, fill: PALETTE[i % PALETTE.length] }).forEach(([k, v]) => rect.setAttribute(k, String(v)));
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${p.label}: ${p.display}`;
    rect.append(title);
    svg.append(rect);
    x += w;
    const key = document.createElementNS(ns, 'rect');
    Object.entries({ x: 0, y: 40 + i * 22, width: 14, height: 14, fill: PALETTE[i % PALETTE.length] }).forEach(([k, v]) => key.setAttribute(k, String(v)));
    const text = document.createElementNS(ns, 'text');
    Object.entries({ x: 22, y: 52 + i * 22 }).forEach(([k, v]) => text.setAttribute(k, String(v)));
    text.textContent = `${p.label}: ${p.display} (${Math.round((Math.max(p.value, 0) / total) * 1000) / 10}%)`;
    svg.append(key, text);
  });
  return svg;
}

/** Each member's shares of the split tranches (interest, dividend) as bars. */
function memberBars(rows: { name: string; values: { label: string; value: number; display: string }[] }[], labels: string[]): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const max = Math.max(...rows.flatMap((r) => r.values.map((v) => v.value)), 0) || 1;
  const barH = 10;
  const rowH = labels.length * barH + 8;
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 600 ${rows.length * rowH + 24 + labels.length * 18}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', "Each member's share");
  rows.forEach((r, i) => {
    const name = document.createElementNS(ns, 'text');
    Object.entries({ x: 0, y: i * rowH + barH + 2, 'font-size': 11 }).forEach(([k, v]) => name.setAttribute(k, String(v)));
    name.textContent = r.name;
    svg.append(name);
    labels.forEach((label, j) => {
      const v = r.values.find((x) => x.label === label);
      const rect = document.createElementNS(ns, 'rect');
      Object.entries({ x: 110, y: i * rowH + j * barH, width: v ? (Math.max(v.value, 0) / max) * 420 : 0, height: barH - 1, fill: PALETTE[j % PALETTE.length] })
        .forEach(([k, val]) => rect.setAttribute(k, String(val)));
      const title = document.createElementNS(ns, 'title');
      title.textContent = `${r.name}, ${label}: ${v?.display ?? '–'}`;
      rect.append(title);
      svg.append(rect);
    });
  });
  labels.forEach((label, j) => {
    const y = rows.length * rowH + 12 + j * 18;
    const key = document.createElementNS(ns, 'rect');
    Object.entries({ x: 110, y, width: 12, height: 12, fill: PALETTE[j % PALETTE.length] }).forEach(([k, v]) => key.setAttribute(k, String(v)));
    const text = document.createElementNS(ns, 'text');
    Object.entries({ x: 128, y: y + 11, 'font-size': 12 }).forEach(([k, v]) => text.setAttribute(k, String(v)));
    text.textContent = label;
    svg.append(key, text);
  });
  return svg;
}

const SVG = 'http://www.w3.org/2000/svg';
const svgEl = (tag: string, attrs: Record<string, string | number>, text?: string) => {
  const node = document.createElementNS(SVG, tag);
  Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, String(v)));
  if (text !== undefined) node.textContent = text;
  return node;
};

/** A balance on its side, as the command line writes it: `£400.00 Dr` for cash, `£40.00 Cr` for a fund. */
const withSide = (v: ValueView) => (v.display.startsWith('-') ? `${v.display.slice(1)} Dr` : `${v.display} Cr`);

/**
 * Balances by year as lines, one per account (its size on its side: cash,
 * a debit, rises as it grows). The table beside it holds the same figures.
 */
function lineChart(title: string, years: string[], series: { label: string; values: (ValueView | undefined)[] }[]): SVGSVGElement {
  const left = 70, top = 20, width = 500, height = 200;
  const size = (v: ValueView | undefined) => (v ? Math.abs(Number(v.value)) : null);
  const max = Math.max(...series.flatMap((s) => s.values.map((v) => size(v) ?? 0)), 0) || 1;
  const x = (i: number) => left + (years.length > 1 ? (i / (years.length - 1)) * width : width / 2);
  const y = (v: number) => top + height - (v / max) * height;
  const svg = svgEl('svg', { viewBox: `0 0 600 ${top + height + 40 + series.length * 18}`, class: 'chart projection-chart', role: 'img', 'aria-label': title }) as SVGSVGElement;
  svg.append(svgEl('title', {}, title));
  svg.append(svgEl('line', { x1: left, y1: top + height, x2: left + width, y2: top + height, stroke: '#999' }));
  svg.append(svgEl('line', { x1: left, y1: top, x2: left, y2: top + height, stroke: '#999' }));
  const largest = series.flatMap((s) => s.values).filter((v): v is ValueView => !!v).find((v) => size(v) === max);
  svg.append(svgEl('text', { x: left - 6, y: top + 4, 'text-anchor': 'end', 'font-size': 11 }, largest ? largest.display.replace(/^-/, '') : ''));
  svg.append(svgEl('text', { x: left - 6, y: top + height + 4, 'text-anchor': 'end', 'font-size': 11 }, '0'));
  years.forEach((year, i) => svg.append(svgEl('text', { x: x(i), y: top + height + 16, 'text-anchor': 'middle', 'font-size': 11 }, year)));
  series.forEach((s, j) => {
    const colour = PALETTE[j % PALETTE.length];
    const points = s.values.map((v, i) => [i, size(v)] as const).filter((p): p is readonly [number, number] => p[1] !== null);
    svg.append(svgEl('polyline', { points: points.map(([i, v]) => `${x(i)},${y(v)}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': 2 }));
    for (const [i, v] of points) {
      const dot = svgEl('circle', { cx: x(i), cy: y(v), r: 3, fill: colour });
      dot.append(svgEl('title', {}, `${s.label}, ${years[i]}: ${withSide(s.values[i]!)}`));
      svg.append(dot);
    }
    const ky = top + height + 30 + j * 18;
    svg.append(svgEl('rect', { x: left, y: ky, width: 12, height: 12, fill: colour }));
    svg.append(svgEl('text', { x: left + 18, y: ky + 11, 'font-size': 12 }, s.label));
  });
  return svg;
}

/** The projection: one row a financial year (the table is the data), and the balances by year as a chart. */
function renderProjection(years: YearRow[]): HTMLElement {
  const names = (pick: (y: YearRow) => { name: string }[]) => [...new Set(years.flatMap((y) => pick(y).map((n) => n.name)))];
  const tranches = names((y) => y.tranches);
  const accounts = names((y) => y.accounts);
  const owed = names((y) => y.member_accounts);
  const find = (list: { name: string; value: ValueView }[], name: string) => list.find((n) => n.name === name)?.value;
  const header = ['Year', 'Surplus', ...tranches.map((t) => `${t} (in the year)`), ...accounts.map((a) => `${a} (at the end)`), 'Members', ...owed.map((a) => `members’ ${a} (at the end)`)];
  const rows: Child[][] = years.map((y) => [
    y.year,
    el('td', { className: 'num' }, y.surplus.display),
    ...tranches.map((t) => el('td', { className: 'num' }, find(y.tranches, t)?.display ?? '–')),
    ...accounts.map((a) => {
      const v = find(y.accounts, a);
      return el('td', { className: 'num' }, v ? withSide(v) : '–');
    }),
    el('td', { className: 'num' }, String(y.members)),
    ...owed.map((a) => el('td', { className: 'num' }, find(y.member_accounts, a)?.display ?? '–')),
  ]);
  const series = [
    ...accounts.map((a) => ({ label: a, values: years.map((y) => find(y.accounts, a)) })),
    ...owed.map((a) => ({ label: `members’ ${a}`, values: years.map((y) => find(y.member_accounts, a)) })),
  ];
  return section('Projection: year by year',
    el('p', { className: 'hint' }, `${years.length} financial year${years.length === 1 ? '' : 's'}, from ${years[0].start} to ${years[years.length - 1].end}: the surplus and each share of it over the year, and the balances at its end (Dr for what the cooperative holds, such as cash; Cr for what it owes, such as a reserve).`),
    table(header, rows, 'grid projection'),
    lineChart(`Balances at the end of each financial year, ${years[0].year} to ${years[years.length - 1].year}`, years.map((y) => y.year), series));
}

/**
 * Why a step failed, in the engine's own words: `the amount to allocate is
 * negative (-£119.60)`, with the article where it arose.
 */
export function failureReason(s: Step): string {
  const message = s.diagnostic?.message ?? 'it could not be carried out';
  return s.article ? `${message} (${s.article})` : message;
}

/** A failed step: its date and act, the reason and article, and what to do. */
function failedStep(s: Step): Child[] {
  const help = s.diagnostic?.help ? officerHelp(s.diagnostic.help) : '';
  return [
    el('strong', {}, `Step ${s.step}, ${s.date}, ${s.what} failed: `),
    el('span', { className: 'reason' }, s.diagnostic?.message ?? 'it could not be carried out', '.'),
    s.article ? el('span', { className: 'article' }, ` In ${s.article}.`) : '',
    s.diagnostic?.code ? el('span', { className: 'code' }, ` (${s.diagnostic.code})`) : '',
    help ? el('div', { className: 'help' }, help) : '',
    el('div', { className: 'hint' }, 'A failed step changes nothing: the steps after it run on the books as they stood.'),
  ];
}

/**
 * A help line for the page: the command line's flags (`--scenario`,
 * `--scenario-file`) are no use to an officer, so their sentences are said
 * as the page does it.
 */
export function officerHelp(help: string): string {
  return help
    .replace(/choose one with --scenario: (.*)$/, 'choose one of the scenarios in the list: $1')
    .replace(/ or give --scenario-file/, '')
    .replace(/--[a-z][a-z-]*/g, 'the scenario panel');
}

export function renderOutcome(o: SimulationOutcome, explain: Explain): HTMLElement {
  const root = el('div', { className: 'outcome' });
  const refused = o.steps.filter((s) => s.status !== 'done');
  root.append(
    el('p', { className: 'summary' },
      `“${o.scenario}” under ${o.rulebook}${o.version ? `, version ${o.version}` : ''}: ${o.steps.length} steps, ${refused.length} refused or failed. `,
      el('span', { className: o.trial_balance.balanced ? 'good' : 'bad' }, o.trial_balance.balanced ? 'The books balance.' : 'The books do not balance!')),
  );

  if (refused.length) {
    root.append(section('Refused acts and failed steps, and why',
      el('ul', { className: 'refusals' }, ...refused.map((s) => s.status === 'failed'
        ? el('li', { className: 'failed-step' }, ...failedStep(s))
        : el('li', {}, el('strong', {}, `${s.date} ${s.what}: `), s.reasons.join('; '))))));
  }

  // Which tranches are shared among members (their labels are member accounts).
  const shared = new Set<string>();
  for (const p of o.periods) for (const a of p.allocations) for (const t of a.tranches) if (t.members.length) shared.add(t.label);

  // The step that closed each period: a period's figures are explained as
  // the books stood then, not after a later close.
  const closes = o.steps.filter((s) => s.status === 'done' && s.what === 'close period').map((s) => s.step);
  for (const p of o.periods) {
    for (const a of p.allocations) {
      const closedBy = closes[p.number - 1];
      root.append(section(`Period ${p.number}: how the surplus of ${a.amount.display} is divided`,
        table(['Share', 'Amount', 'How'], a.tranches.map((t) => [t.label, figure(t.total, `allocated "${t.label}"`, explain, closedBy), t.how])),
        stackedBar(a.tranches.map((t) => ({ label: t.label, value: number(t.total), display: t.total.display })))));
    }
    if (p.figures.length) {
      root.append(el('p', { className: 'hint' }, `Figures of period ${p.number} (closed ${p.closed_on}): ${p.figures.map((f) => `${f.name} ${f.value.display}`).join(', ')}.`));
    }
  }

  if (o.projection?.length) root.append(renderProjection(o.projection));

  const accounts = [...new Set(o.members.flatMap((m) => m.accounts.map((a) => a.name)))];
  const periods = [...new Set(o.members.flatMap((m) => m.periods.map((a) => a.name)))];
  const rows = o.members.map((m) => {
    const status = m.member ? 'member' : m.left ? 'left' : 'not admitted';
    return [
      `<td>${esc(m.name)}</td>`,
      `<td class="status ${status.replace(' ', '-')}">${status}</td>`,
      ...periods.map((n) => cellHtml(m.periods.find((x) => x.name === n)?.value, null)),
      // A balance over several periods is no one allocation: only with one
      // period is a member's share its balance, and explained as such.
      ...accounts.map((n) => cellHtml(m.accounts.find((x) => x.name === n)?.value, shared.has(n) && o.periods.length === 1 ? `allocated "${n}" to ${m.name}` : null)),
    ];
  });
  const statements = fastTable(['Member', 'Status', ...periods, ...accounts], rows, 'grid statements');
  // One listener for every figure of the table.
  statements.addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>('button.figure');
    if (b?.dataset.explain) explain(b.dataset.explain);
  });
  root.append(section('Member statements',
    el('p', { className: 'hint' }, o.periods.length > 1
      ? `Accounts are what the cooperative owes each member, over the ${o.periods.length} periods. Click a figure of a period above to see how it is worked out.`
      : 'Accounts are what the cooperative owes each member. Click a figure to see how it is worked out.'),
    statements));

  if (shared.size) {
    const labels = [...shared];
    root.append(section("Each member's share",
      memberBars(o.members.filter((m) => m.member).map((m) => ({
        name: m.name,
        values: labels.map((l) => {
          const v = m.accounts.find((x) => x.name === l)?.value;
          return { label: l, value: number(v), display: v?.display ?? '–' };
        }),
      })), labels)));
  }

  if (o.resolutions.length) root.append(section('Votes', meetings(o.resolutions)));
  if (o.elections?.length) root.append(section('Elections', ...o.elections.map(election)));
  if (o.amendments.length) {
    root.append(section('Amendments adopted',
      table(['Adopted', 'In force from', 'Parameter', 'Before', 'After', 'Adopted by'], o.amendments.map((a) => [a.date, a.effective, a.parameter, a.old.display, a.new.display, a.reason]))));
  }
  root.append(section('The cooperative’s accounts',
    table(['Account', 'Balance'], o.funds.map((f) => [f.name, figure(f.value, null, explain)]))));
  root.append(section('Timeline',
    fastTable(['Step', 'Date', 'What', 'Outcome'], o.steps.map((s) => [
      `<td>${s.step}</td>`, `<td>${esc(s.date)}</td>`, `<td>${esc(s.what)}</td>`,
      `<td class="${s.status === 'done' ? '' : 'bad'}">${esc(s.status === 'done' ? 'done' : `${s.status}: ${s.status === 'failed' ? failureReason(s) : s.reasons.join('; ')}`)}</td>`,
    ]), 'grid timeline')));
  return root;
}

const SITTING: Record<Sitting, string> = { first: 'first call', second_call: 'second call', confirming: 'confirming meeting' };

/** Each meeting's count: who was present against the quorum, the votes each way, and why it passed or not. */
function meetings(motions: MotionOutcome[]): HTMLTableElement {
  return table(['Date', 'Motion', 'Meeting', 'Present (quorum)', 'For', 'Against', 'Abstain', 'Result', 'Why'], motions.map((r) => {
    const c = r.outcome;
    const represented = c.represented ? `, ${c.represented} by proxy or post` : '';
    const why = el('td', { className: 'why' }, c.reason);
    for (const note of c.not_counted ?? []) why.append(el('div', { className: 'note' }, note));
    return [
      r.date, r.title ?? c.name, SITTING[r.sitting ?? 'first'],
      el('td', { className: c.quorate ? '' : 'bad' }, `${c.present} of ${c.members}${represented} (${c.required} needed)`),
      el('td', { className: 'num' }, c.votes_for), el('td', { className: 'num' }, c.votes_against), el('td', { className: 'num' }, c.abstentions),
      el('td', { className: c.passed ? 'good' : 'bad' }, c.passed ? 'passed' : 'not passed'),
      why,
    ];
  }), 'grid meetings');
}

/** An election's count, round by round: each candidate's votes at the end of every stage, and what the stage did. */
function election(e: ElectionResult): HTMLElement {
  const c = e.outcome;
  const method = c.method === 'plurality' ? 'plurality' : 'single transferable vote';
  const quota = c.quota ? `, quota ${c.quota}` : '';
  const header = ['Candidate', ...c.stages.map((s) => `Stage ${s.stage}`)];
  const elected = new Set(c.elected);
  const rows: Child[][] = c.candidates.map((name) => [
    el('td', { className: elected.has(name) ? 'good' : '' }, elected.has(name) ? `${name} (elected)` : name),
    ...c.stages.map((s) => el('td', { className: 'num' }, s.totals.find((t) => t.candidate === name)?.votes ?? '–')),
  ]);
  if (c.method !== 'plurality') {
    rows.push([el('td', { className: 'hint' }, 'non-transferable'), ...c.stages.map((s) => el('td', { className: 'num' }, s.non_transferable))]);
  }
  const stages = el('ol', { className: 'stages' }, ...c.stages.map((s) => {
    const parts = [s.what];
    if (s.surplus) parts.push(`surplus ${s.surplus}${s.transfer_values.length ? ` at ${s.transfer_values.map((t) => t.to).join(', ')}` : ''}`);
    if (s.elected.length) parts.push(`elected: ${s.elected.join(', ')}`);
    if (s.excluded) parts.push(`excluded: ${s.excluded}`);
    const li = el('li', {}, parts.join('; '));
    for (const t of s.ties) li.append(el('div', { className: 'note' }, `tie: ${t}`));
    return li;
  }));
  return el('div', { className: 'election' },
    el('h4', {}, `${c.name} on ${e.date}: ${c.seats} seat${c.seats === 1 ? '' : 's'} by ${method}, ${c.valid} valid ballot${c.valid === 1 ? '' : 's'}${quota}`),
    table(header, rows, 'grid count'),
    stages,
    el('p', {}, el('strong', {}, 'Elected: '), c.elected.join(', ') || 'nobody'));
}

function node(n: ExplainNode): HTMLElement {
  const li = el('li', {},
    el('span', { className: 'label' }, n.label),
    n.value ? el('span', { className: 'value' }, ` = ${n.value.display}`) : '',
    n.article ? el('span', { className: 'article' }, `  ${n.article}`) : '',
    ...n.notes.map((x) => el('div', { className: 'note' }, x)));
  if (n.steps.length || n.omitted) {
    const ul = el('ul', {}, ...n.steps.map(node));
    if (n.omitted) ul.append(el('li', { className: 'hint' }, `… and ${n.omitted} more`));
    li.append(ul);
  }
  return li;
}

export function renderExplanation(e: Explanation): HTMLElement {
  return el('div', { className: 'explanation' },
    el('h3', {}, `${e.expression} = ${e.value.display}`),
    el('p', { className: 'hint' }, `With the inputs of ${e.context}; rules ${e.provenance.version ?? ''} ${e.provenance.hash.slice(0, 12)}.`),
    el('ul', { className: 'tree' }, ...e.steps.map(node)));
}

/** `10%: Percent` and `20%: Percent` as `10% → 20%`; the type too if it changed. */
function valueOnly(old: string, next: string): string {
  const split = (t: string) => {
    const i = t.lastIndexOf(': ');
    return i < 0 ? [t, ''] : [t.slice(0, i), t.slice(i + 2)];
  };
  const [ov, ot] = split(old);
  const [nv, nt] = split(next);
  return ot === nt ? `${ov} → ${nv}` : `${old} → ${next}`;
}

export function renderDiff(d: RulebookDiff): HTMLElement {
  const root = el('div', { className: 'comparison' });
  root.append(section('Changes to the rules',
    d.changes.length === 0
      ? el('p', {}, 'None: the rules are the same (layout and comments aside).')
      : el('ul', { className: 'changes' }, ...d.changes.map((c) => el('li', {},
        el('strong', {}, `${c.change} ${c.kind} ${c.name}`),
        c.article && c.kind !== 'article' ? ` (article ${c.article})` : '',
        c.kind === 'parameter' && c.old && c.new ? `: ${valueOnly(c.old, c.new)}` : '',
        c.parts?.length ? `: ${c.parts.join(', ')}` : '')))));

  const sim = d.simulation;
  if (sim) {
    const t = sim.totals;
    root.append(el('p', { className: 'summary' },
      `Under the scenario “${sim.scenario}”: ${t.gain} gain, ${t.lose} lose, ${t.unchanged} unchanged; ${t.admissions_changed} admission${t.admissions_changed === 1 ? '' : 's'} change.`,
      t.largest_gain ? ` Largest gain: ${t.largest_gain.member} ${t.largest_gain.amount.display}.` : '',
      t.largest_loss ? ` Largest loss: ${t.largest_loss.member} ${t.largest_loss.amount.display}.` : ''));
    if (sim.admissions.length) {
      root.append(section('Admissions that change', table(['Person', 'Before', 'After', 'Why'], sim.admissions.map((a) => [
        a.member, a.old_member ? 'member' : 'not a member', a.new_member ? 'member' : 'not a member', a.reasons.join('; '),
      ]))));
    }
    if (sim.parameters_alone.length) {
      root.append(section('Each parameter’s change on its own', el('p', { className: 'hint' },
        'The old rules with only that value changed; the separate impacts need not add up to the combined one above.'),
      table(['Parameter', 'Change', 'Gain', 'Lose', 'Unchanged', 'Largest gain', 'Largest loss'], sim.parameters_alone.map((p) => [
        p.parameter, `${p.old.display} → ${p.new.display}`, String(p.totals.gain), String(p.totals.lose), String(p.totals.unchanged),
        p.totals.largest_gain ? `${p.totals.largest_gain.member} ${p.totals.largest_gain.amount.display}` : '',
        p.totals.largest_loss ? `${p.totals.largest_loss.member} ${p.totals.largest_loss.amount.display}` : '',
      ]))));
    }
    // Members who change alike (the same figures from the same values to the
    // same values) are one row, as in the text; the JSON keeps each.
    const line = (c: ValueChange) => `${c.name}: ${c.old?.display ?? '–'} → ${c.new?.display ?? '–'} (${c.difference?.display ?? ''})`;
    const groups = new Map<string, Member[]>();
    for (const m of sim.members.filter((m) => m.changes.length)) {
      const key = [...m.changes.map(line), m.given?.display, m.paid_in?.display].join('|');
      groups.set(key, [...(groups.get(key) ?? []), m]);
    }
    const named = (ms: Member[]) => ms.length === 1 ? ms[0].name
      : `${ms.length} members: ${ms.slice(0, 10).map((m) => m.name).join(', ')}${ms.length > 10 ? ` and ${ms.length - 10} more` : ''}`;
    const grouped = [...groups.values()];
    const rows = grouped.map((ms) => {
      const m = ms[0];
      const paid = m.paid_in && number(m.paid_in) !== 0 ? ` (own payments ${m.paid_in.display})` : '';
      return [
        named(ms),
        el('td', {}, ...m.changes.map((c) => el('div', {}, `${c.name}: ${c.old?.display ?? '–'} → ${c.new?.display ?? '–'}`,
          c.difference ? el('span', { className: number(c.difference) >= 0 ? 'gain' : 'loss' }, ` (${c.difference.display})`) : ''))),
        el('td', { className: `num ${m.effect === 'gains' ? 'gain' : m.effect === 'loses' ? 'loss' : ''}` },
          `${m.given?.display ?? '–'}${ms.length > 1 ? ' each' : ''}${paid}`),
      ];
    });
    const memberTable = table(['Member', 'What changes', 'From the rules'], rows, 'grid member-changes');
    grouped.forEach((ms, i) => memberTable.rows[i + 1]?.classList.add(ms[0].effect));
    root.append(section('Members', grouped.length ? memberTable : el('p', {}, 'No member’s figures change.')));
    // An account on its side (Dr for cash, Cr for a fund), the difference as
    // the account's nature reads it: cash that rose reads as a rise.
    const sided = (v: ValueView | null) => (v ? (v.display.startsWith('-') ? `${v.display.slice(1)} Dr` : `${v.display} Cr`) : '–');
    const sideDiff = (x: ValueChange) => {
      if (!x.difference) return '';
      const d = x.difference.display;
      if (x.side !== 'debit') return `${d} Cr`;
      return d.startsWith('-') ? `+${d.slice(1)} Dr` : `-${d.replace(/^\+/, '')} Dr`;
    };
    if (sim.tranches.length || sim.funds.length) {
      root.append(section('The cooperative', table(['What', 'Before', 'After', 'Difference'], [
        ...sim.tranches.map((x) => [`period ${x.period}: ${x.label}`, x.old?.display ?? '–', x.new?.display ?? '–', x.difference?.display ?? '']),
        ...sim.funds.map((x) => [`account ${x.name}`, sided(x.old), sided(x.new), sideDiff(x)]),
      ])));
    }
    if (sim.resolutions.length) {
      root.append(section('Votes whose outcome changes', table(['Step', 'Motion', 'Before', 'After'], sim.resolutions.map((r) => [
        String(r.step), r.title ?? '', r.old_passed ? 'passed' : 'not passed', r.new_passed ? 'passed' : 'not passed',
      ]))));
    }
  }
  if (d.examples.length) {
    root.append(section('Examples whose results change', el('ul', {}, ...d.examples.map((e) => el('li', {},
      el('strong', {}, `${e.name}: `), `${e.old_passed ? 'passes' : 'fails'} → ${e.new_passed ? 'passes' : 'fails'}`,
      el('ul', {}, ...e.values.map((v) => el('li', {}, `${v.expect}: ${v.old?.display ?? v.old_error ?? '–'} → ${v.new?.display ?? v.new_error ?? '–'}`))))))));
  }
  for (const n of d.notes) root.append(el('p', { className: 'hint' }, `Note: ${n}`));
  return root;
}

export function renderFailure(title: string, f: Failure): HTMLElement {
  const list = (f.diagnostics ?? []) as Diagnostic[];
  return el('div', { className: 'failure' },
    el('p', { className: 'bad' }, title),
    list.length
      ? el('ul', {}, ...list.map((d) => el('li', {}, `${d.line ? `line ${d.line}: ` : ''}${d.message} (${d.code})`, d.help ? el('div', { className: 'help' }, officerHelp(d.help)) : '')))
      : el('p', {}, f.message ?? 'Fix the problems shown under the rulebook, then try again.'));
}
