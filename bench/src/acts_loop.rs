//! The act log of issue 15 by hand: what a careful programmer would write
//! for the 1844 store without a rules engine, run as a process of its own
//! (`rochdale-bench loop`, see [`main`]) so that its time and peak memory
//! are measured the way the interpreter's are.
//!
//! Integer pence in `i64` (products in `i128`); the scenario read as a
//! stream (serde_json visitors over `steps`, one step at a time into
//! reused buffers: no document tree, no step kept), or the CSV act log a
//! line at a time; the journal streamed to `journal.csv`; the 1844 rules
//! hard-coded, as in tests/fixtures/rochdale-1844.1.coop:
//!
//! - `join(m, payment)`: refused unless `m.age >= 16` and
//!   `m.shares + payment >= £4.00` (and `m` is not a member yet); admits,
//!   adds the payment to the shares, posts it cash → `m: capital`;
//! - `purchase(m, cost)`: refused unless `m` is a member; the price is
//!   `cost × 110%` rounded half up to the penny, added to `m`'s purchases
//!   and posted cash → sales;
//! - `pay_costs(amount)`: posts costs → cash;
//! - the close: sales and costs of the period close into `surplus`, which
//!   is divided, rounding down: 10% reserve, 2.5% education, interest at
//!   5% on the shares of each eligible member (16 or over, £4.00 of
//!   shares) at most what remains, the rest as a dividend in proportion to
//!   purchases, each shared tranche by largest remainder, ties to the
//!   member listed first; no posting of zero.
//!
//! It writes `journal.csv` (the interpreter's format), `statements.csv`
//! (the member columns compared: capital, purchases in period 1, interest
//! on capital, dividend on purchases) and `trial_balance.csv` (the
//! interpreter's format: the cooperative's accounts, then each member's).
//! Anything outside the workload (a motion, a second close, a loss) is an
//! error rather than a guess.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

const MINIMUM_AGE: u32 = 16;
/// £1.00 a share × 4 shares.
const MINIMUM_HOLDING: i64 = 400;

/// The cooperative's accounts, in the trial balance's (alphabetical) order.
#[derive(Clone, Copy)]
enum Fund {
    Cash,
    Costs,
    Education,
    Reserve,
    Sales,
    Surplus,
}

const FUND_NAMES: [&str; 6] = [
    "cash",
    "costs",
    "education fund",
    "reserve fund",
    "sales",
    "surplus",
];

/// A member's accounts, in the trial balance's (alphabetical) order.
#[derive(Clone, Copy)]
enum Own {
    Capital,
    Dividend,
    Interest,
}

const OWN_NAMES: [&str; 3] = ["capital", "dividend on purchases", "interest on capital"];

#[derive(Clone, Copy)]
enum Account {
    Fund(Fund),
    Member(u32, Own),
}

/// The journal, written as it is made.
struct Journal {
    w: BufWriter<File>,
    line: Vec<u8>,
}

impl Journal {
    fn create(path: &Path) -> Result<Journal, String> {
        let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut w = BufWriter::with_capacity(1 << 16, file);
        w.write_all(b"date,step,debit,credit,amount\n")
            .map_err(|e| e.to_string())?;
        Ok(Journal {
            w,
            line: Vec::with_capacity(128),
        })
    }
}

