//! Rochdale's benchmark. One command, from the repository's root:
//!
//!     bash bench/run.sh            # installs OpenFisca into a venv, then runs
//!     cargo run --release -p rochdale-bench -- --help
//!
//! Prints tables of times and ratios measured side by side in one run:
//! the interpreter against the same year written by hand in Rust (integer
//! pence and rust_decimal) and as an OpenFisca system; the latency of one
//! decision; parse and check of a 1 MB rulebook; and peak memory. Every
//! contender's result is compared with the others to the penny before any
//! time is reported.
//!
//! `--only acts` (or `--act-sizes LIST`) runs the act log of issue 15:
//! `rochdale simulate` over a generated year of joins and purchases, as a
//! JSON scenario and as a CSV act log, against a hand-written loop
//! (`rochdale-bench loop`, bench/src/acts_loop.rs), each a process of its
//! own (bench/src/acts.rs).

mod acts;
mod acts_loop;
mod data;
mod decimal;
mod frontend;
mod integer;
mod interpreter;
mod latency;
mod memory;
mod openfisca;

use std::path::PathBuf;
use std::time::{Duration, Instant};

const RULEBOOK: &str = include_str!("../../tests/fixtures/rochdale-1844.1.coop");

struct Options {
    sizes: Vec<usize>,
    python: Option<PathBuf>,
    markdown: Option<PathBuf>,
    memory_members: Option<usize>,
    data_dir: PathBuf,
    only: Option<String>,
    act_sizes: Option<Vec<usize>>,
    act_runs: Option<usize>,
    act_timeout: Option<u64>,
    rochdale: Option<PathBuf>,
}

const HELP: &str = "\
rochdale-bench: the interpreter against hand-written Rust and OpenFisca

Usage: rochdale-bench [--sizes 1000,10000,...] [--openfisca PYTHON] [--markdown FILE]

  --sizes LIST       member counts (default 1000,10000,100000,1000000,10000000)
  --openfisca PYTHON a Python with openfisca-core and pandas (bench/run.sh makes one);
                     without it the OpenFisca columns are left out
  --markdown FILE    also write the tables as Markdown to FILE
  --data DIR         where the generated member lists go (default target/bench-data)
  --only PART        one part: year, latency, frontend, memory or acts (or
                     interpreter: the interpreter's year alone, ten times, for a
                     profiler)
  --act-sizes LIST   the act log (issue 15): `rochdale simulate` against a
                     hand-written loop, each a process of its own, at these member
                     counts (default with --only acts: 10000,100000,1000000); the
                     act log runs only with --only acts or --act-sizes
  --act-runs N       runs of each contender per size (default 3 up to 10000
                     members, else 1)
  --act-timeout S    stop an interpreter's run of the act log after S seconds
                     (reported as stopped, with what it had cost)
  --rochdale PATH    the CLI for the act log (default: `rochdale` beside this
                     binary, as `cargo build --release` makes it)
  --memory N         (internal) measure peak memory of one run of N members
";

fn sizes(list: &str, option: &str) -> Result<Vec<usize>, String> {
    list.split(',')
        .map(|s| s.trim().replace('_', "").parse::<usize>())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{option}: {e}"))
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        sizes: vec![1_000, 10_000, 100_000, 1_000_000, 10_000_000],
        python: None,
        markdown: None,
        memory_members: None,
        data_dir: PathBuf::from("target/bench-data"),
        only: None,
        act_sizes: None,
        act_runs: None,
        act_timeout: None,
        rochdale: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--sizes" => o.sizes = sizes(&value()?, "--sizes")?,
            "--act-sizes" => o.act_sizes = Some(sizes(&value()?, "--act-sizes")?),
            "--act-runs" => {
                o.act_runs = Some(value()?.parse().map_err(|e| format!("--act-runs: {e}"))?)
            }
            "--act-timeout" => {
                o.act_timeout = Some(
                    value()?
                        .parse()
                        .map_err(|e| format!("--act-timeout: {e}"))?,
                )
            }
            "--rochdale" => o.rochdale = Some(PathBuf::from(value()?)),
            "--openfisca" => o.python = Some(PathBuf::from(value()?)),
            "--markdown" => o.markdown = Some(PathBuf::from(value()?)),
            "--data" => o.data_dir = PathBuf::from(value()?),
            "--only" => o.only = Some(value()?),
            "--memory" => {
                o.memory_members = Some(value()?.parse().map_err(|e| format!("--memory: {e}"))?)
            }
            "-h" | "--help" => {
                print!("{HELP}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}\n\n{HELP}")),
        }
    }
    Ok(o)
}

/// Times of one contender at one size: end to end and compute only.
#[derive(Clone, Copy, Default)]
pub struct Times {
    pub end_to_end: Duration,
    pub compute: Duration,
}

