// The scenario panel: members as an editable table, acts as a list, or the
// whole scenario as JSON.
import type { ScenarioJson } from 'rochdale';

type Step = ScenarioJson['steps'][number];
type Hooks = { changed: (s: ScenarioJson) => void; reload: (name?: string) => void };

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, unknown> = {}, ...children: (Node | string)[]) => {
  const node = Object.assign(document.createElement(tag), props) as HTMLElementTagNameMap[K];
  node.append(...children);
  return node;
};

/** `join(ada, £4.00)`, `motion special "title": for a, b; against c`, `election committee: ...`, `close period`. */
export function describeStep(step: Step): string {
  if ('act' in step) return `${step.act}(${step.args.join(', ')})`;
  if ('motion' in step) {
    const amend = Object.entries(step.amend ?? {}).map(([k, v]) => `${k} = ${v}`).join(', ');
    const parts = [`for ${step.for.join(', ') || 'none'}`, `against ${step.against.join(', ') || 'none'}`];
    if (step.abstain.length) parts.push(`abstain ${step.abstain.join(', ')}`);
    for (const p of step.proxies ?? []) parts.push(`${p.voter} by proxy ${p.holder}`);
    for (const v of step.by_post ?? []) parts.push(`${v} by post`);
    const meeting = [step.sitting, step.notice_given ? `notice given ${step.notice_given}` : ''].filter(Boolean).join(', ');
    const then = step.then ? `; then ${step.then.act}(${step.then.args.join(', ')})` : '';
    return `motion ${step.motion}${step.title ? ` “${step.title}”` : ''}${meeting ? ` (${meeting})` : ''}: ${parts.join('; ')}${amend ? `; amend ${amend}` : ''}${then}`;
  }
  if ('election' in step) {
    const n = step.ballots.length;
    return `election ${step.election}: candidates ${step.candidates.join(', ')}; ${n} ballot${n === 1 ? '' : 's'}`;
  }
  if (step.close === true) return 'close period';
  return `close period: ${Object.entries(step.close).map(([k, v]) => `${k} ${v}`).join(', ')}`;
}

