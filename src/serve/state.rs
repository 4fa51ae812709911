//! The rulebooks served, and their reloading. The catalog is immutable
//! once built: a reload builds a new one and swaps the pointer, so a request
//! that took the old `Arc` finishes on the version it started with.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use super::types::{FailingRulebook, ProvenanceJson, RulebookInfo};
use crate::diagnostic::{Diagnostic, DiagnosticJson};
use crate::program::Program;
use crate::span::{SourceFile, Sources};

/// Files beside the rulebooks larger than this are not read as the files
/// a rulebook names (a register of members is given per request instead).
const MAX_SIDE_FILE: u64 = 8 * 1024 * 1024;

/// One rulebook that checks, ready to answer.
#[derive(Debug)]
pub struct Rulebook {
    /// Its name in URLs: the file name without `.coop`.
    pub name: String,
    /// Its text.
    pub file: SourceFile,
    /// The checked program.
    pub program: Program,
    /// The other files of the folder (`members from "founders.csv"`), by name.
    pub files: BTreeMap<String, String>,
    /// Which rules these are.
    pub provenance: ProvenanceJson,
}

impl Rulebook {
    /// What `GET /rulebooks` says of it.
    pub fn info(&self) -> RulebookInfo {
        RulebookInfo {
            name: self.name.clone(),
            provenance: self.provenance.clone(),
            rules: self.program.rules.iter().map(|r| r.name.clone()).collect(),
            acts: self.program.acts.iter().map(|a| a.name.clone()).collect(),
        }
    }
}

/// When a file was last seen changed: its modification time and length.
type Stamp = (Option<SystemTime>, u64);

/// Every rulebook served, and those whose latest text fails.
#[derive(Debug, Default)]
pub struct Catalog {
    /// The rulebooks that check, by name.
    pub books: BTreeMap<String, Arc<Rulebook>>,
    /// The rulebook files whose latest text does not check, by name.
    pub failing: BTreeMap<String, FailingRulebook>,
    /// Every file of the folder as last read.
    stamps: BTreeMap<PathBuf, Stamp>,
}

impl Catalog {
    /// The rulebook of this name.
    pub fn get(&self, name: &str) -> Option<Arc<Rulebook>> {
        self.books.get(name).cloned()
    }

    /// The names served.
    pub fn names(&self) -> Vec<&str> {
        self.books.keys().map(String::as_str).collect()
    }
}

/// The folder's files and their stamps; an error if it cannot be read.
fn scan(dir: &Path) -> std::io::Result<BTreeMap<PathBuf, Stamp>> {
    let mut stamps = BTreeMap::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(meta) = entry.metadata() else {
            continue; // removed while listed: the next scan will tell
        };
        if meta.is_file() {
            stamps.insert(entry.path(), (meta.modified().ok(), meta.len()));
        }
    }
    Ok(stamps)
}

fn is_rulebook(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "coop")
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The side files of the folder, by file name.
fn side_files(stamps: &BTreeMap<PathBuf, Stamp>) -> BTreeMap<String, String> {
    stamps
        .iter()
        .filter(|(path, (_, len))| !is_rulebook(path) && *len <= MAX_SIDE_FILE)
        .filter_map(|(path, _)| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            Some((name, std::fs::read_to_string(path).ok()?))
        })
        .collect()
}

/// Reads and checks one rulebook file.
fn load(path: &Path, files: &BTreeMap<String, String>) -> Result<Rulebook, Vec<serde_json::Value>> {
    let name = stem(path);
    let shown = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = std::fs::read_to_string(path).map_err(|e| {
        let d = Diagnostic::error(crate::Code::Io, format!("cannot read {shown}: {e}"))
            .help("check the file's permissions and that it is UTF-8 text");
        json_of(&[d], &SourceFile::new(shown.clone(), ""))
    })?;
    let file = SourceFile::new(shown, text);
    let checked = crate::check_source(&file.text);
    match checked.program {
        Some(program) => Ok(Rulebook {
            name,
            provenance: ProvenanceJson {
                rulebook: program.provenance.rulebook.clone(),
                version: program.provenance.version.clone(),
                hash: program.provenance.hash.clone(),
            },
            file,
            program,
            files: files.clone(),
        }),
        None => Err(json_of(&checked.diagnostics, &file)),
    }
}

