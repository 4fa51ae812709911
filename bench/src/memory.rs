//! Peak resident memory of one run, measured in a process of its own.

use std::path::Path;
use std::process::Command;

fn status(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace()
        .nth(1)?
        .parse::<u64>()
        .ok()
        .map(|kb| kb * 1024)
}

/// Resets the peak to what is resident now (Linux: `5` to clear_refs).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The child: load, then measure the peak of the computation above the
/// loaded input.
pub fn child(dir: &Path, n: usize) -> Result<(), String> {
    let (path, year) = crate::data::members_file(dir, n).map_err(|e| e.to_string())?;
    let program = crate::interpreter::program(crate::RULEBOOK)?;
    let start = status("VmRSS:").unwrap_or(0);
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let with_text = status("VmRSS:").unwrap_or(0);
    let members = crate::interpreter::load(&program, &text)?;
    let load_peak = status("VmHWM:").unwrap_or(0);
    drop(text);
    let loaded = status("VmRSS:").unwrap_or(0);
    let reset = reset_peak();
    let (outcome, _) = crate::interpreter::year(&program, members, year.costs)?;
    let peak = status("VmHWM:").unwrap_or(0);
    println!(
        "{{\"members\": {n}, \"start\": {start}, \"with_text\": {with_text}, \"load_peak\": {load_peak}, \"loaded\": {loaded}, \"peak\": {peak}, \"reset\": {reset}, \"admitted\": {}}}",
        outcome.admitted
    );
    Ok(())
}

pub fn parent(dir: &Path, n: usize) -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new(exe)
        .arg("--memory")
        .arg(n.to_string())
        .arg("--data")
        .arg(dir)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "memory run: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("memory run: {e}"))?;
    let get = |k: &str| json.get(k).and_then(serde_json::Value::as_u64).unwrap_or(0);
    let per = |bytes: u64| bytes as f64 / n as f64;
    let text = get("with_text").saturating_sub(get("start"));
    let columns = get("loaded").saturating_sub(get("start"));
    let above = get("peak").saturating_sub(get("loaded"));
    let reset = json.get("reset").and_then(serde_json::Value::as_bool) == Some(true);
    Ok(format!(
        "Memory at {n} members (peak resident set of a process of its own, Linux VmHWM{}). Target: under 100 bytes per member above the input data.\n\n\
         | what | MB | bytes per member |\n|---|---:|---:|\n\
         | the CSV text read | {:.0} | {:.1} |\n\
         | the member columns loaded (input data, names included) | {:.0} | {:.1} |\n\
         | peak while loading (text and columns) above the start | {:.0} | {:.1} |\n\
         | **peak of the year's computation above the loaded input** | {:.0} | **{:.1}** |\n",
        if reset {
            ", reset after loading"
        } else {
            "; the reset after loading failed, so this includes loading"
        },
        text as f64 / 1e6,
        per(text),
        columns as f64 / 1e6,
        per(columns),
        get("load_peak").saturating_sub(get("start")) as f64 / 1e6,
        per(get("load_peak").saturating_sub(get("start"))),
        above as f64 / 1e6,
        per(above),
    ))
}
