// The playground in a real headless Chromium (Debian's, driven by
// playwright-core), as an officer uses it: pick a rulebook, make a type
// error and see it underlined with its message, fix it, run the scenario and
// check the figures against the command line's, change a parameter and see
// the per-member comparison, reload a share link and get the same state.
// A screenshot of each step goes to test-results/.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import LZString from 'lz-string';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const shots = path.resolve(here, '../test-results');
mkdirSync(shots, { recursive: true });

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Serves playground/dist on a free port; resolves with its address. */
export async function serve(port = 4173) {
  const vite = path.resolve(here, '../node_modules/vite/bin/vite.js');
  const server = spawn(process.execPath, [vite, 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
    cwd: path.resolve(here, '..'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(url);
      if (r.ok) return { url, stop: () => server.kill() };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error(`the playground did not start on ${url}; run \`npm run build\` first`);
}

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Puts the cursor at the end of the editor line holding `text`. */
async function endOfLine(page, text) {
  const line = page.locator('.cm-line', { hasText: text }).first();
  await line.click();
  await page.keyboard.press('End');
}

/** The displayed text of a statement's cell: member row, column header. */
async function statementCell(page, member, column) {
  return page.evaluate(([member, column]) => {
    const table = document.querySelector('table.statements');
    const headers = [...table.rows[0].cells].map((c) => c.textContent);
    const col = headers.indexOf(column);
    const row = [...table.rows].find((r) => r.cells[0].textContent === member);
    return row && col >= 0 ? row.cells[col].textContent : null;
  }, [member, column]);
}

let step = 0;
async function shot(page, name) {
  step += 1;
  const file = path.join(shots, `${String(step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  console.log(`ok  ${step}. ${name}  (${path.relative(root, file)})`);
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function main() {
  const cli = path.join(root, 'target/release/rochdale');
  const expected = JSON.parse(
    execFileSync(cli, ['simulate', 'rulebooks/rochdale-1844.coop', '--format', 'json'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 }),
  );
  const server = await serve();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));

    // 1. Open the playground and pick a rulebook.
    await page.goto(server.url);
    await page.waitForSelector('.cm-content');
    await page.selectOption('#rulebook-picker', 'thin-layer-network.coop');
    await page.waitForSelector('.members-table input[data-member="council"]');
    await page.selectOption('#rulebook-picker', 'rochdale-1844.coop');
    await page.waitForSelector('.members-table input[data-member="howarth"]');
    await page.waitForSelector('.problems-title.good');
    await shot(page, 'rulebook-picked');

    // 2. A type error: a percentage given as money.
    await endOfLine(page, 'parameter markup: Percent = 10%');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('£10');
    await page.waitForSelector('.cm-lintRange-error');
    // The check runs as the keys are typed: a problem of a state on the
    // way (`= ` with no value yet) may show first. Wait for the text as typed.
    await page
      .waitForFunction(() => /markup/.test(document.querySelector('#problems .problem')?.textContent ?? ''), null, { timeout: 10000 })
      .catch(() => {});
    const problem = await page.locator('#problems .problem').first().textContent();
    assert(/E0\d{3}/.test(problem) && /markup/.test(problem), `the problem names its code and the parameter: ${problem}`);
    await page.locator('.cm-lintRange-error').first().hover();
    const tooltip = await page.waitForSelector('.cm-tooltip-lint');
    const tip = await tooltip.textContent();
    assert(tip.includes('help:'), `the hover shows the message and its help: ${tip}`);
    await shot(page, 'type-error-underlined');

    // 3. Fixed.
    await endOfLine(page, 'parameter markup: Percent = £10');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('10%');
    await page.waitForSelector('.problems-title.good');
    assert((await page.locator('.cm-lintRange-error').count()) === 0, 'no error is underlined once fixed');
    await shot(page, 'fixed');

    // 4. Run the scenario: every member's figures are the command line's.
    await page.click('#run');
    await page.waitForSelector('table.statements');
    let compared = 0;
    for (const m of expected.members) {
      for (const a of m.accounts) {
        const shown = await statementCell(page, m.name, a.name);
        assert(shown === a.value.display, `${m.name} ${a.name}: shown ${shown}, CLI ${a.value.display}`);
        compared += 1;
      }
    }
    assert(compared > 50, `compared ${compared} figures`);
    // Four quarters, each closed: each period's division is shown.
    assert(expected.periods.length === 4, `the 1844 year closes each quarter: ${expected.periods.length}`);
    const reserve = expected.periods[0].allocations[0].tranches.find((t) => t.label === 'reserve fund');
    assert(await page.locator(`button.figure[data-explain='allocated "reserve fund"']`).first().textContent() === reserve.total.display, 'the reserve shown is the CLI\'s');
    assert(await page.locator('.refusals').textContent().then((t) => t.includes('members must be 16 or over')), 'refused acts are listed with their reasons');
    await shot(page, 'scenario-results');

    // 5. Click a figure: its explanation, as the books stood when its
    // period closed (the first quarter's dividends, £4.17, at step 34),
    // not after the last close (£7.65).
    await page.locator(`button.figure[data-explain='allocated "dividend on purchases"']`).first().click();
    await page.waitForSelector('.explanation .tree');
    const explanation = await page.locator('.explanation').textContent();
    assert(explanation.includes('£4.17') && explanation.includes('article 9') && !explanation.includes('£7.65'), `the explanation shows the first quarter's figure and its article: ${explanation.slice(0, 300)}`);
    assert(explanation.includes('after step 34'), `explained after the close of the first quarter: ${explanation.slice(0, 300)}`);
    await shot(page, 'explanation');

    // 6. Change a parameter and compare with the original.
    await endOfLine(page, 'parameter reserve_share: Percent = 10%');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('20%');
    await page.waitForSelector('.problems-title.good');
    await page.click('#compare');
    await page.waitForSelector('table.member-changes');
    const summary = await page.locator('.comparison .summary').textContent();
    assert(summary.includes('0 gain, 28 lose, 1 unchanged'), `the totals: ${summary}`);
    const howarth = await page.locator('table.member-changes tr', { hasText: 'howarth' }).first();
    const howarthText = await howarth.textContent();
    // his dividends are credited to his capital: 11p less over the four
    // quarters (the CLI's diff, docs/diff.md)
    assert(howarthText.includes('£4.74 → £4.63') && howarthText.includes('-£0.11'), `howarth's capital: ${howarthText}`);
    assert((await howarth.getAttribute('class')).includes('loses'), 'a loss is coloured');
    await shot(page, 'comparison');

    // 7. A share link reloads the same rulebook and scenario.
    await page.click('#share');
    const link = page.url();
    assert(link.includes('#s='), `the link carries the state: ${link.slice(0, 80)}`);
    // The change against the bundled text, the scenario by name: far under
    // the 8,000 characters of a safe link (links.ts).
    assert(link.length < 2000, `a short link: ${link.length} characters`);
    const again = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await again.goto(link);
    await again.waitForSelector('.members-table input[data-member="howarth"]');
    const text = await again.locator('.cm-content').textContent();
    assert(text.includes('parameter reserve_share: Percent = 20%'), 'the shared rulebook has the change');
    await again.click('#compare');
    await again.waitForSelector('table.member-changes');
    assert((await again.locator('.comparison .summary').textContent()) === summary, 'the shared page compares with the same original');
    await shot(again, 'share-link-reloaded');

    // 8. Downloads: the statements as CSV.
    const [download] = await Promise.all([again.waitForEvent('download'), again.click('#download-csv')]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert(csv.startsWith('member,') && csv.includes('smith'), `the CSV has the statements: ${csv.slice(0, 80)}`);
    console.log('ok  8. statements downloaded as CSV');

    // 9. A rulebook with a financial year, over three years: the projection
    // as a table (the command line's rows) and a chart with its title.
    const projectionFile = 'tests/rulebooks/projection.coop';
    const projected = JSON.parse(
      execFileSync(cli, ['simulate', projectionFile, '--format', 'json'], { cwd: root, encoding: 'utf8' }),
    ).projection;
    assert(projected.length === 3, `the command line projects three years: ${projected.length}`);
    const packed = LZString.compressToEncodedURIComponent(
      JSON.stringify({ f: 'projection.coop', t: readFileSync(path.join(root, projectionFile), 'utf8') }),
    );
    const years = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    years.on('pageerror', (e) => errors.push(String(e)));
    await years.goto(`${server.url}#s=${packed}`);
    await years.waitForSelector('.members-table input[data-member="ada"]');
    await years.click('#run');
    await years.waitForSelector('table.projection');
    const rows = await years.evaluate(() => [...document.querySelectorAll('table.projection tr')].slice(1).map((r) => [...r.cells].map((c) => c.textContent)));
    assert(rows.length === 3, `three years shown: ${JSON.stringify(rows)}`);
    projected.forEach((y, i) => {
      const cash = y.accounts.find((a) => a.name === 'cash').value.display.replace(/^-/, '');
      assert(rows[i][0] === y.year && rows[i][1] === y.surplus.display, `year ${i + 1}: ${rows[i]} vs ${y.year} ${y.surplus.display}`);
      assert(rows[i].includes(`${cash} Dr`), `cash on its side in ${y.year}: ${rows[i]}`);
    });
    // £1,510.00 of cash and £151.00 of reserve at the end of 2028-29.
    assert(rows[2].includes('£1,510.00 Dr') && rows[2].includes('£151.00 Cr') && rows[2].includes('£1,359.00'), `the third year: ${rows[2]}`);
    const label = await years.locator('svg.projection-chart').getAttribute('aria-label');
    assert(label === 'Balances at the end of each financial year, 2026-27 to 2028-29', `the chart is titled: ${label}`);
    assert((await years.locator('svg.projection-chart polyline').count()) === 3, 'a line for cash, the reserve and the members’ dividend');
    await years.locator('table.projection').scrollIntoViewIfNeeded();
    await shot(years, 'projection');


    // 10. A meeting's count and an election's rounds. The Spanish rulebook's
    // second call of 21 September: amaia and bittor present, carmen's vote
    // held by amaia, 3 for; the quorum 10% of 4 members is 1.
    const meeting = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    meeting.on('pageerror', (e) => errors.push(String(e)));
    await meeting.goto(server.url);
    await meeting.waitForSelector('.cm-content');
    await meeting.selectOption('#rulebook-picker', 'worker-cooperative-spain.coop');
    await meeting.waitForSelector('.members-table input[data-member="amaia"]');
    await meeting.click('#run');
    await meeting.waitForSelector('table.statements');
    const votes = await meeting.evaluate(() => [...document.querySelector('table.meetings')?.rows ?? []]
      .map((r) => [...r.cells].map((c) => c.textContent)));
    const second = votes.find((r) => r[2] === 'second call');
    assert(second, `the second call is shown: ${JSON.stringify(votes)}`);
    assert(second[3] === '3 of 4, 1 by proxy or post (1 needed)' && second[4] === '3' && second[7] === 'passed',
      `the second call's count: ${second}`);
    const firstCall = votes.find((r) => r[0] === '2026-09-21' && r[2] === 'first call');
    assert(firstCall && firstCall[3] === '2 of 4 (3 needed)' && firstCall[7] === 'not passed', `the inquorate first call: ${firstCall}`);
    await meeting.locator('text=second call').first().scrollIntoViewIfNeeded();
    await shot(meeting, 'meeting-count');
    // The food election of tests/rulebooks/elections.coop, stage by stage
    // as the command line counts it (and as Wikipedia publishes it).
    const electionsFile = 'tests/rulebooks/elections.coop';
    const counted = JSON.parse(
      execFileSync(cli, ['simulate', electionsFile, '--scenario', 'food election', '--format', 'json'], { cwd: root, encoding: 'utf8' }),
    ).elections[0].outcome;
    const food = LZString.compressToEncodedURIComponent(
      JSON.stringify({ f: 'elections.coop', t: readFileSync(path.join(root, electionsFile), 'utf8') }),
    );
    const count = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    count.on('pageerror', (e) => errors.push(String(e)));
    await count.goto(`${server.url}#s=${food}`);
    await count.waitForSelector('.members-table input[data-member="v01"]');
    // The scenario panel lists the election among the steps.
    const listed = await count.evaluate(() => [...document.querySelectorAll('.acts-table input[aria-label^="step"]')].map((i) => i.value));
    assert(listed.includes('election committee: candidates oranges, pears, chocolate, strawberries, hamburgers; 20 ballots'),
      `the election step is listed in the scenario panel: ${listed.slice(-2)}`);
    await count.click('#run');
    await count.waitForSelector('.election table.count');
    const grid = await count.evaluate(() => [...document.querySelectorAll('.election table.count')[0].rows]
      .map((r) => [...r.cells].map((c) => c.textContent)));
    assert(grid[0].length === counted.stages.length + 1, `a column a stage: ${grid[0]}`);
    for (const [i, name] of counted.candidates.entries()) {
      const row = grid[i + 1];
      assert(row[0].startsWith(name), `row ${i + 1} is ${name}: ${row}`);
      counted.stages.forEach((st, j) => {
        const votes = st.totals.find((t) => t.candidate === name).votes;
        assert(row[j + 1] === votes, `${name} at stage ${j + 1}: ${row[j + 1]} vs ${votes}`);
      });
    }
    const elected = await count.locator('.election p').first().textContent();
    assert(elected === `Elected: ${counted.elected.join(', ')}` && counted.elected.includes('chocolate'), `who is elected: ${elected}`);
    await count.locator('.election').first().scrollIntoViewIfNeeded();
    await shot(count, 'election-rounds');
    // An edited scenario with an election travels in a share link: move
    // the first join a day earlier, share, and open the link again.
    await count.click('.tabs button[data-tab="scenario"]');
    await count.click('.subtabs button[data-view="acts"]');
    const firstDate = count.locator('input[aria-label="date of step 1"]');
    await firstDate.fill('2026-03-31');
    await firstDate.press('Tab');
    await count.click('#share');
    const electionLink = count.url();
    const carried = JSON.parse(LZString.decompressFromEncodedURIComponent(electionLink.split('#s=')[1]));
    assert(carried.s?.steps?.[0]?.date === '2026-03-31' && carried.s.steps.some((st) => st.election === 'committee'),
      `the link carries the edited scenario with its election: ${JSON.stringify(carried.s?.steps?.[0])}`);
    const reopened = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    reopened.on('pageerror', (e) => errors.push(String(e)));
    await reopened.goto(electionLink);
    await reopened.waitForSelector('.members-table input[data-member="v01"]');
    await reopened.click('#run');
    await reopened.waitForSelector('.election table.count');
    const reopenedElected = await reopened.locator('.election p').first().textContent();
    assert(reopenedElected === elected, `the shared election counts the same: ${reopenedElected}`);

    assert(errors.length === 0, `no errors in the page: ${errors.join('\n')}`);
    console.log('\nthe playground works in Chromium');
  } finally {
    await browser.close();
    server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`FAILED: ${e.message}`);
    process.exit(1);
  });
}
