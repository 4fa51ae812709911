//! Parse and check of a generated rulebook of about 1 MB.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// A rulebook of at least `bytes` bytes: a member and period declaration,
/// then articles of parameters, rules with reasons, exceptions and an
/// allocation, each with names of its own.
pub fn rulebook(bytes: usize) -> String {
    let mut t = String::from(
        "rulebook \"Generated\" version \"1\" currency GBP\n\nmember {\n  age: Integer\n  shares: Money = £0\n  purchases: Money = £0 each period\n}\n\nperiod {\n  surplus: Money\n}\n\n",
    );
    let mut i = 0;
    while t.len() < bytes {
        let _ = write!(
            t,
            "-- Article {i}: generated to measure the front end.\n\
article {i} \"Part {i}\" {{\n\
  text \"Any person of the age of sixteen or over who holds the minimum number of shares may be admitted a member.\"\n\
  source \"Generated\"\n\n\
  parameter minimum_age_{i}: Integer = 16\n\
  parameter minimum_shares_{i}: Integer = 4\n\
  parameter markup_{i}: Percent = 10%\n\
  parameter reserve_{i}: Percent = 10%\n\n\
  limit markup_{i}_is_limited: markup_{i} <= 50%\n\n\
  rule holding_{i}: Money = £1.00 * minimum_shares_{i}\n\
  rule eligible_{i}(m) =\n    m.age >= minimum_age_{i} because \"members must be 16 or over\"\n    and m.shares >= holding_{i} because \"members must hold the minimum shareholding\"\n\
  rule price_{i}(cost: Money): Money = round(cost * (100% + markup_{i}), to 0.01, half up)\n\
  rule fee_{i}(m): Money = £2.00\n    except when m.age < 18 then £0.00\n    except when m.age >= 18 and m.shares > £100.00 then £1.00\n\
  rule total_{i}: Money = sum(m.purchases for each member m where eligible_{i}(m))\n\
}}\n\n"
        );
        i += 1;
    }
    t.push_str(
        "allocate period.surplus rounding down {\n  reserve: reserve_0\n  dividend: remainder, to each member m where eligible_0(m) in proportion to m.purchases\n}\n",
    );
    t
}

pub fn table() -> Result<String, String> {
    let text = rulebook(1 << 20);
    let mut parse = Vec::new();
    let mut check = Vec::new();
    for _ in 0..7 {
        let t0 = Instant::now();
        let book =
            rochdale::parse(&text).map_err(|d| format!("generated rulebook: {}", d[0].message))?;
        let t1 = Instant::now();
        let checked = rochdale::check::check(&book);
        let t2 = Instant::now();
        if checked.program.is_none() {
            return Err(format!(
                "the generated rulebook does not check: {}",
                checked.diagnostics[0].message
            ));
        }
        if std::env::var_os("ROCHDALE_BENCH_PHASES").is_some() {
            let t3 = Instant::now();
            let _ = rochdale::provenance::Provenance::of(&book);
            eprintln!(
                "  provenance alone: {:.1} ms",
                t3.elapsed().as_secs_f64() * 1e3
            );
        }
        parse.push(t1 - t0);
        check.push(t2 - t1);
    }
    parse.sort();
    check.sort();
    let (p, c) = (parse[3], check[3]);
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e3);
    Ok(format!(
        "Front end: parse and check of a generated rulebook of {} bytes ({} lines), median of 7. Target: under 100 ms.\n\n\
         | parse (ms) | check (ms) | total (ms) | MB/s |\n|---:|---:|---:|---:|\n| {} | {} | {} | {:.1} |\n",
        text.len(),
        text.lines().count(),
        ms(p),
        ms(c),
        ms(p + c),
        text.len() as f64 / 1e6 / (p + c).as_secs_f64()
    ))
}
