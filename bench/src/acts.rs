//! The act log of issue 15 (part 9): the interpreter, as a user runs it,
//! against the hand-written loop of [`crate::acts_loop`], over the same
//! generated files, each in a process of its own.
//!
//! The workload: tests/fixtures/rochdale-1844.1.coop; N members from a CSV file
//! (`name,age`, ages 18 to 80); each joins on 1845-01-01 with £4.00, then
//! makes 20 purchases (costs £0.01 to £20.00; every member's k-th purchase
//! on the same date, 20 dates from 10 January to 29 November); the costs
//! of the year are paid on 30 December (the goods at cost and £5.00 a
//! member of running costs, so that there is a surplus) and the period
//! closes on 31 December: 21 N + 2 steps. Written, from a seed, as a JSON
//! scenario (`year.json`) and as a CSV act log (`year.csv`) of the same
//! steps.
//!
//! Contenders, each a child process whose wall time and peak resident set
//! (`ru_maxrss` from `wait4`) are measured alike, end to end (read the
//! files, run, write the outputs):
//!
//! - `rochdale simulate tests/fixtures/rochdale-1844.1.coop --scenario-file
//!   year.json --members members.csv --out DIR` (standard output to
//!   /dev/null; DIR gets report.txt, outcome.json, statements.csv,
//!   journal.csv and trial_balance.csv), and the same with `--acts year.csv`;
//! - `rochdale-bench loop --json year.json --members members.csv --out DIR`,
//!   and with `--acts year.csv`.
//!
//! Before any time is printed, each run's outputs are compared with the
//! previous run's, in the order interpreter (JSON), loop (JSON),
//! interpreter (CSV), loop (CSV): every member's capital, purchases in
//! period 1, interest on capital and dividend on purchases, and every fund
//! of the cooperative, to the penny, then `journal.csv` and
//! `trial_balance.csv` byte for byte. The first difference stops the
//! benchmark, named.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::data::Seeded;

/// Bumped whenever the generated files change, so old ones are rewritten.
const GENERATOR: &str = "rochdale-bench acts 1";
const PURCHASES: usize = 20;
/// Running costs of the store for the year, per member, in pence.
const RUNNING_COSTS: u64 = 500;

/// What the benchmark of the act log needs to know.
pub struct Options {
    pub sizes: Vec<usize>,
    /// The `rochdale` binary (default: beside this one).
    pub rochdale: PathBuf,
    /// Where the generated files and outputs go.
    pub data_dir: PathBuf,
    /// Runs of each contender at each size (default: 3 up to 10^4 members, else 1).
    pub runs: Option<usize>,
    /// An interpreter's run still going after this long is stopped, and
    /// reported as such.
    pub timeout: Option<Duration>,
}

/// The generated files of one size.
pub struct Workload {
    pub dir: PathBuf,
    pub members: PathBuf,
    pub json: PathBuf,
    pub csv: PathBuf,
    pub steps: usize,
}

fn pounds(p: u64) -> String {
    format!("£{}.{:02}", p / 100, p % 100)
}

/// Day `d` of 1845 (0: 1 January) as `1845-MM-DD`.
fn date_1845(mut d: u32) -> String {
    const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut month = 0;
    while d >= DAYS[month] {
        d -= DAYS[month];
        month += 1;
    }
    format!("1845-{:02}-{:02}", month + 1, d + 1)
}

