//! The generated members: the same list, from the same seed, for every
//! contender. Written once as CSV; each contender reads that file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A small deterministic generator (SplitMix64).
pub struct Seeded(u64);

impl Seeded {
    pub fn new(seed: u64) -> Self {
        Seeded(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The year's figures given to every contender beside the member list.
pub struct Year {
    /// The costs of the store for the year, in pence: the goods at cost
    /// plus £1.50 of running costs per member.
    pub costs: i64,
}

fn pounds(p: u64) -> String {
    format!("£{}.{:02}", p / 100, p % 100)
}

/// Writes (or reuses) the member list of `n` members under `dir`.
pub fn members_file(dir: &Path, n: usize) -> std::io::Result<(PathBuf, Year)> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("members-{n}.csv"));
    let mut rng = Seeded::new(0x5EED_1844 ^ n as u64);
    let mut text = String::with_capacity(n * 32 + 64);
    text.push_str("name,age,shares,quarterly_cost\n");
    let mut goods: i64 = 0;
    for i in 0..n {
        // Ages 14 to 83 (some too young), £0 to £12 of shares (some below
        // the £4 minimum), goods at cost of £0 to £399.99 for the year.
        let age = 14 + rng.below(70);
        let shares = rng.below(13) * 100;
        let cost = rng.below(40_000);
        goods += cost as i64;
        let _ = writeln!(text, "m{i},{age},{},{}", pounds(shares), pounds(cost));
    }
    let year = Year {
        costs: goods + 150 * n as i64,
    };
    let fresh = std::fs::read(&path)
        .map(|old| old == text.as_bytes())
        .unwrap_or(false);
    if !fresh {
        std::fs::write(&path, text)?;
    }
    Ok((path, year))
}

/// The outcome every contender must give, to the penny.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub admitted: usize,
    pub surplus: i64,
    pub reserve: i64,
    pub education: i64,
    pub interest_total: i64,
    pub dividend_total: i64,
    /// Each member's interest and dividend, in pence.
    pub interest: Vec<i64>,
    pub dividend: Vec<i64>,
}
