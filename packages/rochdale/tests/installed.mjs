// Run by .ci/run in a fresh Node project that installed the packed tarball
// (`npm pack`, then `npm install rochdale-0.1.0.tgz`): the public API only,
// on the bundled Rochdale 1844 rulebook, against figures worked by hand in
// its comments. Arguments: the rulebook and its founders' CSV.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as rochdale from 'rochdale';

const [rulebookPath, foundersPath] = process.argv.slice(2);
const text = readFileSync(rulebookPath, 'utf8');
const name = path.basename(rulebookPath);
const files = { 'rochdale-1844-founders.csv': readFileSync(foundersPath, 'utf8') };

// check: the rulebook has no problems.
const checked = rochdale.check(name, text);
assert.equal(checked.files.length, 1);
assert.equal(checked.files[0].ok, true);
assert.deepEqual(checked.files[0].diagnostics, []);

// test: its 17 examples pass, none fails.
const tested = rochdale.test(name, text);
assert.equal(tested.passed, 17);
assert.equal(tested.failed, 0);
assert.equal(tested.files[0].examples.length, 17);
assert.ok(tested.files[0].examples.every((e) => e.passed));
const quarter = tested.files[0].examples.find((e) => e.name === 'a quarter with interest on capital');
assert.ok(quarter.expectations.some((x) => x.text.includes('dividend(ada)') && x.actual.display === '£15.64'));

// simulate: the first year, closed each quarter (rulebooks/rochdale-1844.coop
// works it by hand). The first quarter: surplus £180.40 - £174.00 = £6.40;
// reserve £0.64, education £0.16, interest at 5% a year for 90 days
// £1.434247 down to £1.43; dividends £4.17: 20p to each £8.80 buyer, 13p
// to 17 of the £5.50 buyers and 12p to the last three; cash £150.00.
const outcome = rochdale.simulate(name, text, { scenario: 'first year', files });
assert.equal(outcome.scenario, 'first year');
assert.equal(outcome.periods.length, 4);
const tranches = outcome.periods[0].allocations[0].tranches;
const tranche = (label) => tranches.find((t) => t.label === label);
assert.equal(tranche('reserve fund').total.value, '0.64');
assert.equal(tranche('education fund').total.value, '0.16');
assert.equal(tranche('interest on capital').total.value, '1.43');
const dividends = tranche('dividend on purchases');
assert.equal(dividends.total.value, '4.17');
assert.equal(dividends.total.display, '£4.17');
const dividend = Object.fromEntries(dividends.members.map((m) => [m.name, m.value.value]));
assert.equal(dividend.howarth, '0.13');
assert.equal(dividend.scowcroft, '0.12');
assert.equal(dividend.smith, '0.20');
assert.equal(dividend.r_taylor, '0.20');
const pennies = dividends.members.reduce((sum, m) => sum + Math.round(Number(m.value.value) * 100), 0);
assert.equal(pennies, 417);
assert.equal(outcome.trial_balance.balanced, true);
// Refusals, with their reasons: young is 15; cooper's notice is 14 days.
const refused = outcome.steps.filter((s) => s.status === 'refused');
const young = refused.find((s) => s.what.startsWith('join(young'));
assert.deepEqual(young.reasons, ['members must be 16 or over (article 13): 15 < 16']);
const early = refused.find((s) => s.date === '1845-08-15');
assert.deepEqual(early.reasons, ['withdrawals need notice (article 13): 14 < 30']);
assert.equal(refused.length, 3);   // and young's purchase: not a member
// Cash £116.00 + £730.00 - £696.00 = £150.00, a debit (funds show credits positive).
assert.equal(outcome.funds.find((f) => f.name === 'cash').value.value, '-150.00');
assert.equal(outcome.funds.find((f) => f.name === 'reserve fund').value.value, '3.40');

// Opening balances (`opening_csv`, as `--opening`): the same year from
// books that already hold £10.00 of cash and of reserve. Cash £150.00 +
// £10.00 = £160.00 Dr; the reserve fund £3.40 + £10.00 = £13.40.
const opened = rochdale.simulate(name, text, {
  scenario: 'first year',
  files,
  opening_csv: 'account,debit,credit\ncash,10.00,\nreserve fund,,10.00\n',
});
assert.deepEqual(opened.opening_balances.map((a) => a.account), ['cash', 'reserve fund']);
assert.equal(opened.funds.find((f) => f.name === 'cash').value.value, '-160.00');
assert.equal(opened.funds.find((f) => f.name === 'reserve fund').value.value, '13.40');
// Books that do not balance are refused before anything runs.
assert.throws(
  () => rochdale.simulate(name, text, { scenario: 'first year', files, opening_csv: 'account,debit,credit\ncash,10.00,\n' }),
  (e) => {
    assert.ok(e instanceof rochdale.RochdaleError);
    assert.equal(e.diagnostics[0].code, 'E0602');
    assert.ok(e.diagnostics[0].message.includes('debits £10.00, credits £0.00'));
    return true;
  },
);

// The JSON text itself, as the CLI prints it.
assert.equal(JSON.parse(rochdale.raw.simulate(name, text, { scenario: 'first year', files })).periods[0].allocations[0].tranches.length, 4);

// Errors: a RochdaleError carrying the diagnostics, with code and line.
const broken = text.replace('rule surplus: Money = period.sales - period.costs', 'rule surplus: Money = period.sales - perod.costs');
assert.throws(
  () => rochdale.simulate(name, broken, { scenario: 'first year', files }),
  (e) => {
    assert.ok(e instanceof rochdale.RochdaleError);
    assert.equal(e.diagnostics[0].code, 'E0200');
    assert.equal(e.diagnostics[0].line, text.split('\n').findIndex((l) => l.includes('rule surplus')) + 1);
    assert.ok(e.diagnostics[0].help);
    return true;
  },
);

console.log(`rochdale ${rochdale.version()} from the tarball: check, test (${tested.passed} examples), simulate (dividends ${dividends.total.display}) and a RochdaleError, all as worked by hand`);
