//! A year of the Rochdale store with many members: generates the member
//! list (CSV) and a year of acts (JSON), runs the simulation, and prints the
//! time each part took and the peak memory. Nothing is asserted: the figures
//! are for docs/performance.md.
//!
//!     cargo bench --bench simulate_large              # 100,000 members
//!     cargo bench --bench simulate_large -- 20000     # another size
//!     cargo bench --bench simulate_large -- 100000 --write DIR
//!         writes DIR/members.csv and DIR/year.json for
//!         `rochdale simulate tests/fixtures/rochdale-1844.1.coop --scenario-file DIR/year.json --members DIR/members.csv`

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

/// A small deterministic generator (xorshift), so every run makes the same data.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn generate(n: usize) -> (String, String) {
    let mut rng = Seeded(0x5EED_1844);
    let mut csv = String::from("name,age,quarterly_cost\n");
    let mut names = Vec::with_capacity(n);
    for i in 0..n {
        let name = format!("m{i:07}");
        let age = 14 + rng.next() % 70; // a few under 16: refused
        let pence = 200 + rng.next() % 2000;
        let _ = writeln!(csv, "{name},{age},£{}.{:02}", pence / 100, pence % 100);
        names.push(name);
    }
    let mut steps = Vec::new();
    for name in &names {
        steps.push(format!(
            "{{\"date\": \"1844-12-21\", \"act\": \"join\", \"args\": [\"{name}\", \"£4.00\"]}}"
        ));
    }
    for (q, date) in ["1845-03-31", "1845-06-30", "1845-09-30", "1845-12-20"]
        .iter()
        .enumerate()
    {
        steps.push(format!(
            "{{\"date\": \"{date}\", \"act\": \"trade_quarter\", \"args\": []}}"
        ));
        let costs = n as u64 * 1000; // about the goods' cost plus rent, in pence
        steps.push(format!(
            "{{\"date\": \"{date}\", \"act\": \"pay_costs\", \"args\": [\"£{}.{:02}\"]}}",
            costs / 100,
            costs % 100
        ));
        if q == 1 {
            let voters: Vec<String> = names
                .iter()
                .step_by(2)
                .map(|n| format!("\"{n}\""))
                .collect();
            steps.push(format!(
                "{{\"date\": \"1845-07-01\", \"motion\": \"special\", \"for\": [{}], \"amend\": {{\"markup\": \"12.5%\"}}}}",
                voters.join(", ")
            ));
        }
    }
    steps.push("{\"date\": \"1845-12-20\", \"close\": true}".to_string());
    let json = format!(
        "{{\"name\": \"a large year\", \"steps\": [\n{}\n]}}\n",
        steps.join(",\n")
    );
    (csv, json)
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let write_dir = args
        .iter()
        .position(|a| a == "--write")
        .and_then(|i| args.get(i + 1));

    let t = Instant::now();
    let (csv, json) = generate(n);
    let generated = t.elapsed();
    if let Some(dir) = write_dir {
        let dir = Path::new(dir);
        std::fs::create_dir_all(dir).expect("create the directory");
        std::fs::write(dir.join("members.csv"), &csv).expect("write members.csv");
        std::fs::write(dir.join("year.json"), &json).expect("write year.json");
        println!(
            "wrote {} and {}",
            dir.join("members.csv").display(),
            dir.join("year.json").display()
        );
        return;
    }

    let rulebook =
        std::fs::read_to_string("tests/fixtures/rochdale-1844.1.coop").expect("the rulebook");
    let program = rochdale::check_source(&rulebook)
        .program
        .expect("the rulebook checks");

    let t = Instant::now();
    let table = rochdale::simulate::input::read_csv(&program, &csv).expect("members read");
    let read_members = t.elapsed();
    let t = Instant::now();
    let (scenario, mut members) =
        rochdale::simulate::input::read_json(&program, &json).expect("scenario read");
    members.extend(table, "members.csv").expect("no duplicates");
    let read_scenario = t.elapsed();
    let steps = scenario.steps.len();

    let t = Instant::now();
    let outcome = rochdale::simulate::simulate(&program, &scenario, members);
    let simulated = t.elapsed();
    let t = Instant::now();
    let out = serde_json::to_string(&outcome).expect("json");
    let serialised = t.elapsed();

    let refused = outcome
        .steps
        .iter()
        .filter(|s| s.status != rochdale::simulate::StepStatus::Done)
        .count();
    println!("members                  {n}");
    println!("steps                    {steps} ({refused} refused)");
    println!("journal entries          {}", outcome.journal.len());
    println!(
        "trial balance            {}",
        if outcome.trial_balance.balanced {
            "balanced"
        } else {
            "NOT BALANCED"
        }
    );
    println!(
        "generate input           {:>10.1} ms",
        generated.as_secs_f64() * 1e3
    );
    println!(
        "read members (CSV)       {:>10.1} ms",
        read_members.as_secs_f64() * 1e3
    );
    println!(
        "read scenario (JSON)     {:>10.1} ms",
        read_scenario.as_secs_f64() * 1e3
    );
    println!(
        "simulate                 {:>10.1} ms",
        simulated.as_secs_f64() * 1e3
    );
    println!(
        "write outcome (JSON)     {:>10.1} ms  ({} MB)",
        serialised.as_secs_f64() * 1e3,
        out.len() / 1_000_000
    );
    println!("peak memory              {}", peak_memory());
}