/// Writes (or reuses, if written by this generator) the files of `n` members.
pub fn workload(data_dir: &Path, n: usize) -> Result<Workload, String> {
    let dir = data_dir.join(format!("acts-{n}"));
    let w = Workload {
        members: dir.join("members.csv"),
        json: dir.join("year.json"),
        csv: dir.join("year.csv"),
        steps: n * (PURCHASES + 1) + 2,
        dir,
    };
    let stamp = w.dir.join("stamp");
    let expected = format!("{GENERATOR}, {n} members\n");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == expected)
        && [&w.members, &w.json, &w.csv].iter().all(|p| p.exists())
    {
        return Ok(w);
    }
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    std::fs::create_dir_all(&w.dir).map_err(|e| io(&w.dir, e))?;
    let _ = std::fs::remove_file(&stamp);
    let create = |p: &Path| {
        File::create(p)
            .map(|f| BufWriter::with_capacity(1 << 16, f))
            .map_err(|e| io(p, e))
    };
    let (mut members, mut json, mut csv) = (create(&w.members)?, create(&w.json)?, create(&w.csv)?);
    let mut rng = Seeded::new(0xAC75_1845 ^ n as u64);
    let mut write = || -> std::io::Result<(u64, u64)> {
        writeln!(members, "name,age")?;
        for i in 0..n {
            writeln!(members, "m{i},{}", 18 + rng.below(63))?;
        }
        writeln!(json, "{{\"name\": \"year\", \"steps\": [")?;
        writeln!(csv, "date,act,args...")?;
        let mut first = true;
        let mut step = |json: &mut BufWriter<File>, text: String| -> std::io::Result<()> {
            if !std::mem::take(&mut first) {
                json.write_all(b",\n")?;
            }
            json.write_all(text.as_bytes())
        };
        for i in 0..n {
            step(
                &mut json,
                format!(
                    "{{\"date\": \"1845-01-01\", \"act\": \"join\", \"args\": [\"m{i}\", \"£4.00\"]}}"
                ),
            )?;
            writeln!(csv, "1845-01-01,join,m{i},£4.00")?;
        }
        let (mut goods, mut sales) = (0u64, 0u64);
        for k in 0..PURCHASES as u32 {
            let date = date_1845(9 + 17 * k);
            for i in 0..n {
                let cost = 1 + rng.below(2000);
                goods += cost;
                sales += (cost * 110 + 50) / 100;
                let cost = pounds(cost);
                step(
                    &mut json,
                    format!(
                        "{{\"date\": \"{date}\", \"act\": \"purchase\", \"args\": [\"m{i}\", \"{cost}\"]}}"
                    ),
                )?;
                writeln!(csv, "{date},purchase,m{i},{cost}")?;
            }
        }
        let costs = goods + RUNNING_COSTS * n as u64;
        let paid = pounds(costs);
        step(
            &mut json,
            format!("{{\"date\": \"1845-12-30\", \"act\": \"pay_costs\", \"args\": [\"{paid}\"]}}"),
        )?;
        writeln!(csv, "1845-12-30,pay_costs,{paid}")?;
        step(
            &mut json,
            "{\"date\": \"1845-12-31\", \"close\": true}".into(),
        )?;
        writeln!(csv, "1845-12-31,close period")?;
        writeln!(json, "\n]}}")?;
        members.flush()?;
        json.flush()?;
        csv.flush()?;
        Ok((sales, costs))
    };
    let (sales, costs) = write().map_err(|e| io(&w.dir, e))?;
    if sales <= costs {
        return Err(format!(
            "{n} members: the generated year makes no surplus (sales {}, costs {})",
            pounds(sales),
            pounds(costs)
        ));
    }
    std::fs::write(&stamp, expected).map_err(|e| io(&stamp, e))?;
    Ok(w)
}

// ---------------------------------------------------------------------
// One child process, measured.

/// What one run of a contender cost.
#[derive(Clone, Copy)]
pub struct Measured {
    pub wall: Duration,
    /// User and system time.
    pub cpu: Duration,
    /// Peak resident set, in bytes.
    pub peak: u64,
}

