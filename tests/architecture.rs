//! The one direction data flows in: text → syntax tree → checked program →
//! execution → outcome → interfaces. Each top-level module of `src/` is a
//! stage with a rank; a module may use only modules of an earlier rank.
//! This test reads every `.rs` file under `src/`, finds each path into
//! another top-level module (`use crate::NAME`, `crate::NAME::...` anywhere
//! in code, `use crate::{a, b::c}`), and fails on every one that points to a
//! later stage. docs/architecture.md carries the same table and says why.
//!
//! What counts: code, unit tests included. What does not: comments (so a
//! doc link such as [`crate::simulate`] may point anywhere: it documents,
//! it does not depend), string literals, `super::` (within a module), and
//! `lib.rs`, `main.rs` and the `wasm/` crate, which sit above every stage.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The stages, earliest first; a module's rank is its place in this list.
/// docs/architecture.md has the same table (checked below).
const STAGES: &[&str] = &[
    "span",
    "currency",
    "diagnostic",
    "files",
    "units",
    "syntax",
    "format",
    "provenance",
    "types",
    "value",
    "program",
    "semantics",
    "check",
    "register",
    "eval",
    "batch",
    "example",
    "pipeline",
    "simulate",
    "quality",
    "explain",
    "diff",
    "document",
    "report",
    "api",
    "lsp",
    "serve",
];

/// Stages that are ranked one after the other but must not use each other
/// at all: the two interfaces for editors and for services. (The column
/// executor may hand a node it cannot compute by columns to the row
/// executor, which computes it by the same semantics, so those two are not
/// here.)
const INDEPENDENT: &[(&str, &str)] = &[("serve", "lsp")];

/// Backward imports known and being removed, as (from, to). Each must still
/// occur: one that no longer does fails the test, so the list only shrinks.
const ALLOWED: &[(&str, &str)] = &[];

/// One path into another top-level module, found in a file's code.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reference {
    /// 1-based line.
    line: usize,
    /// The first segment after `crate::`.
    name: String,
}

// ------------------------------------------------------------ the scanner