/// Appends `n` in decimal.
fn push_int(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Appends `pence` as the interpreter writes money in CSV: `4.00`, `-0.05`.
fn push_money(out: &mut Vec<u8>, pence: i64) {
    if pence < 0 {
        out.push(b'-');
    }
    let p = pence.unsigned_abs();
    push_int(out, p / 100);
    out.push(b'.');
    out.push(b'0' + (p % 100 / 10) as u8);
    out.push(b'0' + (p % 10) as u8);
}

/// `£12.34` (or `£12`, `£12.3`, `-£1.00`) in pence.
fn parse_money(s: &str) -> Option<i64> {
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let s = s.strip_prefix('£')?;
    let (pounds, p) = s.split_once('.').unwrap_or((s, ""));
    if pounds.is_empty() || p.len() > 2 {
        return None;
    }
    let digits = |t: &str| -> Option<i64> {
        t.bytes().try_fold(0i64, |n, c| {
            c.is_ascii_digit()
                .then_some(())
                .and_then(|()| n.checked_mul(10)?.checked_add((c - b'0') as i64))
        })
    };
    let mut pence = digits(pounds)?.checked_mul(100)?;
    let fraction = digits(p)?;
    pence = pence.checked_add(if p.len() == 1 {
        fraction * 10
    } else {
        fraction
    })?;
    Some(if negative { -pence } else { pence })
}

/// A `YYYY-MM-DD` date, checked.
fn parse_date(s: &str) -> Option<[u8; 10]> {
    let b: [u8; 10] = s.as_bytes().try_into().ok()?;
    let digit = |i: usize| b[i].is_ascii_digit();
    if !(b[4] == b'-' && b[7] == b'-' && [0, 1, 2, 3, 5, 6, 8, 9].into_iter().all(digit)) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0'));
    let (year, month, day) = (n(0..4), n(5..7), n(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then_some(b)
}

/// Shares of `total` pence in proportion to `weights` (None: takes no
/// part), by largest remainder, ties to the member listed first. `None`
/// if there is something to share and no weight to share it by.
fn apportion(total: i64, weights: &[Option<i64>]) -> Option<Vec<i64>> {
    let sum: i128 = weights.iter().flatten().map(|w| *w as i128).sum();
    if total != 0 && sum == 0 {
        return None;
    }
    // The same hand-written rule as the batch year's baseline.
    Some(crate::integer::apportion(total, weights))
}

/// The society: its members as columns, its books as totals.
struct Society {
    names: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
    age: Vec<u32>,
    member: Vec<bool>,
    shares: Vec<i64>,
    purchases: Vec<i64>,
    /// Credit balances of each member's accounts (None: never posted).
    own: [Vec<Option<i64>>; 3],
    /// `purchases` as they stood at the close (period 1).
    purchases_in_period_1: Vec<Option<i64>>,
    /// The cooperative's accounts: (debit, credit) totals, and whether posted.
    funds: [(i64, i64, bool); 6],
    /// This period's sales (credits less debits) and costs (debits less credits).
    period_sales: i64,
    period_costs: i64,
    closed: bool,
    journal: Journal,
    step: u64,
    last_date: [u8; 10],
    refused: u64,
}

impl Society {
    fn read_members(path: &Path, journal: Journal) -> Result<Society, String> {
        let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut reader = csv::Reader::from_reader(BufReader::with_capacity(1 << 16, file));
        let headers = reader.byte_headers().map_err(|e| e.to_string())?.clone();
        if headers.len() != 2 || &headers[0] != b"name" || &headers[1] != b"age" {
            return Err(format!(
                "{}: the loop reads members as `name,age`",
                path.display()
            ));
        }
        let mut s = Society {
            names: Vec::new(),
            index: HashMap::new(),
            age: Vec::new(),
            member: Vec::new(),
            shares: Vec::new(),
            purchases: Vec::new(),
            own: [Vec::new(), Vec::new(), Vec::new()],
            purchases_in_period_1: Vec::new(),
            funds: [(0, 0, false); 6],
            period_sales: 0,
            period_costs: 0,
            closed: false,
            journal,
            step: 0,
            last_date: *b"0000-00-00",
            refused: 0,
        };
        let mut record = csv::ByteRecord::new();
        while reader
            .read_byte_record(&mut record)
            .map_err(|e| e.to_string())?
        {
            let line = record.position().map_or(0, |p| p.line());
            let name = std::str::from_utf8(&record[0])
                .map_err(|_| format!("line {line}: a name that is not UTF-8"))?;
            let age = std::str::from_utf8(&record[1])
                .ok()
                .and_then(|a| a.parse::<u32>().ok())
                .ok_or_else(|| format!("line {line}: a bad age"))?;
            let i = s.names.len() as u32;
            if s.index.insert(name.into(), i).is_some() {
                return Err(format!("line {line}: {name} is listed twice"));
            }
            s.names.push(name.into());
            s.age.push(age);
        }
        let n = s.names.len();
        s.member = vec![false; n];
        s.shares = vec![0; n];
        s.purchases = vec![0; n];
        s.own = [vec![None; n], vec![None; n], vec![None; n]];
        s.purchases_in_period_1 = vec![None; n];
        Ok(s)
    }

    fn person(&self, name: &str) -> Result<usize, String> {
        self.index
            .get(name)
            .map(|i| *i as usize)
            .ok_or_else(|| format!("there is no member `{name}`"))
    }

    /// Posts `amount` and writes its journal line.
    fn post(&mut self, date: &[u8; 10], debit: Account, credit: Account, amount: i64) {
        for (account, is_debit) in [(debit, true), (credit, false)] {
            match account {
                Account::Fund(f) => {
                    let t = &mut self.funds[f as usize];
                    if is_debit {
                        t.0 += amount;
                    } else {
                        t.1 += amount;
                    }
                    t.2 = true;
                }
                Account::Member(m, o) => {
                    let b = self.own[o as usize][m as usize].get_or_insert(0);
                    *b += if is_debit { -amount } else { amount };
                }
            }
        }
        let j = &mut self.journal;
        let line = &mut j.line;
        line.clear();
        line.extend_from_slice(date);
        line.push(b',');
        push_int(line, self.step);
        for account in [debit, credit] {
            line.push(b',');
            match account {
                Account::Fund(f) => line.extend_from_slice(FUND_NAMES[f as usize].as_bytes()),
                Account::Member(m, o) => {
                    line.extend_from_slice(self.names[m as usize].as_bytes());
                    line.extend_from_slice(b": ");
                    line.extend_from_slice(OWN_NAMES[o as usize].as_bytes());
                }
            }
        }
        line.push(b',');
        push_money(line, amount);
        line.push(b'\n');
        // An error here shows again, and is reported, at the final flush.
        let _ = j.w.write_all(line);
    }

    /// One step: the date, the act (`close period` for a close) and its arguments.
    fn step(&mut self, date: &str, act: &str, args: &[&str]) -> Result<(), String> {
        self.step += 1;
        let number = self.step;
        let at = |e: String| format!("step {number}: {e}");
        let day = parse_date(date).ok_or_else(|| at(format!("`{date}` is not a date")))?;
        if day < self.last_date {
            return Err(at(format!(
                "{date} comes before {}: steps out of date order",
                String::from_utf8_lossy(&self.last_date)
            )));
        }
        self.last_date = day;
        let arity = |n: usize| {
            if args.len() == n {
                Ok(())
            } else {
                Err(at(format!("{act} takes {n} arguments, not {}", args.len())))
            }
        };
        let amount =
            |s: &str| parse_money(s).ok_or_else(|| at(format!("`{s}` is not an amount of money")));
        match act {
            "join" => {
                arity(2)?;
                let m = self.person(args[0]).map_err(at)?;
                let payment = amount(args[1])?;
                if self.member[m]
                    || self.age[m] < MINIMUM_AGE
                    || self.shares[m] + payment < MINIMUM_HOLDING
                {
                    self.refused += 1;
                    return Ok(());
                }
                self.member[m] = true;
                self.shares[m] += payment;
                self.post(
                    &day,
                    Account::Fund(Fund::Cash),
                    Account::Member(m as u32, Own::Capital),
                    payment,
                );
            }
            "purchase" => {
                arity(2)?;
                let m = self.person(args[0]).map_err(at)?;
                let cost = amount(args[1])?;
                if cost < 0 {
                    return Err(at("a negative cost is not in this workload".into()));
                }
                if !self.member[m] {
                    self.refused += 1;
                    return Ok(());
                }
                // cost × 110%, half up to the penny.
                let price = (cost as i128 * 110 + 50) / 100;
                let price = i64::try_from(price).map_err(|_| at("price overflows".into()))?;
                self.purchases[m] += price;
                self.period_sales += price;
                self.post(
                    &day,
                    Account::Fund(Fund::Cash),
                    Account::Fund(Fund::Sales),
                    price,
                );
            }
            "pay_costs" => {
                arity(1)?;
                let paid = amount(args[0])?;
                self.period_costs += paid;
                self.post(
                    &day,
                    Account::Fund(Fund::Costs),
                    Account::Fund(Fund::Cash),
                    paid,
                );
            }
            "close period" => {
                if !args.is_empty() {
                    return Err(at("a close with figures is not in this workload".into()));
                }
                self.close(&day).map_err(at)?;
            }
            other => {
                return Err(at(format!(
                    "`{other}` is not in this workload (join, purchase, pay_costs, close)"
                )));
            }
        }
        Ok(())
    }

    fn close(&mut self, day: &[u8; 10]) -> Result<(), String> {
        if self.closed {
            return Err("the loop closes one period".into());
        }
        self.closed = true;
        let (sales, costs) = (self.period_sales, self.period_costs);
        let (surplus_acct, sales_acct, costs_acct) = (
            Account::Fund(Fund::Surplus),
            Account::Fund(Fund::Sales),
            Account::Fund(Fund::Costs),
        );
        if sales > 0 {
            self.post(day, sales_acct, surplus_acct, sales);
        } else if sales < 0 {
            self.post(day, surplus_acct, sales_acct, -sales);
        }
        if costs > 0 {
            self.post(day, surplus_acct, costs_acct, costs);
        } else if costs < 0 {
            self.post(day, costs_acct, surplus_acct, -costs);
        }
        let surplus = sales - costs;
        if surplus < 0 {
            return Err("a loss is not in this workload".into());
        }
        // Rounding down: a tenth, then two and a half per cent.
        let reserve = surplus / 10;
        let education = (surplus as i128 * 25 / 1000) as i64;
        let mut remaining = surplus - reserve - education;
        let n = self.names.len();
        let eligible: Vec<bool> = (0..n)
            .map(|m| {
                self.member[m] && self.age[m] >= MINIMUM_AGE && self.shares[m] >= MINIMUM_HOLDING
            })
            .collect();
        // Interest at 5% on the shares, at most what remains, rounded down.
        let shares: Vec<Option<i64>> = (0..n)
            .map(|m| eligible[m].then_some(self.shares[m]))
            .collect();
        let asked: i128 = shares.iter().flatten().map(|s| *s as i128 * 5).sum(); // 1/100 pence
        let interest_total = (asked / 100).min(remaining as i128) as i64;
        let interest = apportion(interest_total, &shares)
            .ok_or("no member has a share of \"interest on capital\"")?;
        remaining -= interest_total;
        drop(shares);
        // The rest in proportion to purchases.
        let purchases: Vec<Option<i64>> = (0..n)
            .map(|m| eligible[m].then_some(self.purchases[m]))
            .collect();
        let dividend = apportion(remaining, &purchases)
            .ok_or("no member has a share of \"dividend on purchases\"")?;
        drop(purchases);
        if reserve != 0 {
            self.post(day, surplus_acct, Account::Fund(Fund::Reserve), reserve);
        }
        if education != 0 {
            self.post(day, surplus_acct, Account::Fund(Fund::Education), education);
        }
        for (own, shares) in [(Own::Interest, interest), (Own::Dividend, dividend)] {
            for (m, amount) in shares.into_iter().enumerate() {
                if amount != 0 {
                    self.post(day, surplus_acct, Account::Member(m as u32, own), amount);
                }
            }
        }
        // `purchases` is kept each period: recorded at the close, then reset.
        for m in 0..n {
            if self.member[m] {
                self.purchases_in_period_1[m] = Some(self.purchases[m]);
            }
            self.purchases[m] = 0;
        }
        self.period_sales = 0;
        self.period_costs = 0;
        Ok(())
    }

    /// Writes statements.csv and trial_balance.csv, and finishes the journal.
    fn finish(mut self, out: &Path) -> Result<(u64, u64), String> {
        self.journal
            .w
            .flush()
            .map_err(|e| format!("journal.csv: {e}"))?;
        let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
        let path = out.join("statements.csv");
        let file = File::create(&path).map_err(|e| io(&path, e))?;
        let mut w = BufWriter::with_capacity(1 << 16, file);
        let mut line = Vec::with_capacity(256);
        line.extend_from_slice(
            b"member,purchases in period 1,capital,dividend on purchases,interest on capital\n",
        );
        let cell = |line: &mut Vec<u8>, v: Option<i64>| {
            line.push(b',');
            if let Some(v) = v {
                push_money(line, v);
            }
        };
        for m in 0..self.names.len() {
            line.extend_from_slice(self.names[m].as_bytes());
            cell(&mut line, self.purchases_in_period_1[m]);
            for own in [Own::Capital, Own::Dividend, Own::Interest] {
                cell(&mut line, self.own[own as usize][m]);
            }
            line.push(b'\n');
            if line.len() > 1 << 15 {
                w.write_all(&line).map_err(|e| io(&path, e))?;
                line.clear();
            }
        }
        w.write_all(&line).map_err(|e| io(&path, e))?;
        w.flush().map_err(|e| io(&path, e))?;

        let path = out.join("trial_balance.csv");
        let file = File::create(&path).map_err(|e| io(&path, e))?;
        let mut w = BufWriter::with_capacity(1 << 16, file);
        line.clear();
        line.extend_from_slice(b"account,debit,credit\n");
        for (name, (debit, credit, posted)) in FUND_NAMES.iter().zip(self.funds) {
            if posted {
                line.extend_from_slice(name.as_bytes());
                cell(&mut line, Some(debit));
                cell(&mut line, Some(credit));
                line.push(b'\n');
            }
        }
        for m in 0..self.names.len() {
            for own in [Own::Capital, Own::Dividend, Own::Interest] {
                // Credits only: no act of this workload debits a member.
                if let Some(balance) = self.own[own as usize][m] {
                    line.extend_from_slice(self.names[m].as_bytes());
                    line.extend_from_slice(b": ");
                    line.extend_from_slice(OWN_NAMES[own as usize].as_bytes());
                    cell(&mut line, Some(0));
                    cell(&mut line, Some(balance));
                    line.push(b'\n');
                }
            }
            if line.len() > 1 << 15 {
                w.write_all(&line).map_err(|e| io(&path, e))?;
                line.clear();
            }
        }
        w.write_all(&line).map_err(|e| io(&path, e))?;
        w.flush().map_err(|e| io(&path, e))?;
        Ok((self.step, self.refused))
    }
}

// ---------------------------------------------------------------------
// The JSON scenario, as a stream: `{"name": ..., "steps": [...]}`.

/// The fields' names of one JSON object, matched without allocating.
struct FieldSeed(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FieldSeed {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "one of {:?}", self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|f| *f == v)
            .ok_or_else(|| E::unknown_field(v, self.0))
    }
}

/// A string, copied into a reused buffer.
struct Text<'b>(&'b mut String);

impl<'de> DeserializeSeed<'de> for Text<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for Text<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.clear();
        self.0.push_str(v);
        Ok(())
    }
}