/// Runs `cmd` to its end, or kills it after `limit`: its wall time, CPU
/// time and peak resident set (the kernel's `ru_maxrss` of this one
/// child, from `wait4`), its exit code (None: killed by a signal) and
/// whether the limit stopped it.
fn measure(
    cmd: &mut Command,
    limit: Option<Duration>,
) -> Result<(Measured, Option<i32>, bool), String> {
    let start = Instant::now();
    let child = cmd.spawn().map_err(|e| format!("{cmd:?}: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let done = (Mutex::new(false), Condvar::new());
    let stopped = AtomicBool::new(false);
    let waited = std::thread::scope(|scope| {
        if let Some(limit) = limit {
            let (done, stopped) = (&done, &stopped);
            scope.spawn(move || {
                let (lock, cv) = done;
                let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
                let (guard, _) = cv
                    .wait_timeout_while(guard, limit, |exited| !*exited)
                    .unwrap_or_else(|e| e.into_inner());
                if !*guard {
                    // SAFETY: plain syscall. The child is not reaped yet
                    // (it is reaped only after `done` is set, under this
                    // lock), so `pid` is still our child.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                    stopped.store(true, Ordering::Relaxed);
                }
            });
        }
        // Wait for the end without reaping (WNOWAIT), so that the pid stays
        // ours until `done` is set.
        loop {
            let mut info = std::mem::MaybeUninit::<libc::siginfo_t>::zeroed();
            // SAFETY: `info` is valid for the call; `pid` is our child.
            let r = unsafe {
                libc::waitid(
                    libc::P_PID,
                    pid as libc::id_t,
                    info.as_mut_ptr(),
                    libc::WEXITED | libc::WNOWAIT,
                )
            };
            if r == 0 {
                break;
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(format!("waiting for {cmd:?}: {e}"));
            }
        }
        *done.0.lock().unwrap_or_else(|e| e.into_inner()) = true;
        done.1.notify_all();
        let mut status: libc::c_int = 0;
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        loop {
            // SAFETY: `pid` is our child, ended and not yet reaped (`child`
            // is never waited on through std); both pointers are valid.
            let r = unsafe { libc::wait4(pid, &mut status, 0, usage.as_mut_ptr()) };
            if r == pid {
                break;
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(format!("waiting for {cmd:?}: {e}"));
            }
        }
        // SAFETY: wait4 returned the child's pid, so it filled `usage`
        // (and all zeros is a valid rusage in any case).
        Ok((status, unsafe { usage.assume_init() }))
    });
    let wall = start.elapsed();
    drop(child);
    let (status, usage) = waited?;
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Ok((
        Measured {
            wall,
            cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
            peak: usage.ru_maxrss as u64 * 1024,
        },
        code,
        stopped.load(Ordering::Relaxed),
    ))
}

#[derive(Clone, Copy, PartialEq)]
enum Who {
    Interpreter,
    /// The interpreter writing the statements alone: `--format csv` to
    /// standard output, no `--out` (shown beside, not a target).
    Statements,
    Loop,
}

#[derive(Clone, Copy, PartialEq)]
enum Input {
    Json,
    Csv,
}

impl Who {
    fn name(self) -> &'static str {
        match self {
            Who::Interpreter => "interpreter",
            Who::Statements => "interpreter, statements only",
            Who::Loop => "loop",
        }
    }
}

impl Input {
    fn name(self) -> &'static str {
        match self {
            Input::Json => "JSON",
            Input::Csv => "CSV",
        }
    }
}

/// The order of the runs: each is compared with the one before.
const CONTENDERS: [(Who, Input); 5] = [
    (Who::Statements, Input::Json),
    (Who::Interpreter, Input::Json),
    (Who::Loop, Input::Json),
    (Who::Interpreter, Input::Csv),
    (Who::Loop, Input::Csv),
];

fn command(
    o: &Options,
    w: &Workload,
    who: Who,
    input: Input,
    out: &Path,
) -> Result<Command, String> {
    let mut cmd = match who {
        Who::Interpreter | Who::Statements => {
            let mut c = Command::new(&o.rochdale);
            c.arg("simulate").arg(rulebook());
            c
        }
        Who::Loop => {
            let mut c = Command::new(std::env::current_exe().map_err(|e| e.to_string())?);
            c.arg("loop");
            c
        }
    };
    match (who, input) {
        (Who::Loop, Input::Json) => cmd.arg("--json").arg(&w.json),
        (_, Input::Json) => cmd.arg("--scenario-file").arg(&w.json),
        (_, Input::Csv) => cmd.arg("--acts").arg(&w.csv),
    };
    cmd.arg("--members").arg(&w.members);
    let stdout = if who == Who::Statements {
        cmd.args(["--format", "csv"]);
        std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        let path = out.join("statements.csv");
        Stdio::from(File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?)
    } else {
        cmd.arg("--out").arg(out);
        Stdio::null()
    };
    let stderr = out.with_extension("stderr");
    let stderr = File::create(&stderr).map_err(|e| format!("{}: {e}", stderr.display()))?;
    cmd.stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::from(stderr));
    Ok(cmd)
}

fn rulebook() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/rochdale-1844.1.coop")
}

// ---------------------------------------------------------------------
// The comparison, before any time.

const COMPARED: [&str; 4] = [
    "capital",
    "purchases in period 1",
    "interest on capital",
    "dividend on purchases",
];