fn json_of(diagnostics: &[Diagnostic], file: &SourceFile) -> Vec<serde_json::Value> {
    diagnostics
        .iter()
        .filter(|d| d.severity == crate::Severity::Error)
        .filter_map(|d| serde_json::to_value(DiagnosticJson::new(d, Sources::from(file))).ok())
        .collect()
}

/// Loads every rulebook of `dir`; an error if the folder cannot be read.
pub fn load_dir(dir: &Path) -> Result<Catalog, String> {
    reload(dir, &Catalog::default())
        .map(|(catalog, _)| catalog)
        .map_err(|e| format!("cannot read the folder {}: {e}", dir.display()))
}

/// The catalog after the folder's changes since `current`, and a line for
/// the log about each rulebook that changed; `None` when nothing changed.
/// A rulebook whose new text fails keeps its last good version.
fn reload(dir: &Path, current: &Catalog) -> std::io::Result<(Catalog, Vec<String>)> {
    let stamps = scan(dir)?;
    let files = side_files(&stamps);
    // A side file changed (a register a scenario reads): every rulebook is
    // read again, since any of them may name it.
    let sides_changed = stamps
        .iter()
        .filter(|(p, _)| !is_rulebook(p))
        .ne(current.stamps.iter().filter(|(p, _)| !is_rulebook(p)));
    let mut next = Catalog {
        stamps: stamps.clone(),
        ..Catalog::default()
    };
    let mut log = Vec::new();
    for (path, stamp) in stamps.iter().filter(|(p, _)| is_rulebook(p)) {
        let name = stem(path);
        let old = current.books.get(&name);
        if !sides_changed && current.stamps.get(path) == Some(stamp) {
            if let Some(book) = old {
                next.books.insert(name.clone(), book.clone());
            }
            if let Some(failing) = current.failing.get(&name) {
                next.failing.insert(name, failing.clone());
            }
            continue;
        }
        match load(path, &files) {
            Ok(book) => {
                log.push(format!(
                    "loaded {name}: {}",
                    book.program.provenance.label()
                ));
                next.books.insert(name, Arc::new(book));
            }
            Err(diagnostics) => {
                let first = diagnostics
                    .first()
                    .and_then(|d| d.get("message"))
                    .and_then(|m| m.as_str())
                    .unwrap_or("it does not check")
                    .to_string();
                log.push(format!(
                    "{name} fails its check ({} problem(s); first: {first}); {}",
                    diagnostics.len(),
                    if old.is_some() {
                        "the last good version keeps serving"
                    } else {
                        "it is not served"
                    }
                ));
                if let Some(book) = old {
                    next.books.insert(name.clone(), book.clone());
                }
                next.failing.insert(
                    name.clone(),
                    FailingRulebook {
                        name,
                        serving_last_good: old.is_some(),
                        diagnostics,
                    },
                );
            }
        }
    }
    for name in current.books.keys() {
        if !next.books.contains_key(name) {
            log.push(format!("{name} was removed: it is no longer served"));
        }
    }
    Ok((next, log))
}

/// The catalog being served, swapped whole on reload.
#[derive(Debug)]
pub struct Served {
    dir: PathBuf,
    current: RwLock<Arc<Catalog>>,
}

impl Served {
    /// Serves the rulebooks of `dir`.
    pub fn new(dir: PathBuf, catalog: Catalog) -> Self {
        Served {
            dir,
            current: RwLock::new(Arc::new(catalog)),
        }
    }

    /// The catalog now: a request keeps it to its end.
    pub fn catalog(&self) -> Arc<Catalog> {
        match self.current.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reads the folder's changes, if any, and swaps in the new catalog;
    /// returns the lines for the log.
    pub fn refresh(&self) -> Vec<String> {
        let current = self.catalog();
        match scan(&self.dir) {
            Ok(stamps) if stamps == current.stamps => return Vec::new(),
            Ok(_) => {}
            Err(e) => return vec![format!("cannot read {}: {e}", self.dir.display())],
        }
        match reload(&self.dir, &current) {
            Ok((next, log)) => {
                let mut slot = match self.current.write() {
                    Ok(slot) => slot,
                    Err(poisoned) => poisoned.into_inner(),
                };
                *slot = Arc::new(next);
                log
            }
            Err(e) => vec![format!("cannot read {}: {e}", self.dir.display())],
        }
    }
}