fn median(mut runs: Vec<Times>) -> Times {
    runs.sort_by_key(|t| t.end_to_end);
    let mid = runs[runs.len() / 2];
    let mut computes: Vec<Duration> = runs.iter().map(|t| t.compute).collect();
    computes.sort();
    Times {
        end_to_end: mid.end_to_end,
        compute: computes[computes.len() / 2],
    }
}

pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.2}")
    } else if ms < 100.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
    }
}

pub fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.2}", a.as_secs_f64() / b.as_secs_f64().max(1e-9))
}

fn run() -> Result<(), String> {
    // The hand-written loop of the act log, as a process of its own.
    if std::env::args().nth(1).as_deref() == Some("loop") {
        return acts_loop::main(std::env::args().skip(2));
    }
    let o = options()?;
    if let Some(n) = o.memory_members {
        return memory::child(&o.data_dir, n);
    }
    if o.only.as_deref() == Some("interpreter") {
        // For a profiler: the interpreter's computation alone, ten times.
        let n = o.sizes.iter().copied().max().unwrap_or(1_000_000);
        let (path, year) = data::members_file(&o.data_dir, n).map_err(|e| e.to_string())?;
        let program = interpreter::program(RULEBOOK)?;
        let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        let members = interpreter::load(&program, &text)?;
        for _ in 0..10 {
            let t = Instant::now();
            interpreter::year(&program, members.clone(), year.costs)?;
            println!("{n} members: {} ms", ms(t.elapsed()));
        }
        return Ok(());
    }
    let program = interpreter::program(RULEBOOK)?;
    let part = |name: &str| o.only.as_deref().is_none_or(|p| p == name);
    let mut out = String::new();
    let machine = machine();
    out += &format!("Machine: {machine}\n\n");
    println!("Machine: {machine}\n");

    // 1 and 2: the year at each size.
    let mut rust_rows = Vec::new();
    let mut of_rows = Vec::new();
    for &n in o.sizes.iter().filter(|_| part("year")) {
        let (path, year) =
            data::members_file(&o.data_dir, n).map_err(|e| format!("writing members: {e}"))?;
        let reps = (1_000_000 / n).clamp(1, 15);
        let mut int_runs = Vec::new();
        let mut dec_runs = Vec::new();
        let mut roc_runs = Vec::new();
        let mut outcomes = None;
        let mut fallbacks = 0;
        for _ in 0..reps {
            // Hand-written, integer pence.
            let t0 = Instant::now();
            let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
            let m = integer::load(&text)?;
            drop(text);
            let t1 = Instant::now();
            let int_out = integer::year(&m, year.costs);
            let t2 = Instant::now();
            int_runs.push(Times {
                end_to_end: t2 - t0,
                compute: t2 - t1,
            });
            drop(m);
            // Hand-written, rust_decimal.
            let t0 = Instant::now();
            let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
            let m = decimal::load(&text)?;
            drop(text);
            let t1 = Instant::now();
            let dec_out = decimal::year(&m, rust_decimal::Decimal::new(year.costs, 2));
            let t2 = Instant::now();
            dec_runs.push(Times {
                end_to_end: t2 - t0,
                compute: t2 - t1,
            });
            drop(m);
            // The interpreter, from the rulebook's text.
            let t0 = Instant::now();
            let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
            let program = interpreter::program(RULEBOOK)?;
            let members = interpreter::load(&program, &text)?;
            drop(text);
            let t1 = Instant::now();
            let (roc_out, f) = interpreter::year(&program, members, year.costs)?;
            let t2 = Instant::now();
            roc_runs.push(Times {
                end_to_end: t2 - t0,
                compute: t2 - t1,
            });
            fallbacks = f;
            if int_out != dec_out {
                return Err(format!(
                    "{n} members: the two hand-written versions disagree"
                ));
            }
            if int_out != roc_out {
                return Err(format!(
                    "{n} members: the interpreter disagrees with the hand-written code: {}",
                    first_difference(&int_out, &roc_out)
                ));
            }
            outcomes = Some(int_out);
        }
        let exact = outcomes.ok_or("no run")?;
        let (int_t, dec_t, roc_t) = (median(int_runs), median(dec_runs), median(roc_runs));
        println!(
            "{n:>10} members: integer {} ms, decimal {} ms, Rochdale {} ms (compute); identical to the penny ({} admitted, dividends £{}.{:02}){}",
            ms(int_t.compute),
            ms(dec_t.compute),
            ms(roc_t.compute),
            exact.admitted,
            exact.dividend_total / 100,
            exact.dividend_total % 100,
            if fallbacks > 0 {
                format!(", {fallbacks} fallbacks")
            } else {
                String::new()
            }
        );
        rust_rows.push((n, int_t, dec_t, roc_t));
        if let Some(python) = &o.python {
            let of = openfisca::run(python, &path, year.costs, &exact)?;
            println!(
                "{n:>10} members: OpenFisca {} ms compute, {} ms load + compute; Rochdale {} ms",
                ms(of.times.compute),
                ms(of.times.end_to_end),
                ms(roc_t.end_to_end)
            );
            of_rows.push((n, roc_t, of));
        }
    }
    if part("year") {
        let table = rust_table(&rust_rows);
        println!("\n{table}");
        out += &table;
    }
    if !part("year") {
    } else if !of_rows.is_empty() {
        let table = openfisca::table(&of_rows);
        println!("\n{table}");
        out += "\n";
        out += &table;
    } else {
        let note = "OpenFisca: not run (give --openfisca PYTHON, or use bench/run.sh).\n";
        println!("\n{note}");
        out += "\n";
        out += note;
    }

    // 3: one decision at a till.
    if part("latency") {
        let table = latency::table(&program)?;
        println!("\n{table}");
        out += "\n";
        out += &table;
    }

    // 4: the front end on a 1 MB rulebook.
    if part("frontend") {
        let table = frontend::table()?;
        println!("\n{table}");
        out += "\n";
        out += &table;
    }

    // 5: peak memory at the largest size, in a process of its own.
    if let Some(&largest) = o.sizes.iter().filter(|_| part("memory")).max() {
        let table = memory::parent(&o.data_dir, largest)?;
        println!("\n{table}");
        out += "\n";
        out += &table;
    }
    // 6: the act log against a hand-written loop, each a process of its own.
    let acts = match (&o.only, &o.act_sizes) {
        (Some(p), sizes) if p == "acts" => Some(
            sizes
                .clone()
                .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000]),
        ),
        (None, Some(sizes)) => Some(sizes.clone()),
        _ => None,
    };
    if let Some(sizes) = acts {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let options = acts::Options {
            sizes,
            rochdale: o
                .rochdale
                .clone()
                .unwrap_or_else(|| exe.with_file_name("rochdale")),
            data_dir: o.data_dir.clone(),
            runs: o.act_runs,
            timeout: o.act_timeout.map(Duration::from_secs),
        };
        out += &acts::run(&options)?;
    } else if o.only.is_none() {
        let note = "The act log: not run (give --only acts or --act-sizes LIST).\n";
        println!("\n{note}");
        out += "\n";
        out += note;
    }
    if let Some(path) = &o.markdown {
        std::fs::write(path, out).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("\nwritten to {}", path.display());
    }
    Ok(())
}