/** Reads `purchase(ada, £2.50)` back into an act and its arguments. */
export function parseAct(text: string): { act: string; args: string[] } | null {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*$/.exec(text);
  if (!m) return null;
  const args = (m[2] ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
  return { act: m[1], args };
}

export function renderScenario(scenario: ScenarioJson, names: string[], hooks: Hooks): HTMLElement {
  const root = el('div', { className: 'scenario' });
  const changed = () => hooks.changed(scenario);

  const header = el('div', { className: 'scenario-head' });
  const picker = el('select', { ariaLabel: 'Scenario of the rulebook' });
  for (const n of names) picker.append(new Option(n, n));
  if (names.includes(scenario.name)) picker.value = scenario.name;
  picker.onchange = () => hooks.reload(picker.value);
  header.append(
    el('strong', {}, `Scenario: ${scenario.name}`),
    names.length > 1 ? picker : '',
    el('button', { textContent: 'Reload from the rulebook', onclick: () => hooks.reload(names.includes(scenario.name) ? scenario.name : undefined) }),
  );
  root.append(header);

  const views = { members: el('div'), acts: el('div'), json: el('div') };
  const switcher = el('div', { className: 'subtabs' });
  for (const [key, label] of [['members', 'Members'], ['acts', 'Acts'], ['json', 'JSON']] as const) {
    const b = el('button', { textContent: label });
    b.dataset.view = key;
    b.onclick = () => {
      for (const [k, v] of Object.entries(views)) v.classList.toggle('hidden', k !== key);
      for (const x of switcher.querySelectorAll('button')) x.classList.toggle('active', x === b);
      if (key === 'json') drawJson();
    };
    switcher.append(b);
  }
  root.append(switcher, views.members, views.acts, views.json);

  // Members: one row per person, one column per attribute given to anyone.
  const drawMembers = () => {
    const columns = ['name', ...new Set(scenario.members.flatMap((m) => Object.keys(m).filter((k) => k !== 'name')))];
    const table = el('table', { className: 'grid members-table' });
    table.append(el('tr', {}, ...columns.map((c) => el('th', {}, c)), el('th')));
    scenario.members.forEach((member, i) => {
      const row = el('tr');
      for (const c of columns) {
        const input = el('input', { value: String(member[c] ?? ''), ariaLabel: `${member.name} ${c}` });
        input.dataset.member = String(member.name);
        input.dataset.attribute = c;
        input.onchange = () => {
          const v = input.value.trim();
          if (v === '' && c !== 'name') delete member[c];
          else member[c] = v;
          changed();
        };
        row.append(el('td', {}, input));
      }
      row.append(el('td', {}, el('button', { textContent: '✕', title: 'Remove this member', onclick: () => { scenario.members.splice(i, 1); drawMembers(); changed(); } })));
      table.append(row);
    });
    const add = el('button', {
      textContent: 'Add a member',
      onclick: () => {
        scenario.members.push({ name: `member_${scenario.members.length + 1}` });
        drawMembers();
        changed();
      },
    });
    views.members.replaceChildren(
      el('p', { className: 'hint' }, 'Each person of the scenario, with the attributes the rules read. Values are written as in the rulebook: £4.00, 12.5%, 2026-04-01, true.'),
      table,
      add,
    );
  };

  // Acts: date and what happens; acts are edited in place, votes and
  // closing in the JSON view.
  const drawActs = () => {
    const table = el('table', { className: 'grid acts-table' });
    table.append(el('tr', {}, el('th', {}, 'Date'), el('th', {}, 'What happens'), el('th')));
    scenario.steps.forEach((step, i) => {
      const date = el('input', { type: 'date', value: step.date, ariaLabel: `date of step ${i + 1}` });
      date.onchange = () => { step.date = date.value; changed(); };
      const what = el('input', { value: describeStep(step), ariaLabel: `step ${i + 1}` });
      if ('act' in step) {
        what.onchange = () => {
          const parsedAct = parseAct(what.value);
          if (!parsedAct) { what.classList.add('invalid'); return; }
          what.classList.remove('invalid');
          Object.assign(step, parsedAct);
          changed();
        };
      } else {
        what.readOnly = true;
        what.title = 'Votes, elections and the closing of a period are edited in the JSON view';
      }
      table.append(el('tr', {}, el('td', {}, date), el('td', { className: 'wide' }, what),
        el('td', {}, el('button', { textContent: '✕', title: 'Remove this step', onclick: () => { scenario.steps.splice(i, 1); drawActs(); changed(); } }))));
    });
    const add = el('button', {
      textContent: 'Add an act',
      onclick: () => {
        const last = scenario.steps.at(-1)?.date ?? new Date().toISOString().slice(0, 10);
        scenario.steps.push({ date: last, act: 'act_name', args: [] } as Step);
        drawActs();
        changed();
      },
    });
    views.acts.replaceChildren(
      el('p', { className: 'hint' }, 'The timeline, in date order: an act with its arguments, such as join(ada, £4.00).'),
      table,
      add,
    );
  };

  const drawJson = () => {
    const area = el('textarea', { value: JSON.stringify(scenario, null, 2), spellcheck: false, ariaLabel: 'Scenario as JSON' });
    const message = el('span', { className: 'hint' });
    const apply = el('button', {
      textContent: 'Apply',
      onclick: () => {
        try {
          const next = JSON.parse(area.value) as ScenarioJson;
          Object.assign(scenario, next);
          for (const k of Object.keys(scenario) as (keyof ScenarioJson)[]) if (!(k in next)) delete scenario[k];
          drawMembers();
          drawActs();
          changed();
          message.textContent = 'Applied.';
        } catch (e) {
          message.textContent = `Not valid JSON: ${(e as Error).message}`;
        }
      },
    });
    views.json.replaceChildren(el('p', { className: 'hint' }, 'The whole scenario (docs/scenarios.md describes the format).'), area, el('div', {}, apply, ' ', message));
  };

  drawMembers();
  drawActs();
  views.acts.classList.add('hidden');
  views.json.classList.add('hidden');
  switcher.querySelector('button')?.classList.add('active');
  return root;
}