/// `4.00`, `-0.05` or empty, in pence.
fn pence(cell: &str) -> Result<Option<i64>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    let (negative, digits) = match cell.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, cell),
    };
    let bad = || format!("`{cell}` is not an amount in pence");
    let (pounds, p) = digits.split_once('.').ok_or_else(bad)?;
    if p.len() != 2 {
        return Err(bad());
    }
    let v =
        pounds.parse::<i64>().map_err(|_| bad())? * 100 + p.parse::<i64>().map_err(|_| bad())?;
    Ok(Some(if negative { -v } else { v }))
}

fn shown(p: Option<i64>) -> String {
    p.map_or_else(
        || "(none)".into(),
        |p| {
            format!(
                "{}{}.{:02}",
                if p < 0 { "-" } else { "" },
                p.abs() / 100,
                p.abs() % 100
            )
        },
    )
}

/// A member's name and compared columns, in pence.
type Row = (String, [Option<i64>; 4]);
/// An account of the cooperative: name, debit and credit totals in pence.
type FundLine = (String, Option<i64>, Option<i64>);

/// The member statements: (name, the compared columns), in order.
struct Statements {
    reader: csv::Reader<BufReader<File>>,
    columns: [usize; 4],
    member: usize,
    record: csv::StringRecord,
    path: PathBuf,
}

impl Statements {
    fn open(dir: &Path) -> Result<Statements, String> {
        let path = dir.join("statements.csv");
        let file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut reader = csv::Reader::from_reader(BufReader::with_capacity(1 << 16, file));
        let headers = reader.headers().map_err(|e| e.to_string())?.clone();
        let find = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| format!("{}: no column `{name}`", path.display()))
        };
        let columns = [
            find(COMPARED[0])?,
            find(COMPARED[1])?,
            find(COMPARED[2])?,
            find(COMPARED[3])?,
        ];
        Ok(Statements {
            reader,
            columns,
            member: find("member")?,
            record: csv::StringRecord::new(),
            path,
        })
    }

    fn next(&mut self) -> Result<Option<Row>, String> {
        let at = |e: String| format!("{}: {e}", self.path.display());
        if !self
            .reader
            .read_record(&mut self.record)
            .map_err(|e| at(e.to_string()))?
        {
            return Ok(None);
        }
        let mut values = [None; 4];
        for (v, c) in values.iter_mut().zip(self.columns) {
            *v = pence(self.record.get(c).unwrap_or_default()).map_err(at)?;
        }
        Ok(Some((
            self.record.get(self.member).unwrap_or_default().to_string(),
            values,
        )))
    }
}

/// The cooperative's accounts of a trial balance (not `member: account`),
/// as (account, debit, credit) in pence.
fn funds(dir: &Path) -> Result<Vec<FundLine>, String> {
    let path = dir.join("trial_balance.csv");
    let file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut reader = csv::Reader::from_reader(BufReader::new(file));
    let mut out = Vec::new();
    for r in reader.records() {
        let r = r.map_err(|e| format!("{}: {e}", path.display()))?;
        let account = r.get(0).unwrap_or_default();
        if account.contains(": ") {
            continue;
        }
        let at = |e| format!("{}: {e}", path.display());
        out.push((
            account.to_string(),
            pence(r.get(1).unwrap_or_default()).map_err(at)?,
            pence(r.get(2).unwrap_or_default()).map_err(at)?,
        ));
    }
    Ok(out)
}

/// The first line at which two files differ, if any.
fn same_bytes(a: &Path, b: &Path) -> Result<Option<(u64, String, String)>, String> {
    let open = |p: &Path| {
        File::open(p)
            .map(|f| BufReader::with_capacity(1 << 16, f))
            .map_err(|e| format!("{}: {e}", p.display()))
    };
    let (mut ra, mut rb) = (open(a)?, open(b)?);
    let (mut la, mut lb) = (Vec::new(), Vec::new());
    let mut line = 0u64;
    loop {
        line += 1;
        la.clear();
        lb.clear();
        let na = ra.read_until(b'\n', &mut la).map_err(|e| e.to_string())?;
        let nb = rb.read_until(b'\n', &mut lb).map_err(|e| e.to_string())?;
        if la != lb {
            let text = |l: &[u8], n| {
                if n == 0 {
                    "(end of file)".to_string()
                } else {
                    String::from_utf8_lossy(l).trim_end().to_string()
                }
            };
            return Ok(Some((line, text(&la, na), text(&lb, nb))));
        }
        if na == 0 {
            return Ok(None);
        }
    }
}