/// One step's fields, reused from step to step.
#[derive(Default)]
struct StepBuf {
    date: String,
    act: String,
    args: Vec<String>,
    nargs: usize,
}

/// `args`: strings into the step's buffers.
struct Args<'b>(&'b mut StepBuf);

impl<'de> DeserializeSeed<'de> for Args<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Args<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of arguments, as strings")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let b = self.0;
        b.nargs = 0;
        loop {
            if b.args.len() == b.nargs {
                b.args.push(String::new());
            }
            match seq.next_element_seed(Text(&mut b.args[b.nargs]))? {
                Some(()) => b.nargs += 1,
                None => return Ok(()),
            }
        }
    }
}

/// `close`: `true`, or an object of figures (none in this workload).
struct Close;

impl<'de> DeserializeSeed<'de> for Close {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Close {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("`true` or an object of figures")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        if v {
            Ok(())
        } else {
            Err(E::custom("`close` is `true` or an object of figures"))
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        match map.next_key::<de::IgnoredAny>()? {
            None => Ok(()),
            Some(_) => Err(de::Error::custom(
                "a close with figures is not in this workload",
            )),
        }
    }
}

/// One step: read into the buffers, then run.
struct Step<'a> {
    society: &'a mut Society,
    buf: &'a mut StepBuf,
}

