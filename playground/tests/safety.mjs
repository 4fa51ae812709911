// Safe failures, links and files, in headless Chromium (as browser.mjs):
// a failed step shows the engine's reason, its step and article; a rulebook
// with two scenarios gets a chooser, never the command line's words; a
// tampered link, a link whose original falsely claims a bundled rulebook,
// invalid, wrongly shaped and old links each get their own message; work too
// large for a link is offered as a file, which the page opens; the built page
// carries a Content-Security-Policy that stops inline script.
// The links are made here with Node's own SHA-256, not the page's code, so
// the check is tested by an independent route.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import LZString from 'lz-string';
import { launch, serve } from './browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const shots = path.resolve(here, '../test-results');
mkdirSync(shots, { recursive: true });
const pioneers = readFileSync(path.join(root, 'rulebooks/rochdale-1844.coop'), 'utf8');

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

let step = 0;
async function shot(page, name) {
  step += 1;
  const file = path.join(shots, `safety-${String(step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  console.log(`ok  ${step}. ${name}  (${path.relative(root, file)})`);
}

/** A version-2 payload with its check: SHA-256 of [2, f, t, o, b, s, n] (links.ts). */
function payload({ f, t, o, b, s, n }) {
  const p = { v: 2, f, t };
  if (o !== undefined) p.o = o;
  if (b !== undefined) p.b = b;
  if (s !== undefined) p.s = s;
  if (n !== undefined) p.n = n;
  p.h = createHash('sha256').update(JSON.stringify([2, f, t, o ?? null, b ?? 0, s ?? null, n ?? null]), 'utf8').digest('hex');
  return p;
}
const pack = (p) => LZString.compressToEncodedURIComponent(JSON.stringify(p));

async function main() {
  const server = await serve(4175);
  const browser = await launch();
  const errors = [];
  // Anything the policy refuses (the editor's styles, the engine's worker
  // or WebAssembly, a download): none, but for the script injected in 1.
  let violations = [];
  const open = async (hash = '') => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 }, acceptDownloads: true });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.text().includes('Content Security Policy')) violations.push(m.text()); });
    await page.goto(`${server.url}${hash}`);
    await page.waitForSelector('.cm-content');
    return page;
  };
  const noticeText = (page) => page.locator('#notice').textContent();
  // The whole text (the editor draws only the lines in view).
  const editorText = (page) => page.evaluate(() => window.rochdalePlayground.editor.state.doc.toString());
  try {
    // 1. The built page's policy: no inline script in dist/index.html, and a
    // CSP meta tag that forbids it (no 'unsafe-inline' for scripts), with
    // 'wasm-unsafe-eval' for the engine.
    const html = readFileSync(path.join(root, 'playground/dist/index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert(scripts.length > 0 && scripts.every(([, attrs, body]) => /\bsrc=/.test(attrs) && body.trim() === ''), `only scripts from files: ${scripts.map((s) => s[0]).join('\n')}`);
    const page = await open();
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    assert(scriptSrc.includes("'self'") && scriptSrc.includes("'wasm-unsafe-eval'") && !scriptSrc.includes("'unsafe-inline'"), `script-src: ${csp}`);
    // An inline script put into the page does not run, and the browser says why.
    const blocked = await page.evaluate(() => new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve({ ran: Boolean(window.injected), directive: e.violatedDirective }), { once: true });
      const s = document.createElement('script');
      s.textContent = 'window.injected = true';
      document.body.append(s);
      setTimeout(() => resolve({ ran: Boolean(window.injected), directive: null }), 2000);
    }));
    assert(!blocked.ran && /script-src/.test(blocked.directive ?? ''), `the inline script is refused: ${JSON.stringify(blocked)}`);
    // The engine, WebAssembly in a worker, still runs under the policy.
    await page.waitForSelector('.problems-title.good');
    await page.waitForSelector('.members-table input[data-member="howarth"]');
    assert(violations.length === 1 && violations[0].includes('inline script'), `only the injected script is refused: ${violations.join('\n')}`);
    violations = [];
    console.log(`ok  CSP: ${csp}`);

    // 2. A rulebook with two scenarios: the first, with a chooser for the
    // other, and never "--scenario".
    await page.selectOption('#rulebook-picker', 'community-land-trust.coop');
    await page.waitForSelector('.scenario-head select');
    const choices = await page.locator('.scenario-head select option').allTextContents();
    assert(choices.length === 2, `both scenarios offered: ${choices}`);
    assert(!(await page.locator('body').textContent()).includes('--scenario'), 'the command line’s words never reach the page');
    await page.selectOption('.scenario-head select', choices[1]);
    await page.waitForFunction((name) => document.querySelector('.scenario-head strong')?.textContent === `Scenario: ${name}`, choices[1]);
    console.log(`ok  two scenarios: a chooser (${choices.join(', ')})`);
    await page.close();

    // 3. A failed step shows its reason. The first quarter's costs at
    // £300.00, not £174.00: its takings were £180.40 (£174.00 of costs and
    // a surplus of £6.40), so it closes on £180.40 - £300.00 = -£119.60.
    // The rulebook's `if a loss { carried forward }` is taken out (with the
    // examples' lines that read what it carries), so nothing provides for it.
    const first = 'on 1845-03-20 pay_costs(£174.00)';
    const provision = '    if a loss {\n      carried forward\n    }\n';
    assert(pioneers.includes(provision), 'the rulebook carries a loss forward');
    const loss = pioneers
      .replace(first, 'on 1845-03-20 pay_costs(£300.00)')
      .replace(provision, '')
      .replace('  expect loss carried forward = £12.50\n', '')
      .replace('  expect loss carried forward = £0.00\n', '')
      .replace('  reserve "losses carried forward" £12.50\n', '');
    assert(!loss.includes('expect loss carried forward'), 'nothing reads a loss carried forward');
    const failing = await open(`#s=${pack(payload({ f: 'loss.coop', t: loss }))}`);
    await failing.waitForSelector('.members-table input[data-member="howarth"]');
    await failing.click('#run');
    await failing.waitForSelector('.refusals .failed-step');
    const failed = await failing.locator('.refusals .failed-step').first().textContent();
    assert(failed.includes('Step 34, 1845-03-20, close period failed: the amount'), `the step: ${failed}`);
    assert(failed.includes('the amount to allocate is negative (-£119.60)'), `the engine's message: ${failed}`);
    assert(failed.includes('In article 9 "Division of surplus"'), `the article: ${failed}`);
    assert(failed.includes('if a loss'), `what to do: ${failed}`);
    const results = await failing.locator('#tab-results').textContent();
    assert(!results.includes('failed on a fault in the rules or figures'), 'no reasonless failure');
    await failing.locator('.refusals').scrollIntoViewIfNeeded();
    await shot(failing, 'failure-reason');
    await failing.close();

    // 4. A tampered link: made with its check, then the reserve changed
    // from 10% to 90% in what it carries. Not opened; named as tampered.
    const reserve = 'parameter reserve_share: Percent = 10%';
    const ninety = pioneers.replace(reserve, 'parameter reserve_share: Percent = 90%');
    assert(ninety !== pioneers, 'the reserve was changed');
    const honest = payload({ f: 'rochdale-1844.coop', t: pioneers, b: 1 });
    const tampered = await open(`#s=${pack({ ...honest, t: ninety })}`);
    await tampered.waitForSelector('#notice:not([hidden])');
    const said = await noticeText(tampered);
    assert(said.includes('This link was tampered with.') && said.includes('its check does not match'), `tampered: ${said}`);
    assert((await editorText(tampered)).includes(reserve), 'the tampered rulebook was not loaded');
    await shot(tampered, 'tampered-link');
    await tampered.close();

    // 5. A link whose original claims to be the bundled rochdale-1844.coop,
    // with the 90% text as both current and original, and a good check:
    // opened, but its original is "the link's original", and the page says
    // the link was altered.
    const fake = await open(`#s=${pack(payload({ f: 'rochdale-1844.coop', t: ninety, o: ninety }))}`);
    await fake.waitForSelector('#notice:not([hidden])');
    const warned = await noticeText(fake);
    assert(warned.includes('This link was altered.') && warned.includes('not the bundled rochdale-1844.coop'), `false claim: ${warned}`);
    const picked = await fake.locator('#rulebook-picker option:checked').textContent();
    assert(picked === 'rochdale-1844 (from a link).coop', `the bundled name is not shown for it: ${picked}`);
    assert((await editorText(fake)).includes('parameter reserve_share: Percent = 90%'), 'the link’s rulebook is shown');
    await fake.click('#compare');
    await fake.waitForSelector('.compared-with');
    const against = await fake.locator('.compared-with').textContent();
    assert(against === 'Compared with the link’s original, which is no bundled rulebook.', `compared with: ${against}`);
    await shot(fake, 'false-original');
    await fake.close();

    // 6. A good link from the bundled original: no notice; compared with the
    // bundled text (10% → 90%: every member with a dividend loses).
    const good = await open(`#s=${pack(payload({ f: 'rochdale-1844.coop', t: ninety, b: 1 }))}`);
    await good.waitForSelector('.members-table input[data-member="howarth"]');
    assert(await good.locator('#notice').isHidden(), 'no notice for a good link');
    assert((await good.locator('#rulebook-picker').inputValue()) === 'rochdale-1844.coop', 'the bundled name for a verified original');
    await good.click('#compare');
    await good.waitForSelector('.compared-with');
    assert((await good.locator('.compared-with').textContent()).includes('the bundled rochdale-1844.coop'), 'compared with the bundled text');
    assert((await good.locator('.changes').textContent()).includes('10% → 90%'), 'the change from the bundled text');
    console.log('ok  a verified link opens with no notice');
    await good.close();

    // The same as the bundled text's change ("10%" → "90%" at the reserve):
    // the text's first and last characters taken from the page's own copy.
    const at = pioneers.indexOf(reserve) + reserve.length - 3;
    const change = payload({ f: 'rochdale-1844.coop', t: ninety, b: 1, n: 'first year' });
    const { t: _, ...short } = { ...change, d: [at, pioneers.length - at - 1, '9'] };
    const shortLink = `#s=${pack(short)}`;
    assert(shortLink.length < 1000, `a change to a bundled rulebook makes a short link: ${shortLink.length}`);
    const changed = await open(shortLink);
    await changed.waitForSelector('.members-table input[data-member="howarth"]');
    assert((await editorText(changed)).includes('parameter reserve_share: Percent = 90%'), 'the change is applied to the bundled text');
    assert(await changed.locator('#notice').isHidden(), 'no notice for a good short link');
    await changed.close();
    const wrong = await open(`#s=${pack({ ...short, d: [at, pioneers.length - at - 1, '8'] })}`);
    await wrong.waitForSelector('#notice:not([hidden])');
    assert((await noticeText(wrong)).includes('made from another version of the bundled rochdale-1844.coop'), 'a change that does not give the checked text');
    await wrong.close();
    console.log(`ok  a short link of a change to the bundled text (${shortLink.length} characters)`);

    // 7. Invalid links: not lz-string, not JSON, wrongly shaped. Each says
    // why, and the page shows the bundled rulebook, with no uncaught error.
    const cases = [
      ['not a share link at all', '#s=%%%not-base64***', 'holds characters a share link never has'],
      ['lz-string of no JSON', `#s=${LZString.compressToEncodedURIComponent('this is not JSON {')}`, 'is not a rulebook and scenario'],
      ['cut short', `#s=${pack(honest).slice(0, 40)}`, 'could not be opened'],
      ['a scenario of the wrong shape', `#s=${pack(payload({ f: 'x.coop', t: pioneers, s: { name: 'x', members: 5, steps: [] } }))}`, 'the scenario’s members are not a list'],
      ['a step of the wrong shape', `#s=${pack(payload({ f: 'x.coop', t: pioneers, s: { name: 'x', members: [], steps: [{ date: '2026-01-01', act: 'join', args: 'ada' }] } }))}`, 'step 1 of the scenario is not an act with its arguments'],
      ['no text', `#s=${pack({ f: 'x.coop', t: 5 })}`, 'holds no rulebook text'],
    ];
    for (const [what, hash, expected] of cases) {
      const bad = await open(hash);
      await bad.waitForSelector('#notice:not([hidden])');
      const text = await noticeText(bad);
      assert(text.includes('could not be opened') && text.includes(expected), `${what}: ${text}`);
      assert(text.includes('nothing of the link was loaded'), `${what}: says nothing was loaded: ${text}`);
      await bad.waitForSelector('.members-table input[data-member="howarth"]');
      if (what === 'a scenario of the wrong shape') await shot(bad, 'invalid-link');
      await bad.close();
      console.log(`ok  invalid link (${what}): ${expected}`);
    }

    // 8. An old link, with no check: opened, marked unverified.
    const old = await open(`#s=${LZString.compressToEncodedURIComponent(JSON.stringify({ f: 'rochdale-1844.coop', t: pioneers }))}`);
    await old.waitForSelector('#notice:not([hidden])');
    assert((await noticeText(old)).includes('Unverified link'), 'an old link is marked unverified');
    assert((await old.locator('#rulebook-picker').inputValue()) === 'rochdale-1844.coop', 'its original is the bundled text, so named');
    await old.close();
    console.log('ok  an old link opens, marked unverified');

    // 9. Work too large for a link: a comment of 40,000 characters that
    // compress badly (digits of a hash chain). Share offers a file; the file
    // opens in a fresh page with the same rulebook.
    let noise = '';
    let h = 'seed';
    while (noise.length < 40000) {
      h = createHash('sha256').update(h).digest('hex');
      noise += `-- ${h}\n`;
    }
    const large = `${noise}${pioneers}`;
    const big = await open(`#s=${pack(payload({ f: 'large.coop', t: large }))}`);
    await big.waitForSelector('.members-table input[data-member="howarth"]');
    const linkLength = big.url().length;
    assert(linkLength > 8000, `the work makes a long link: ${linkLength}`);
    await big.click('#share');
    await big.waitForSelector('#download-share');
    const offer = await noticeText(big);
    assert(offer.includes('Too long for a link') && offer.includes('8,000'), `the file is offered: ${offer}`);
    await shot(big, 'oversized-file-offer');
    const [download] = await Promise.all([big.waitForEvent('download'), big.click('#download-share')]);
    assert(download.suggestedFilename() === 'large.rochdale-share.json', `the file's name: ${download.suggestedFilename()}`);
    const shared = readFileSync(await download.path(), 'utf8');
    const file = path.join(shots, 'large.rochdale-share.json');
    writeFileSync(file, shared);
    const reopened = await open();
    await reopened.waitForSelector('.members-table input[data-member="howarth"]');
    await reopened.setInputFiles('#open-file', file);
    await reopened.waitForFunction(() => document.querySelector('#rulebook-picker')?.value === 'large.coop');
    assert((await editorText(reopened)) === large, 'the file’s rulebook is in the editor');
    assert(await reopened.locator('#notice').isHidden(), 'a good file opens with no notice');
    // The same file with its rulebook changed: tampered.
    const altered = JSON.parse(shared);
    altered.t = altered.t.replace(reserve, 'parameter reserve_share: Percent = 90%');
    const alteredFile = path.join(shots, 'altered.rochdale-share.json');
    writeFileSync(alteredFile, JSON.stringify(altered));
    await reopened.setInputFiles('#open-file', alteredFile);
    await reopened.waitForSelector('#notice:not([hidden])');
    assert((await noticeText(reopened)).includes('This file was tampered with.'), 'an altered file is named as tampered');
    await reopened.close();
    await big.close();
    console.log('ok  a share file downloads, opens, and an altered one is refused');

    assert(errors.length === 0, `no errors in the page: ${errors.join('\n')}`);
    assert(violations.length === 0, `nothing else refused by the policy: ${violations.join('\n')}`);
    console.log('\nfailures, links and files are safe in Chromium');
  } finally {
    await browser.close();
    server.stop();
  }
}

main().catch((e) => {
  console.error(`FAILED: ${e.message}`);
  process.exit(1);
});