/// Compares the outputs of `b` with those of `a`; the first difference,
/// named. The funds and the files' bytes are compared when both have them.
fn compare(a: (&str, &Path), b: (&str, &Path)) -> Result<usize, String> {
    let differ = |what: String| format!("{} and {} differ: {what}", a.0, b.0);
    let (mut sa, mut sb) = (Statements::open(a.1)?, Statements::open(b.1)?);
    let mut members = 0;
    loop {
        match (sa.next()?, sb.next()?) {
            (None, None) => break,
            (Some((name, _)), None) | (None, Some((name, _))) => {
                return Err(differ(format!(
                    "statements.csv: one has member {name} (row {}), the other has no more rows",
                    members + 1
                )));
            }
            (Some((na, va)), Some((nb, vb))) => {
                if na != nb {
                    return Err(differ(format!(
                        "statements.csv row {}: member {na} against {nb}",
                        members + 1
                    )));
                }
                for (i, column) in COMPARED.iter().enumerate() {
                    if va[i] != vb[i] {
                        return Err(differ(format!(
                            "member {na}: {column}: {} against {}",
                            shown(va[i]),
                            shown(vb[i])
                        )));
                    }
                }
                members += 1;
            }
        }
    }
    if !(a.1.join("trial_balance.csv").exists() && b.1.join("trial_balance.csv").exists()) {
        return Ok(members);
    }
    let (fa, fb) = (funds(a.1)?, funds(b.1)?);
    for i in 0..fa.len().max(fb.len()) {
        if fa.get(i) != fb.get(i) {
            let show = |f: Option<&FundLine>| {
                f.map_or("(none)".to_string(), |(n, d, c)| {
                    format!("{n}: debit {}, credit {}", shown(*d), shown(*c))
                })
            };
            return Err(differ(format!(
                "the funds (trial_balance.csv): {} against {}",
                show(fa.get(i)),
                show(fb.get(i))
            )));
        }
    }
    for file in ["journal.csv", "trial_balance.csv"] {
        if let Some((line, la, lb)) = same_bytes(&a.1.join(file), &b.1.join(file))? {
            return Err(differ(format!("{file} line {line}: `{la}` against `{lb}`")));
        }
    }
    Ok(members)
}

// ---------------------------------------------------------------------
// The runs, the tables.

/// The runs of one contender at one size: measured, or what stopped it.
enum Outcome {
    Ran(Vec<Measured>),
    /// Why, and what it had cost when stopped by the time limit.
    Failed(String, Option<Measured>),
}

fn median(runs: &[Measured], key: impl Fn(&Measured) -> u128) -> u128 {
    let mut v: Vec<u128> = runs.iter().map(key).collect();
    v.sort_unstable();
    v[v.len() / 2]
}

fn secs(nanos: u128) -> String {
    format!("{:.2}", nanos as f64 / 1e9)
}

fn mb(bytes: u128) -> String {
    format!("{:.0}", bytes as f64 / 1e6)
}

fn file_mb(p: &Path) -> String {
    std::fs::metadata(p).map_or("?".into(), |m| {
        let mb = m.len() as f64 / 1e6;
        if mb < 10.0 {
            format!("{mb:.1} MB")
        } else {
            format!("{mb:.0} MB")
        }
    })
}