const STEP_FIELDS: &[&str] = &["date", "act", "args", "close"];

impl<'de> DeserializeSeed<'de> for Step<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Step<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a step")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let b = self.buf;
        let (mut date, mut act, mut args, mut close) = (false, false, false, false);
        while let Some(field) = map.next_key_seed(FieldSeed(STEP_FIELDS))? {
            match field {
                0 => {
                    map.next_value_seed(Text(&mut b.date))?;
                    date = true;
                }
                1 => {
                    map.next_value_seed(Text(&mut b.act))?;
                    act = true;
                }
                2 => {
                    map.next_value_seed(Args(&mut *b))?;
                    args = true;
                }
                _ => {
                    map.next_value_seed(Close)?;
                    close = true;
                }
            }
        }
        if !date {
            return Err(de::Error::missing_field("date"));
        }
        if !args {
            b.nargs = 0;
        }
        let act = match (act, close) {
            (true, false) => b.act.as_str(),
            (false, true) if !args => "close period",
            _ => {
                return Err(de::Error::custom(
                    "a step is exactly one of an act (with args) and a close",
                ));
            }
        };
        let mut refs = [""; 4];
        if b.nargs > refs.len() {
            return Err(de::Error::custom("too many arguments"));
        }
        for (r, a) in refs.iter_mut().zip(&b.args[..b.nargs]) {
            *r = a.as_str();
        }
        self.society
            .step(&b.date, act, &refs[..b.nargs])
            .map_err(de::Error::custom)
    }
}