fn first_difference(a: &data::Outcome, b: &data::Outcome) -> String {
    if (
        a.admitted,
        a.surplus,
        a.reserve,
        a.education,
        a.interest_total,
        a.dividend_total,
    ) != (
        b.admitted,
        b.surplus,
        b.reserve,
        b.education,
        b.interest_total,
        b.dividend_total,
    ) {
        return format!(
            "totals {:?} against {:?}",
            (
                a.admitted,
                a.surplus,
                a.reserve,
                a.education,
                a.interest_total,
                a.dividend_total
            ),
            (
                b.admitted,
                b.surplus,
                b.reserve,
                b.education,
                b.interest_total,
                b.dividend_total
            )
        );
    }
    for i in 0..a.dividend.len().max(b.dividend.len()) {
        if a.dividend.get(i) != b.dividend.get(i) || a.interest.get(i) != b.interest.get(i) {
            return format!(
                "member m{i}: interest {:?} / {:?}, dividend {:?} / {:?}",
                a.interest.get(i),
                b.interest.get(i),
                a.dividend.get(i),
                b.dividend.get(i)
            );
        }
    }
    "no difference found".into()
}

fn rust_table(rows: &[(usize, Times, Times, Times)]) -> String {
    let mut t = String::from(
        "Against hand-written Rust: the same year (admission, provisional prices, reserve, education, interest on capital, dividend on purchases by largest remainder), identical to the penny in every run. Times in ms, medians; ratio = Rochdale / hand-written (below 1: Rochdale faster).\n\n\
         | members | integer: compute | rust_decimal: compute | Rochdale: compute | ratio to integer | ratio to decimal | integer: end to end | rust_decimal: end to end | Rochdale: end to end |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (n, i, d, r) in rows {
        t += &format!(
            "| {n} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            ms(i.compute),
            ms(d.compute),
            ms(r.compute),
            ratio(r.compute, i.compute),
            ratio(r.compute, d.compute),
            ms(i.end_to_end),
            ms(d.end_to_end),
            ms(r.end_to_end)
        );
    }
    t
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<u64>().ok())
        })
        .map_or_else(|| "?".into(), |k| format!("{} GiB", k / 1024 / 1024));
    format!("{cpu}, {cores} cores, {memory} (one thread used)")
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
