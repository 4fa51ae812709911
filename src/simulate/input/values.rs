//! Values written as text in an input file (a JSON string, number or
//! boolean; a CSV cell), read against the program's types for the one
//! lowering of steps ([`crate::check::steps`]).

use serde_json::Value as Json;

use super::plain_cell;
use crate::check::ValueReader;
use crate::check::steps::ReadValue;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::Program;
use crate::types::Type;
use crate::value::Value;

/// Reads the values of one input file. Made once per file: the reader
/// behind it knows every name of the program.
pub struct TextValues<'p> {
    reader: ValueReader<'p>,
}

impl<'p> TextValues<'p> {
    /// A reader of `program`'s values.
    pub fn new(program: &'p Program) -> Self {
        TextValues {
            reader: ValueReader::new(program),
        }
    }

    /// Reads `text` for a place of type `ty` named `owner`: the commonest
    /// plain forms (`£2.50`, `42`) without the full parser, which only
    /// ever agrees with it, and everything else with it.
    pub fn text(
        &mut self,
        text: &str,
        ty: Type,
        owner: &str,
        balance: bool,
    ) -> Result<Value, Diagnostic> {
        match plain_cell(text, ty) {
            Some(v) => Ok(v),
            None => self.reader.read(text, ty, owner, balance),
        }
    }

    /// Reads a JSON value: a string as text, a number by its exact digits
    /// (never as floating point), a boolean as `true` or `false`, `null` as
    /// `none` for an optional value.
    pub fn json(
        &mut self,
        v: &Json,
        ty: Type,
        owner: &str,
        balance: bool,
    ) -> Result<Value, Diagnostic> {
        match v {
            Json::String(s) => self.text(s, ty, owner, balance),
            Json::Number(n) => self.text(&n.to_string(), ty, owner, balance),
            Json::Bool(b) => self.text(if *b { "true" } else { "false" }, ty, owner, balance),
            // `null` is `none`, for an optional value.
            Json::Null if ty.is_optional() => Ok(Value::None),
            Json::Null | Json::Array(_) | Json::Object(_) => Err(Diagnostic::error(
                Code::BadValue,
                format!("`{owner}` needs a value, not {v}"),
            )
            .help("write the value as a string such as \"£5.00\", or as a number")),
        }
    }
}

/// A cell of a CSV act log.
impl ReadValue<String> for TextValues<'_> {
    fn value(
        &mut self,
        written: &String,
        ty: Type,
        owner: &str,
        balance: bool,
    ) -> Result<Value, Diagnostic> {
        self.text(written, ty, owner, balance)
    }

    fn member(&self, written: &String) -> Option<String> {
        let name = written.trim();
        (!name.is_empty()).then(|| name.to_string())
    }
}

/// A value of a JSON scenario.
impl ReadValue<Json> for TextValues<'_> {
    fn value(
        &mut self,
        written: &Json,
        ty: Type,
        owner: &str,
        balance: bool,
    ) -> Result<Value, Diagnostic> {
        self.json(written, ty, owner, balance)
    }

    fn member(&self, written: &Json) -> Option<String> {
        written.as_str().map(str::to_string)
    }
}