/// `steps`: every step in turn.
struct Steps<'a>(&'a mut Society);

impl<'de> DeserializeSeed<'de> for Steps<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Steps<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of steps")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut buf = StepBuf::default();
        while seq
            .next_element_seed(Step {
                society: &mut *self.0,
                buf: &mut buf,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// The scenario: `name`, then `steps` (members come from `--members`).
struct Scenario<'a>(&'a mut Society);

impl<'de> DeserializeSeed<'de> for Scenario<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Scenario<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a scenario {\"name\", \"steps\"}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut name = String::new();
        let mut steps = false;
        while let Some(field) = map.next_key_seed(FieldSeed(&["name", "steps"]))? {
            if field == 0 {
                map.next_value_seed(Text(&mut name))?;
            } else {
                map.next_value_seed(Steps(&mut *self.0))?;
                steps = true;
            }
        }
        if steps {
            Ok(())
        } else {
            Err(de::Error::missing_field("steps"))
        }
    }
}

fn run_json(society: &mut Society, path: &Path) -> Result<(), String> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut de = serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 16, file));
    Scenario(society)
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| format!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------
// The CSV act log: `date,act,args...`, a line at a time.

fn run_acts(society: &mut Society, path: &Path) -> Result<(), String> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(BufReader::with_capacity(1 << 16, file));
    let mut record = csv::StringRecord::new();
    let mut first = true;
    while reader
        .read_record(&mut record)
        .map_err(|e| format!("{}: {e}", path.display()))?
    {
        let line = record.position().map_or(0, |p| p.line());
        if std::mem::take(&mut first) && record.get(0) == Some("date") {
            continue;
        }
        // Empty cells at the end are padding.
        let mut cells = record.len();
        while cells > 0 && record[cells - 1].is_empty() {
            cells -= 1;
        }
        if cells == 0 {
            continue;
        }
        if cells < 2 {
            return Err(format!("{}:{line}: a date and an act", path.display()));
        }
        let mut refs = [""; 4];
        let args = cells - 2;
        if args > refs.len() {
            return Err(format!("{}:{line}: too many arguments", path.display()));
        }
        for (r, c) in refs.iter_mut().zip(record.iter().skip(2)) {
            *r = c;
        }
        society
            .step(&record[0], &record[1], &refs[..args])
            .map_err(|e| format!("{}:{line}: {e}", path.display()))?;
    }
    Ok(())
}

