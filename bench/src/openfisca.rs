//! Runs bench/openfisca/rochdale_year.py over the same member list and
//! compares its floating-point figures with the exact ones.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::data::Outcome;
use crate::{Times, ms, ratio};

/// What OpenFisca gave at one size.
pub struct OpenFiscaRun {
    pub times: Times,
    pub import: Duration,
    /// Pennies away from the exact figures: surplus, interest total,
    /// dividends paid (the sum of members' dividends).
    pub off: (f64, f64, f64),
    /// Members whose dividend is not the exact one.
    pub members_off: usize,
}

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openfisca/rochdale_year.py");

pub fn run(
    python: &Path,
    members: &Path,
    costs: i64,
    exact: &Outcome,
) -> Result<OpenFiscaRun, String> {
    let out_file = members.with_extension("openfisca-dividends.bin");
    let output = Command::new(python)
        .arg(SCRIPT)
        .arg(members)
        .arg(costs.to_string())
        .arg(&out_file)
        .output()
        .map_err(|e| format!("running {}: {e}", python.display()))?;
    if !output.status.success() {
        return Err(format!(
            "OpenFisca failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("OpenFisca's output: {e}"))?;
    let f = |k: &str| {
        json.get(k)
            .and_then(serde_json::Value::as_f64)
            .unwrap_or(f64::NAN)
    };
    let secs = |k: &str| Duration::from_secs_f64(f(k).max(0.0));
    if json.get("admitted").and_then(serde_json::Value::as_u64) != Some(exact.admitted as u64) {
        return Err("OpenFisca admitted a different number of members".into());
    }
    let pennies =
        |float_pounds: f64, exact_pence: i64| (float_pounds * 100.0 - exact_pence as f64).abs();
    let bytes = std::fs::read(&out_file).map_err(|e| e.to_string())?;
    let members_off = bytes
        .chunks_exact(8)
        .zip(&exact.dividend)
        .filter(|(b, d)| {
            let mut a = [0u8; 8];
            a.copy_from_slice(b);
            i64::from_le_bytes(a) != **d
        })
        .count();
    let _ = std::fs::remove_file(&out_file);
    Ok(OpenFiscaRun {
        times: Times {
            end_to_end: secs("load_seconds") + secs("compute_seconds"),
            compute: secs("compute_seconds"),
        },
        import: secs("import_seconds"),
        off: (
            pennies(f("surplus"), exact.surplus),
            pennies(f("interest_total"), exact.interest_total),
            pennies(f("dividends_paid"), exact.dividend_total),
        ),
        members_off,
    })
}

pub fn table(rows: &[(usize, Times, OpenFiscaRun)]) -> String {
    let mut t = String::from(
        "Against OpenFisca (openfisca-core, numpy; its floats are 32-bit by default): the same members from the same CSV file. End to end = load the members and compute (OpenFisca's Python start-up and imports, shown apart, not counted). Times in ms; ratio = Rochdale / OpenFisca (below 1: Rochdale faster). Pennies off: how far OpenFisca's figures are from the exact ones.\n\n\
         | members | OpenFisca: compute | Rochdale: compute | ratio | OpenFisca: end to end | Rochdale: end to end | ratio | OpenFisca import | pennies off: surplus | interest total | dividends paid | members with a wrong dividend |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (n, roc, of) in rows {
        t += &format!(
            "| {n} | {} | {} | {} | {} | {} | {} | {} | {:.0} | {:.0} | {:.0} | {} |\n",
            ms(of.times.compute),
            ms(roc.compute),
            ratio(roc.compute, of.times.compute),
            ms(of.times.end_to_end),
            ms(roc.end_to_end),
            ratio(roc.end_to_end, of.times.end_to_end),
            ms(of.import),
            of.off.0,
            of.off.1,
            of.off.2,
            of.members_off
        );
    }
    t
}