/// One size: generate, run every contender, compare, then the table.
fn size(o: &Options, n: usize) -> Result<String, String> {
    eprintln!("act log, {n} members: generating the files");
    let w = workload(&o.data_dir, n)?;
    let runs = o.runs.unwrap_or(if n <= 10_000 { 3 } else { 1 }).max(1);
    let mut outcomes: Vec<Outcome> = CONTENDERS
        .iter()
        .map(|_| Outcome::Ran(Vec::new()))
        .collect();
    let mut members = 0;
    let out_root = w.dir.join("out");
    for run in 0..runs {
        let mut previous: Option<(String, PathBuf)> = None;
        for (c, &(who, input)) in CONTENDERS.iter().enumerate() {
            if matches!(outcomes[c], Outcome::Failed(..)) {
                continue;
            }
            let label = format!("{} ({})", who.name(), input.name());
            let out = out_root.join(format!(
                "{}-{}",
                who.name().replace(", ", "-").replace(' ', "-"),
                input.name().to_lowercase()
            ));
            let _ = std::fs::remove_dir_all(&out);
            std::fs::create_dir_all(&out_root).map_err(|e| e.to_string())?;
            eprintln!("act log, {n} members: run {} of {runs}, {label}", run + 1);
            let limit = o.timeout.filter(|_| who != Who::Loop);
            let (m, code, stopped) = measure(&mut command(o, &w, who, input, &out)?, limit)?;
            if stopped {
                let why = format!(
                    "{label} stopped after {} s (--act-timeout)",
                    m.wall.as_secs()
                );
                eprintln!("act log, {n} members: {why}");
                outcomes[c] = Outcome::Failed(why, Some(m));
                let _ = std::fs::remove_dir_all(&out);
                continue;
            }
            if code != Some(0) {
                let stderr =
                    std::fs::read_to_string(out.with_extension("stderr")).unwrap_or_default();
                let said: Vec<&str> = stderr
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .take(6)
                    .collect();
                let why = format!(
                    "{label} {}: {}",
                    code.map_or("was killed by a signal".into(), |c| format!(
                        "exited with {c}"
                    )),
                    said.join(" / ")
                );
                if who == Who::Loop {
                    return Err(why);
                }
                eprintln!("act log, {n} members: {why}");
                outcomes[c] = Outcome::Failed(why, None);
                let _ = std::fs::remove_dir_all(&out);
                continue;
            }
            if let Some((prev_label, prev_out)) = &previous {
                members = compare((prev_label, prev_out), (&label, &out))?;
                let _ = std::fs::remove_dir_all(prev_out);
            }
            if let Outcome::Ran(v) = &mut outcomes[c] {
                v.push(m);
            }
            previous = Some((label, out));
        }
        if let Some((_, out)) = previous {
            let _ = std::fs::remove_dir_all(out);
        }
    }
    let ran = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Ran(_)))
        .count();
    let mut t = String::new();
    let _ = writeln!(
        t,
        "Act log of {n} members × {PURCHASES} purchases: {} steps (year.json {}, year.csv {}, members.csv {}). \
         Wall time, CPU time (user + system) and peak memory (max RSS, from wait4) of a process each, end to end: \
         read the files, run, write the outputs; {}. Ratio = interpreter / loop (target: at most 2).\n",
        w.steps,
        file_mb(&w.json),
        file_mb(&w.csv),
        file_mb(&w.members),
        if runs > 1 {
            format!("medians of {runs} runs")
        } else {
            "one run".into()
        }
    );
    t += "| input | interpreter: wall (s) | loop: wall (s) | ratio | interpreter: CPU (s) | loop: CPU (s) | interpreter: peak (MB) | loop: peak (MB) | ratio |\n\
          |---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    let outcome = |who, input| {
        CONTENDERS
            .iter()
            .position(|c| *c == (who, input))
            .map(|i| &outcomes[i])
    };
    let mut targets = Vec::new();
    let mut failures = Vec::new();
    let rows = [
        (
            Who::Interpreter,
            Input::Json,
            "JSON scenario (--scenario-file; loop: --json)",
        ),
        (Who::Interpreter, Input::Csv, "CSV act log (--acts)"),
        (
            Who::Statements,
            Input::Json,
            "beside, not a target: JSON, the interpreter writing statements.csv only (--format csv, no --out)",
        ),
    ];
    for (who, input, row) in rows {
        let (Some(Outcome::Ran(l)), Some(interp)) =
            (outcome(Who::Loop, input), outcome(who, input))
        else {
            continue;
        };
        let (lw, lc, lp) = (
            median(l, |m| m.wall.as_nanos()),
            median(l, |m| m.cpu.as_nanos()),
            median(l, |m| m.peak as u128),
        );
        match interp {
            Outcome::Ran(r) => {
                let (rw, rc, rp) = (
                    median(r, |m| m.wall.as_nanos()),
                    median(r, |m| m.cpu.as_nanos()),
                    median(r, |m| m.peak as u128),
                );
                let (time, memory) = (rw as f64 / lw as f64, rp as f64 / lp as f64);
                let _ = writeln!(
                    t,
                    "| {row} | {} | {} | {time:.2} | {} | {} | {} | {} | {memory:.2} |",
                    secs(rw),
                    secs(lw),
                    secs(rc),
                    secs(lc),
                    mb(rp),
                    mb(lp)
                );
                let verdict = |r: f64| {
                    if r <= 2.0 {
                        format!("{r:.2}x, met")
                    } else {
                        format!("{r:.2}x, missed ({:.1} times the 2x allowed)", r / 2.0)
                    }
                };
                if who == Who::Interpreter {
                    targets.push(format!(
                        "{}: time {}; memory {}",
                        input.name(),
                        verdict(time),
                        verdict(memory)
                    ));
                }
            }
            Outcome::Failed(why, None) => {
                let _ = writeln!(
                    t,
                    "| {row} | failed | {} | | | {} | | {} | |",
                    secs(lw),
                    secs(lc),
                    mb(lp)
                );
                failures.push(why.clone());
            }
            Outcome::Failed(why, Some(m)) => {
                // Stopped: at least this long, at least this much memory.
                let (rw, rc, rp) = (m.wall.as_nanos(), m.cpu.as_nanos(), m.peak as u128);
                let _ = writeln!(
                    t,
                    "| {row} | > {} (stopped) | {} | > {:.1} | > {} | {} | ≥ {} | {} | ≥ {:.2} |",
                    secs(rw),
                    secs(lw),
                    rw as f64 / lw as f64,
                    secs(rc),
                    secs(lc),
                    mb(rp),
                    mb(lp),
                    rp as f64 / lp as f64
                );
                if who == Who::Interpreter {
                    targets.push(format!(
                        "{}: time over {:.1}x, missed; memory at least {:.2}x when stopped{}",
                        input.name(),
                        rw as f64 / lw as f64,
                        rp as f64 / lp as f64,
                        if rp > 2 * lp { ", missed" } else { "" }
                    ));
                }
                failures.push(why.clone());
            }
        }
    }
    let _ = writeln!(
        t,
        "\nBefore the times: the outputs of {ran} contenders in {runs} run(s) compared in turn, every member's statement \
         ({members} members: capital, purchases in period 1, interest on capital, dividend on purchases) identical to the penny, \
         and the funds to the penny and journal.csv and trial_balance.csv byte for byte wherever both wrote them."
    );
    if !targets.is_empty() {
        let _ = writeln!(
            t,
            "Targets (within 2x of the loop): {}.",
            targets.join("; ")
        );
    }
    for why in failures {
        let _ = writeln!(t, "Not run to the end, so not compared: {why}.");
    }
    Ok(t)
}