/// The text with comments and string and character literals blanked out
/// (newlines kept, so line numbers still hold).
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            // Block comments nest in Rust.
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if let Some(len) = raw_string_start(&chars, i) {
            // r"..", r#".."#, br#".."#: ends at a quote followed by as many #.
            let hashes = len - 2 - usize::from(chars[i] == 'b');
            out.extend(std::iter::repeat_n(' ', len));
            i += len;
            while i < chars.len() {
                let closes =
                    chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#'));
                if closes {
                    out.extend(std::iter::repeat_n(' ', hashes + 1));
                    i += hashes + 1;
                    break;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && is_char_literal(&chars, i) {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                out.push(' ');
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The length of a raw string's opening (`r"`, `r##"`, `br#"`) at `i`.
fn raw_string_start(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && is_ident_char(chars[i - 1]) {
        return None;
    }
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    while chars.get(j) == Some(&'#') {
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some(j + 1 - i)
}

/// Whether the quote at `i` opens a character literal (`'a'`, `'\n'`,
/// `'\''`) rather than a lifetime (`'a`, `'static`).
fn is_char_literal(chars: &[char], i: usize) -> bool {
    match chars.get(i + 1) {
        Some('\\') => true,
        Some(_) => chars.get(i + 2) == Some(&'\''),
        None => false,
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every path into a top-level module in `text` (a whole `.rs` file).
fn references(text: &str) -> Vec<Reference> {
    let code: Vec<char> = code_only(text).chars().collect();
    let line_at = |pos: usize| code[..pos].iter().filter(|&&c| c == '\n').count() + 1;
    let word: Vec<char> = "crate".chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + word.len() <= code.len() {
        let starts_word = i == 0 || !(is_ident_char(code[i - 1]) || code[i - 1] == '$');
        let ends_word = code.get(i + word.len()).is_none_or(|&c| !is_ident_char(c));
        if !(starts_word && ends_word && code[i..i + word.len()] == word[..]) {
            i += 1;
            continue;
        }
        let mut j = skip_space(&code, i + word.len());
        if code.get(j) != Some(&':') || code.get(j + 1) != Some(&':') {
            i += word.len();
            continue;
        }
        j = skip_space(&code, j + 2);
        if code.get(j) == Some(&'{') {
            // `crate::{a, b::c, d::{e, f}}`: the first segment of each item
            // at the group's top level.
            let mut depth = 0;
            let mut item_start = true;
            while j < code.len() {
                match code[j] {
                    '{' => {
                        depth += 1;
                        j += 1;
                        item_start = depth == 1;
                    }
                    '}' => {
                        depth -= 1;
                        j += 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' => {
                        j += 1;
                        item_start = depth == 1;
                    }
                    c if item_start && is_ident_char(c) => {
                        let (name, end) = ident(&code, j);
                        push(&mut out, line_at(j), name);
                        j = end;
                        item_start = false;
                    }
                    c if c.is_whitespace() => j += 1,
                    _ => {
                        item_start = false;
                        j += 1;
                    }
                }
            }
        } else if code.get(j).is_some_and(|&c| is_ident_char(c)) {
            let (name, end) = ident(&code, j);
            push(&mut out, line_at(j), name);
            j = end;
        }
        i = j.max(i + word.len());
    }
    out
}

fn push(out: &mut Vec<Reference>, line: usize, name: String) {
    // `crate::{self, ...}` names the crate itself.
    if name != "self" {
        out.push(Reference { line, name });
    }
}

fn skip_space(code: &[char], mut j: usize) -> usize {
    while code.get(j).is_some_and(|c| c.is_whitespace()) {
        j += 1;
    }
    j
}

fn ident(code: &[char], start: usize) -> (String, usize) {
    let mut end = start;
    while code.get(end).is_some_and(|&c| is_ident_char(c)) {
        end += 1;
    }
    (code[start..end].iter().collect(), end)
}

// ------------------------------------------------------------ the crate

/// What lib.rs declares: its modules, the names it re-exports (name →
/// the module they come from), and the items it defines itself.
struct Root {
    modules: Vec<String>,
    reexports: BTreeMap<String, String>,
    own_items: Vec<String>,
}

fn root(text: &str) -> Root {
    let code: Vec<char> = code_only(text).chars().collect();
    let mut root = Root {
        modules: Vec::new(),
        reexports: BTreeMap::new(),
        own_items: Vec::new(),
    };
    let mut i = 0;
    while i < code.len() {
        if !is_ident_char(code[i]) || (i > 0 && is_ident_char(code[i - 1])) {
            i += 1;
            continue;
        }
        let (word, end) = ident(&code, i);
        let (next, _) = ident(&code, skip_space(&code, end));
        match word.as_str() {
            "mod" => root.modules.push(next),
            "fn" | "struct" | "enum" | "const" | "static" | "type" | "trait" => {
                root.own_items.push(next)
            }
            "use" => {
                // Up to the `;`: `a::{B, c::D as E}`, each item known by its
                // last name.
                let stop = code[end..]
                    .iter()
                    .position(|&c| c == ';')
                    .map_or(code.len(), |p| end + p);
                let path: String = code[end..stop].iter().collect();
                let path = path.trim();
                let path = path.strip_prefix("crate::").unwrap_or(path);
                if let Some((module, rest)) = path.split_once("::") {
                    for item in rest.replace(['{', '}'], " ").split(',') {
                        let item = item.rsplit(" as ").next().unwrap_or(item);
                        let name = item.rsplit("::").next().unwrap_or(item).trim();
                        if !name.is_empty() && name != "self" {
                            root.reexports
                                .insert(name.to_string(), module.trim().to_string());
                        }
                    }
                }
                i = stop;
                continue;
            }
            _ => {}
        }
        i = end;
    }
    root
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The top-level module a file belongs to: `src/check/expr.rs` is `check`.
/// `None` for lib.rs and main.rs, which stand above every stage.
fn module_of(relative: &Path) -> Option<String> {
    let mut parts = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy());
    let first = parts.next()?.to_string();
    if parts.next().is_some() {
        return Some(first);
    }
    let stem = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (stem != "lib" && stem != "main").then_some(stem)
}

fn rank(module: &str) -> Option<usize> {
    STAGES.iter().position(|s| *s == module)
}

/// Why `from` may not use `to`, if it may not.
fn forbidden(from: &str, to: &str) -> Option<&'static str> {
    let (a, b) = (rank(from)?, rank(to)?);
    if INDEPENDENT
        .iter()
        .any(|&(x, y)| (x, y) == (from, to) || (y, x) == (from, to))
    {
        return Some(" (independent stages: neither may use the other)");
    }
    (b >= a && from != to).then_some("")
}

/// Every breach of the rule in the crate, and the allowed exceptions used.
fn breaches(src: &Path) -> (Vec<String>, Vec<(String, String)>) {
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    let root = root(&lib);
    let mut problems = Vec::new();
    let mut used = Vec::new();
    for module in &root.modules {
        if rank(module).is_none() {
            problems.push(format!(
                "src/lib.rs: the module `{module}` is not in the table of stages\n  \
                 help: add it to STAGES in tests/architecture.rs and to the table in \
                 docs/architecture.md, after every stage it uses and before every stage that uses it"
            ));
        }
    }
    for path in rust_files(src) {
        let relative = path.strip_prefix(src).expect("under src");
        let Some(from) = module_of(relative) else {
            continue;
        };
        let shown = format!("src/{}", relative.display());
        if rank(&from).is_none() {
            if !root.modules.contains(&from) {
                problems.push(format!(
                    "{shown}: the file belongs to `{from}`, which lib.rs does not declare and the table of stages does not list\n  \
                     help: declare the module in lib.rs and add it to STAGES in tests/architecture.rs and docs/architecture.md"
                ));
            }
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        for r in references(&text) {
            let to = if rank(&r.name).is_some() {
                r.name.clone()
            } else if let Some(module) = root.reexports.get(&r.name) {
                module.clone()
            } else if root.own_items.contains(&r.name) {
                problems.push(format!(
                    "{shown}:{}: {from} uses `crate::{}`, defined in lib.rs, which stands above every stage\n  \
                     help: define it in the stage it belongs to and re-export it from lib.rs",
                    r.line, r.name
                ));
                continue;
            } else {
                problems.push(format!(
                    "{shown}:{}: `crate::{}` is not a stage in the table\n  \
                     help: add the module to STAGES in tests/architecture.rs and docs/architecture.md",
                    r.line, r.name
                ));
                continue;
            };
            let Some(why) = forbidden(&from, &to) else {
                continue;
            };
            if ALLOWED.contains(&(from.as_str(), to.as_str())) {
                used.push((from.clone(), to.clone()));
                continue;
            }
            problems.push(format!(
                "{shown}:{}: {from} (rank {}) imports {to} (rank {}){why}",
                r.line,
                rank(&from).unwrap_or_default(),
                rank(&to).unwrap_or_default(),
            ));
        }
    }
    (problems, used)
}

#[test]
fn no_stage_imports_a_later_one() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (mut problems, used) = breaches(&src);
    for &(from, to) in ALLOWED {
        if !used.iter().any(|(f, t)| f == from && t == to) {
            problems.push(format!(
                "tests/architecture.rs: the allowed exception {from} -> {to} no longer occurs\n  \
                 help: remove it from ALLOWED"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) with the direction of imports (see docs/architecture.md):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_documented_table_is_the_tested_one() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
            .expect("docs/architecture.md");
    // Rows of the table: `| 12 | `check` | ... |`.
    let documented: Vec<(usize, String)> = doc
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let rank = cells.get(1)?.parse::<usize>().ok()?;
            let name = cells.get(2)?.trim_matches('`').to_string();
            Some((rank, name))
        })
        .collect();
    let tested: Vec<(usize, String)> = STAGES
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.to_string()))
        .collect();
    assert_eq!(documented, tested);
}

// ------------------------------------------------------ the scanner tested

/// The references in `text` as `line:name`.
fn names(text: &str) -> Vec<String> {
    references(text)
        .into_iter()
        .map(|r| format!("{}:{}", r.line, r.name))
        .collect()
}

#[test]
fn a_use_line_is_a_reference() {
    assert_eq!(
        names("use crate::eval::Evaluator;\nuse std::fmt;\n"),
        ["1:eval"]
    );
}

#[test]
fn a_path_in_code_is_a_reference_wherever_it_stands() {
    let text = "fn f() {\n    let x = crate::simulate::run(1);\n    g(crate :: batch::X);\n}\n";
    assert_eq!(names(text), ["2:simulate", "3:batch"]);
}

#[test]
fn a_path_in_a_comment_or_a_string_is_not() {
    let text = "/// See [`crate::simulate`].\n// crate::eval is later\n/* crate::batch /* nested */ crate::api */\nlet s = \"crate::diff\";\nlet r = r#\"crate::report \"quoted\" \"#;\nlet c = '\"';\nlet d = crate::value::X;\n";
    assert_eq!(names(text), ["7:value"]);
}

#[test]
fn a_nested_use_names_each_top_level_module() {
    let text = "use crate::{\n    diagnostic::{Code, Diagnostic},\n    span::Span,\n    self,\n};\nuse crate::{a, b::c};\n";
    assert_eq!(names(text), ["2:diagnostic", "3:span", "6:a", "6:b"]);
}

#[test]
fn macro_crate_lifetimes_and_other_crates_are_not_references() {
    let text = "macro_rules! m { () => { $crate::eval::x() } }\nfn f<'a>(x: &'a str) -> char { 'x' }\nuse rochdale::eval;\nlet my_crate::eval = 1;\npub(crate) fn g() {}\n";
    assert!(names(text).is_empty(), "{:?}", names(text));
}

#[test]
fn the_rule_ranks_stages_and_keeps_executors_apart() {
    assert_eq!(forbidden("check", "eval"), Some(""));
    assert_eq!(forbidden("eval", "check"), None);
    assert_eq!(forbidden("check", "check"), None);
    assert_eq!(forbidden("batch", "eval"), None);
    assert!(forbidden("eval", "batch").is_some());
    assert_eq!(forbidden("value", "program"), Some(""));
    assert_eq!(
        module_of(Path::new("check/expr.rs")).as_deref(),
        Some("check")
    );
    assert_eq!(
        module_of(Path::new("explain.rs")).as_deref(),
        Some("explain")
    );
    assert_eq!(module_of(Path::new("lib.rs")), None);
}

#[test]
fn lib_rs_is_read_for_modules_reexports_and_its_own_items() {
    let r = root(
        "//! doc\npub mod api;\nmod eval;\npub use check::Checked;\npub use diagnostic::{Code, Diagnostic as D};\npub use pipeline::check_source;\npub fn helper() {}\n",
    );
    assert_eq!(r.modules, ["api", "eval"]);
    assert_eq!(
        r.reexports.get("Checked").map(String::as_str),
        Some("check")
    );
    assert_eq!(
        r.reexports.get("Code").map(String::as_str),
        Some("diagnostic")
    );
    assert_eq!(r.reexports.get("D").map(String::as_str), Some("diagnostic"));
    assert_eq!(
        r.reexports.get("check_source").map(String::as_str),
        Some("pipeline")
    );
    assert_eq!(r.own_items, ["helper"]);
}
