//! Where the files a rulebook names are read from: a scenario's `members
//! from "founders.csv"`. On the command line they are beside the rulebook;
//! in a browser or a service they are given by name, as texts.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};
use crate::span::SourceFile;

/// Where named files are found.
#[derive(Debug, Clone, Copy, Default)]
pub enum Files<'a> {
    /// Nowhere: a rulebook that names a file cannot be run.
    #[default]
    None,
    /// In a folder on disk.
    Dir(&'a Path),
    /// Given as texts, by the name the rulebook uses.
    Map(&'a BTreeMap<String, String>),
}

impl Files<'_> {
    /// Reads the file a rulebook calls `name`.
    pub fn read(&self, name: &str) -> Result<SourceFile, Diagnostic> {
        match self {
            Files::None => Err(Diagnostic::error(
                Code::Io,
                format!("`{name}` cannot be read here"),
            )
            .help("give the file's text with the rulebook (as `files`), or give the members another way")),
            Files::Map(map) => match map.get(name) {
                Some(text) => Ok(SourceFile::new(name, text.clone())),
                None => {
                    let known: Vec<&str> = map.keys().map(String::as_str).collect();
                    let help = if known.is_empty() {
                        "no files were given with the rulebook".to_string()
                    } else {
                        format!("the files given are {}", known.join(", "))
                    };
                    Err(Diagnostic::error(Code::Io, format!("no file `{name}` was given"))
                        .help(help))
                }
            },
            Files::Dir(dir) => {
                let path = dir.join(name);
                let shown = path.display().to_string();
                let text = std::fs::read(&path).map_err(|e| {
                    Diagnostic::error(Code::Io, format!("cannot read `{shown}`: {e}"))
                        .help("check the path; a scenario's member file is found beside its rulebook")
                })?;
                let text = String::from_utf8(text).map_err(|_| {
                    Diagnostic::error(Code::Io, format!("`{shown}` is not UTF-8 text"))
                        .help("save the file as UTF-8 text")
                })?;
                Ok(SourceFile::new(shown, text))
            }
        }
    }
}