/// Every size in turn; the tables as printed.
pub fn run(o: &Options) -> Result<String, String> {
    if !o.rochdale.exists() {
        return Err(format!(
            "{}: no such binary (build it with `cargo build --release`, or give --rochdale PATH)",
            o.rochdale.display()
        ));
    }
    let mut all = String::new();
    for &n in &o.sizes {
        let table = size(o, n)?;
        println!("\n{table}");
        all += "\n";
        all += &table;
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_1845() {
        assert_eq!(date_1845(0), "1845-01-01");
        assert_eq!(date_1845(9), "1845-01-10");
        assert_eq!(date_1845(31), "1845-02-01");
        assert_eq!(date_1845(9 + 17 * 19), "1845-11-29");
        assert_eq!(date_1845(364), "1845-12-31");
    }

    #[test]
    fn pence_from_statements() {
        assert_eq!(pence("4.00"), Ok(Some(400)));
        assert_eq!(pence("-0.05"), Ok(Some(-5)));
        assert_eq!(pence(""), Ok(None));
        assert!(pence("4.0").is_err());
        assert_eq!(shown(Some(-5)), "-0.05");
    }

    /// The interpreter's files of tests/scenarios/year.csv and the loop's
    /// shape of them: equal, then each kind of difference named.
    #[test]
    fn the_first_difference_is_named() {
        let root =
            std::env::temp_dir().join(format!("rochdale-bench-compare-{}", std::process::id()));
        let (a, b) = (root.join("a"), root.join("b"));
        let journal = "date,step,debit,credit,amount\n1845-01-01,1,cash,ada: capital,4.00\n1845-01-01,2,cash,ben: capital,4.00\n";
        let trial = "account,debit,credit\ncash,218.00,150.00\nreserve fund,0.00,6.00\nada: capital,0.00,4.00\n";
        let write = |dir: &Path, statements: &str, trial: &str, journal: &str| {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join("statements.csv"), statements).unwrap();
            std::fs::write(dir.join("trial_balance.csv"), trial).unwrap();
            std::fs::write(dir.join("journal.csv"), journal).unwrap();
        };
        write(
            &a,
            "member,member_now,joined,left,age,shares,purchases,quarterly_cost,notice_given,purchases in period 1,capital,dividend on purchases,interest on capital\n\
             ada,true,1845-01-01,,30,4.00,0.00,0.00,9999-12-31,155.00,4.00,38.45,0.20\n\
             ben,true,1845-01-01,,45,4.00,0.00,0.00,9999-12-31,55.00,4.00,13.65,0.20\n\
             cy,false,,,15,0.00,0.00,0.00,9999-12-31,,,,\n",
            trial,
            journal,
        );
        let loop_header =
            "member,purchases in period 1,capital,dividend on purchases,interest on capital\n";
        let same =
            format!("{loop_header}ada,155.00,4.00,38.45,0.20\nben,55.00,4.00,13.65,0.20\ncy,,,,\n");
        write(&b, &same, trial, journal);
        assert_eq!(compare(("a", &a), ("b", &b)), Ok(3));

        let penny =
            format!("{loop_header}ada,155.00,4.00,38.45,0.20\nben,55.00,4.00,13.66,0.20\ncy,,,,\n");
        write(&b, &penny, trial, journal);
        assert_eq!(
            compare(("a", &a), ("b", &b)),
            Err("a and b differ: member ben: dividend on purchases: 13.65 against 13.66".into())
        );

        let missing = format!(
            "{loop_header}ada,155.00,4.00,38.45,0.20\nben,55.00,4.00,13.65,0.20\ncy,,,,0.00\n"
        );
        write(&b, &missing, trial, journal);
        assert_eq!(
            compare(("a", &a), ("b", &b)),
            Err("a and b differ: member cy: interest on capital: (none) against 0.00".into())
        );

        let fund = trial.replace("reserve fund,0.00,6.00", "reserve fund,0.00,6.01");
        write(&b, &same, &fund, journal);
        assert_eq!(
            compare(("a", &a), ("b", &b)),
            Err("a and b differ: the funds (trial_balance.csv): reserve fund: debit 0.00, credit 6.00 against reserve fund: debit 0.00, credit 6.01".into())
        );

        let line = journal.replace(",2,cash,ben", ",3,cash,ben");
        write(&b, &same, trial, &line);
        assert_eq!(
            compare(("a", &a), ("b", &b)),
            Err("a and b differ: journal.csv line 3: `1845-01-01,2,cash,ben: capital,4.00` against `1845-01-01,3,cash,ben: capital,4.00`".into())
        );

        let short = journal
            .lines()
            .take(2)
            .map(|l| format!("{l}\n"))
            .collect::<String>();
        write(&b, &same, trial, &short);
        assert_eq!(
            compare(("a", &a), ("b", &b)),
            Err("a and b differ: journal.csv line 3: `1845-01-01,2,cash,ben: capital,4.00` against `(end of file)`".into())
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn the_generated_year_is_the_same_in_both_files() {
        let dir = std::env::temp_dir().join(format!("rochdale-bench-acts-{}", std::process::id()));
        let w = workload(&dir, 3).unwrap();
        assert_eq!(w.steps, 3 * 21 + 2);
        let csv = std::fs::read_to_string(&w.csv).unwrap();
        let json = std::fs::read_to_string(&w.json).unwrap();
        assert_eq!(csv.lines().count(), 1 + w.steps);
        assert_eq!(json.lines().count(), 2 + w.steps);
        assert!(csv.starts_with("date,act,args...\n1845-01-01,join,m0,£4.00\n"));
        assert!(csv.ends_with("\n1845-12-31,close period\n"));
        // The same purchases, in the same order.
        let from_csv: Vec<&str> = csv
            .lines()
            .filter(|l| l.contains(",purchase,"))
            .map(|l| l.rsplit(',').next().unwrap())
            .collect();
        let from_json: Vec<&str> = json
            .lines()
            .filter(|l| l.contains("\"purchase\""))
            .map(|l| l.rsplit("\", \"").next().unwrap().trim_end_matches("\"]},"))
            .collect();
        assert_eq!(from_csv.len(), 60);
        assert_eq!(from_csv, from_json);
        // Reproducible: the same seed gives the same files.
        std::fs::remove_file(w.dir.join("stamp")).unwrap();
        let again = workload(&dir, 3).unwrap();
        assert_eq!(std::fs::read_to_string(&again.csv).unwrap(), csv);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