/// `rochdale-bench loop (--json FILE | --acts FILE) --members FILE --out DIR`
pub fn main(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    let (mut json, mut acts, mut members, mut out) = (None, None, None, None);
    while let Some(a) = args.next() {
        let mut value = || {
            args.next()
                .map(PathBuf::from)
                .ok_or(format!("{a} needs a value"))
        };
        match a.as_str() {
            "--json" => json = Some(value()?),
            "--acts" => acts = Some(value()?),
            "--members" => members = Some(value()?),
            "--out" => out = Some(value()?),
            other => return Err(format!("loop: unknown argument {other}")),
        }
    }
    let usage = "usage: rochdale-bench loop (--json FILE | --acts FILE) --members FILE --out DIR";
    let (members, out) = members.zip(out).ok_or(usage)?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let journal = Journal::create(&out.join("journal.csv"))?;
    let mut society = Society::read_members(&members, journal)?;
    match (json, acts) {
        (Some(json), None) => run_json(&mut society, &json)?,
        (None, Some(acts)) => run_acts(&mut society, &acts)?,
        _ => return Err(usage.into()),
    }
    let (steps, refused) = society.finish(&out)?;
    println!("{steps} steps, {refused} refused");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(pence: i64) -> String {
        let mut v = Vec::new();
        push_money(&mut v, pence);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn money_is_read_and_written_exactly() {
        assert_eq!(parse_money("£4.00"), Some(400));
        assert_eq!(parse_money("£0.05"), Some(5));
        assert_eq!(parse_money("£12.3"), Some(1230));
        assert_eq!(parse_money("£7"), Some(700));
        assert_eq!(parse_money("-£1.50"), Some(-150));
        assert_eq!(parse_money("£1.005"), None);
        assert_eq!(parse_money("4.00"), None);
        assert_eq!(parse_money("£"), None);
        assert_eq!(money(400), "4.00");
        assert_eq!(money(5), "0.05");
        assert_eq!(money(-150), "-1.50");
        assert_eq!(money(123_456_789), "1234567.89");
    }

    #[test]
    fn dates_are_checked() {
        assert!(parse_date("1845-02-28").is_some());
        assert!(parse_date("1845-02-29").is_none());
        assert!(parse_date("1844-02-29").is_some());
        assert!(parse_date("1845-13-01").is_none());
        assert!(parse_date("1845-1-01").is_none());
    }

    #[test]
    fn largest_remainder_ties_go_to_the_first_listed() {
        // The rulebook's "awkward pennies": 80p over three equal weights.
        assert_eq!(
            apportion(80, &[Some(100), Some(100), Some(100)]),
            Some(vec![27, 27, 26])
        );
        // No part for None; nothing to share by is no answer.
        assert_eq!(apportion(10, &[None, Some(1)]), Some(vec![0, 10]));
        assert_eq!(apportion(10, &[None, Some(0)]), None);
        assert_eq!(apportion(0, &[None]), Some(vec![0]));
    }

    /// tests/scenarios/year.csv without its motion (the loop has none):
    /// ada buys £100.00 and £40.00, ben £50.00, all at 10%: sales £209.00,
    /// costs £150.00, surplus £59.00; reserve £5.90, education £1.47
    /// (1.475 down), interest £0.20 each, dividends £51.23 on purchases of
    /// £154.00 and £55.00: 3,774.84p and 1,348.16p, floors 3,774p and
    /// 1,348p, the penny to ada's larger remainder: £37.75 and £13.48.
    #[test]
    fn a_small_year_by_hand() {
        let dir = std::env::temp_dir().join(format!("rochdale-bench-loop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let members = dir.join("members.csv");
        std::fs::write(&members, "name,age\nada,30\nben,45\ncy,15\n").unwrap();
        let acts = dir.join("year.csv");
        std::fs::write(
            &acts,
            "date,act,args...\n# cy is 15\n1845-01-01,join,ada,£4.00\n1845-01-01,join,ben,£4.00\n\
             1845-01-01,join,cy,£4.00\n1845-02-01,purchase,ada,£100.00\n1845-02-01,purchase,ben,£50.00\n\
             1845-04-01,purchase,ada,£40.00\n1845-12-30,pay_costs,£150.00\n1845-12-31,close period,,\n",
        )
        .unwrap();
        let out = dir.join("out");
        let args = [
            "--acts",
            acts.to_str().unwrap(),
            "--members",
            members.to_str().unwrap(),
        ];
        let args = args
            .into_iter()
            .map(String::from)
            .chain(["--out".into(), out.to_str().unwrap().into()]);
        main(args).unwrap();
        let statements = std::fs::read_to_string(out.join("statements.csv")).unwrap();
        assert_eq!(
            statements,
            "member,purchases in period 1,capital,dividend on purchases,interest on capital\n\
             ada,154.00,4.00,37.75,0.20\nben,55.00,4.00,13.48,0.20\ncy,,,,\n"
        );
        let trial = std::fs::read_to_string(out.join("trial_balance.csv")).unwrap();
        assert_eq!(
            trial,
            "account,debit,credit\ncash,217.00,150.00\ncosts,150.00,150.00\n\
             education fund,0.00,1.47\nreserve fund,0.00,5.90\nsales,209.00,209.00\n\
             surplus,209.00,209.00\nada: capital,0.00,4.00\nada: dividend on purchases,0.00,37.75\n\
             ada: interest on capital,0.00,0.20\nben: capital,0.00,4.00\n\
             ben: dividend on purchases,0.00,13.48\nben: interest on capital,0.00,0.20\n"
        );
        let journal = std::fs::read_to_string(out.join("journal.csv")).unwrap();
        assert_eq!(journal.lines().count(), 1 + 2 + 3 + 1 + 8);
        assert!(journal.contains("\n1845-12-31,8,surplus,ada: dividend on purchases,37.75\n"));

        // The same year as JSON gives the same files.
        let json = dir.join("year.json");
        std::fs::write(
            &json,
            r#"{"name": "year", "steps": [
              {"date": "1845-01-01", "act": "join", "args": ["ada", "£4.00"]},
              {"date": "1845-01-01", "act": "join", "args": ["ben", "£4.00"]},
              {"date": "1845-01-01", "act": "join", "args": ["cy", "£4.00"]},
              {"args": ["ada", "£100.00"], "act": "purchase", "date": "1845-02-01"},
              {"date": "1845-02-01", "act": "purchase", "args": ["ben", "£50.00"]},
              {"date": "1845-04-01", "act": "purchase", "args": ["ada", "£40.00"]},
              {"date": "1845-12-30", "act": "pay_costs", "args": ["£150.00"]},
              {"date": "1845-12-31", "close": true}
            ]}"#,
        )
        .unwrap();
        let out2 = dir.join("out2");
        let args = [
            "--json",
            json.to_str().unwrap(),
            "--members",
            members.to_str().unwrap(),
        ];
        let args = args
            .into_iter()
            .map(String::from)
            .chain(["--out".into(), out2.to_str().unwrap().into()]);
        main(args).unwrap();
        for f in ["statements.csv", "trial_balance.csv", "journal.csv"] {
            assert_eq!(
                std::fs::read(out.join(f)).unwrap(),
                std::fs::read(out2.join(f)).unwrap(),
                "{f}"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
