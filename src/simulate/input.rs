//! Inputs of a simulation from outside the rulebook: a member list as CSV,
//! and a scenario as JSON (its schema is in docs/scenarios.md). A bad value
//! is a diagnostic that names the CSV line and column or the JSON path.

use std::collections::HashSet;

use serde_json::Value as Json;

use crate::check::ValueReader;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::*;
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;

/// The people of a simulation: names, and values by attribute.
#[derive(Debug, Clone, Default)]
pub struct MemberTable {
    /// Names, in order.
    pub names: Vec<String>,
    /// Values, attribute-major: `columns[attr][person]`.
    pub columns: Vec<Vec<Option<Value>>>,
}

impl MemberTable {
    /// The members written in a scenario.
    pub fn inline(scenario: &ScenarioDef) -> Self {
        MemberTable {
            names: scenario.member_names.clone(),
            columns: scenario.members.clone(),
        }
    }

    /// Adds the people of `other`; a name already present is an error.
    pub fn extend(&mut self, other: MemberTable, file: &str) -> Result<(), Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let present: HashSet<&str> = self.names.iter().map(String::as_str).collect();
        for name in &other.names {
            if present.contains(name.as_str()) {
                errors.push(
                    Diagnostic::error(
                        Code::BadInputFile,
                        format!("{file}: `{name}` is listed twice"),
                    )
                    .help("each person appears once, in the scenario or in the file"),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        self.names.extend(other.names);
        for (column, more) in self.columns.iter_mut().zip(other.columns) {
            column.extend(more);
        }
        Ok(())
    }
}

/// Byte span of the `n`-th field (0-based) of a CSV line that starts at
/// `line_start` in `text`, for pointing at a bad cell.
fn cell_span(text: &str, line_start: usize, n: usize) -> Span {
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let mut start = 0;
    let mut in_quotes = false;
    let mut field = 0;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                if field == n {
                    return Span::new(line_start + start, line_start + i);
                }
                field += 1;
                start = i + 1;
            }
            _ => {}
        }
    }
    Span::new(line_start + start, line_end)
}

/// Reads a member list. The header names the attributes; a column `name`
/// is required. An empty cell takes the attribute's default.
pub fn read_csv(program: &Program, text: &str) -> Result<MemberTable, Vec<Diagnostic>> {
    let mut table = MemberTable {
        names: Vec::new(),
        columns: program.member_attrs.iter().map(|_| Vec::new()).collect(),
    };
    let mut seen: HashSet<String> = HashSet::new();
    read_csv_rows(program, text, |row| {
        if !seen.insert(row.name.to_string()) {
            return Err(duplicate_name(text, &row));
        }
        table.names.push(row.name.to_string());
        for (column, v) in table.columns.iter_mut().zip(row.values) {
            column.push(v);
        }
        Ok(())
    })?;
    Ok(table)
}

/// One person's line of a member list, as [`read_csv_rows`] gives it.
pub struct CsvRow<'t> {
    /// The person's name.
    pub name: &'t str,
    /// Their values by attribute (the default where a cell is empty).
    pub values: Vec<Option<Value>>,
    /// The line number.
    pub line: u64,
    /// Where the line starts in the text.
    pub start: usize,
    /// Which column holds the name.
    pub name_column: usize,
}

/// The diagnostic for a person listed twice.
pub fn duplicate_name(text: &str, row: &CsvRow<'_>) -> Diagnostic {
    Diagnostic::error(
        Code::BadInputFile,
        format!("line {}: `{}` is listed twice", row.line, row.name),
    )
    .at(cell_span(text, row.start, row.name_column), "listed again")
    .help("each person appears once")
}

/// Reads a member list line by line, giving each well-formed line to
/// `sink` (which may refuse it with a diagnostic) so that a caller can
/// keep the values in whatever shape it needs. Every problem is reported,
/// not just the first.
pub fn read_csv_rows(
    program: &Program,
    text: &str,
    mut sink: impl FnMut(CsvRow<'_>) -> Result<(), Diagnostic>,
) -> Result<(), Vec<Diagnostic>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![
                Diagnostic::error(
                    Code::BadInputFile,
                    format!("the header line cannot be read: {e}"),
                )
                .at(
                    Span::new(0, text.find('\n').unwrap_or(text.len())),
                    "header",
                )
                .help("the first line names the columns: name, then member attributes"),
            ]);
        }
    };
    let mut errors = Vec::new();
    let mut name_column = None;
    let mut attrs: Vec<Option<usize>> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        if h == "name" {
            name_column = Some(i);
            attrs.push(None);
            continue;
        }
        match program.member_attr_id(h) {
            Some(a) => attrs.push(Some(a)),
            None => {
                let names: Vec<&str> = program
                    .member_attrs
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect();
                let help = crate::check::nearest(h, names.iter().copied())
                    .map(|n| format!("did you mean `{n}`?"))
                    .unwrap_or_else(|| {
                        format!("the member attributes are: name, {}", names.join(", "))
                    });
                errors.push(
                    Diagnostic::error(
                        Code::BadInputFile,
                        format!("line 1, column {}: members have no attribute `{h}`", i + 1),
                    )
                    .at(cell_span(text, 0, i), "unknown column")
                    .help(help),
                );
                attrs.push(None);
            }
        }
    }
    let Some(name_column) = name_column else {
        errors.push(
            Diagnostic::error(Code::BadInputFile, "line 1: there is no column `name`")
                .at(cell_span(text, 0, 0), "header")
                .help("add a column `name` with each person's name"),
        );
        return Err(errors);
    };
    let mut values = ValueReader::new(program);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let (line, start) = e
                    .position()
                    .map_or((0, 0), |p| (p.line(), p.byte() as usize));
                errors.push(
                    Diagnostic::error(Code::BadInputFile, format!("line {line}: {e}"))
                        .at(Span::new(start, start), "here")
                        .help("every line needs as many cells as the header; quote cells that contain commas"),
                );
                continue;
            }
        }
        let (line, start) = record
            .position()
            .map_or((0, 0), |p| (p.line(), p.byte() as usize));
        let name = record.get(name_column).unwrap_or("").trim();
        if name.is_empty() {
            errors.push(
                Diagnostic::error(
                    Code::BadInputFile,
                    format!("line {line}: a person without a name"),
                )
                .at(cell_span(text, start, name_column), "empty name")
                .help("give every person a name"),
            );
            continue;
        }
        let mut row: Vec<Option<Value>> = program
            .member_attrs
            .iter()
            .map(|a| a.default.clone())
            .collect();
        let mut row_ok = true;
        for (i, cell) in record.iter().enumerate() {
            let Some(Some(attr)) = attrs.get(i) else {
                continue;
            };
            if cell.trim().is_empty() {
                continue;
            }
            let field = &program.member_attrs[*attr];
            let read = match plain_cell(cell, field.ty) {
                Some(v) => Ok(v),
                None => values.read(cell, field.ty, &field.name, true),
            };
            match read {
                Ok(v) => row[*attr] = Some(v),
                Err(d) => {
                    row_ok = false;
                    errors.push(
                        Diagnostic {
                            message: format!(
                                "line {line}, column {} (`{}`): {}",
                                i + 1,
                                field.name,
                                d.message
                            ),
                            ..d
                        }
                        .at(cell_span(text, start, i), "this value"),
                    )
                }
            }
        }
        let row = CsvRow {
            name,
            values: row,
            line,
            start,
            name_column,
        };
        // A line with a bad cell is reported, not kept: what is kept is right.
        if row_ok {
            if let Err(d) = sink(row) {
                errors.push(d);
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The value of a cell written in the commonest plain forms, read without
/// the full value parser: a whole number (`42`, `-7`) for an integer, and
/// an amount with the currency's symbol and at most its minor digits
/// (`£5`, `£5.5`, `£1234.56`) for money. Anything else is `None` and goes to
/// the parser, so this only ever agrees with it (tests/batch.rs checks).
pub fn plain_cell(cell: &str, ty: Type) -> Option<Value> {
    let cell = cell.trim();
    let (negative, digits) = match cell.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cell),
    };
    let number = match ty {
        Type::Integer => {
            let n = plain_digits(digits)?;
            rust_decimal::Decimal::from_i128_with_scale(n as i128, 0)
        }
        Type::Money(currency) => {
            let amount = digits.strip_prefix(currency.symbol()?)?;
            let (whole, fraction) = match amount.split_once('.') {
                Some((w, f)) => (w, f),
                None => (amount, ""),
            };
            let places = fraction.len() as u32;
            if places > currency.minor_digits()
                || (amount.contains('.') && places == 0)
                || !fraction.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let whole = plain_digits(whole)?;
            let fraction: u64 = if fraction.is_empty() {
                0
            } else {
                fraction.parse().ok()?
            };
            let mantissa = (whole as i128)
                .checked_mul(10i128.pow(places))?
                .checked_add(fraction as i128)?;
            rust_decimal::Decimal::try_from_i128_with_scale(mantissa, places).ok()?
        }
        _ => return None,
    };
    let number = if negative {
        if number.is_zero() {
            return None;
        }
        -number
    } else {
        number
    };
    Some(Value::Number(number))
}

/// Decimal digits without a sign or a leading zero (`0` itself allowed),
/// at most 15 of them.
fn plain_digits(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.is_empty()
        || bytes.len() > 15
        || !bytes.iter().all(u8::is_ascii_digit)
        || (bytes.len() > 1 && bytes[0] == b'0')
    {
        return None;
    }
    text.parse().ok()
}

/// Where a JSON value sits, for messages: `steps[3].args[0]`.
struct Path(String);

impl Path {
    fn key(&self, k: &str) -> Path {
        Path(if self.0.is_empty() {
            k.to_string()
        } else {
            format!("{}.{k}", self.0)
        })
    }
    fn at(&self, i: usize) -> Path {
        Path(format!("{}[{i}]", self.0))
    }
}

fn json_error(path: &Path, message: String, help: &str) -> Diagnostic {
    Diagnostic::error(Code::BadInputFile, format!("{}: {message}", path.0)).help(help)
}

fn json_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        // Numbers keep their exact digits (serde_json's arbitrary precision).
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn json_value(
    values: &mut ValueReader<'_>,
    v: &Json,
    ty: Type,
    owner: &str,
    path: &Path,
    balance: bool,
) -> Result<Value, Diagnostic> {
    let text = json_text(v).ok_or_else(|| {
        json_error(
            path,
            format!("`{owner}` needs a value, not {v}"),
            "write the value as a string such as \"£5.00\" or a number",
        )
    })?;
    values
        .read(&text, ty, owner, balance)
        .map_err(|d| Diagnostic {
            message: format!("{}: {}", path.0, d.message),
            ..d
        })
}

/// The values of a JSON object of names (`{"markup": "12.5%"}`), each read
/// for the place `lookup` finds for its name; an unknown name is reported
/// with `unknown` (message, help).
fn named_values(
    values: &mut ValueReader<'_>,
    map: &serde_json::Map<String, Json>,
    path: &Path,
    errors: &mut Vec<Diagnostic>,
    lookup: impl Fn(&str) -> Option<(usize, Type)>,
    balance: bool,
    unknown: (&str, &str),
) -> Vec<(usize, Value)> {
    let mut out = Vec::new();
    for (k, v) in map {
        match lookup(k) {
            Some((i, ty)) => match json_value(values, v, ty, k, &path.key(k), balance) {
                Ok(v) => out.push((i, v)),
                Err(d) => errors.push(d),
            },
            None => errors.push(json_error(
                &path.key(k),
                format!("{} `{k}`", unknown.0),
                unknown.1,
            )),
        }
    }
    out
}

/// Parameters given new values in a JSON object.
fn parameter_values(
    program: &Program,
    values: &mut ValueReader<'_>,
    map: &serde_json::Map<String, Json>,
    path: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(usize, Value)> {
    named_values(
        values,
        map,
        path,
        errors,
        |k| program.param_id(k).map(|p| (p, program.params[p].ty)),
        false,
        (
            "there is no parameter",
            "name one of the rulebook's parameters",
        ),
    )
}

fn date(v: &Json, path: &Path) -> Result<time::Date, Diagnostic> {
    let text = v.as_str().unwrap_or("");
    let mut parts = text.split('-');
    let parsed = (|| {
        let y: i32 = parts.next()?.parse().ok()?;
        let m: u8 = parts.next()?.parse().ok()?;
        let d: u8 = parts.next()?.parse().ok()?;
        time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
    })();
    parsed.ok_or_else(|| {
        json_error(
            path,
            format!("{v} is not a date"),
            "write dates as \"YYYY-MM-DD\"",
        )
    })
}

fn names(v: Option<&Json>, path: &Path, errors: &mut Vec<Diagnostic>) -> Vec<(String, Span)> {
    match v {
        None => Vec::new(),
        Some(Json::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item.as_str() {
                Some(s) => Some((s.to_string(), Span::default())),
                None => {
                    errors.push(json_error(
                        &path.at(i),
                        "a member's name is a string".into(),
                        "write names as \"ada\"",
                    ));
                    None
                }
            })
            .collect(),
        Some(_) => {
            errors.push(json_error(
                path,
                "a list of members' names is expected".into(),
                "write [\"ada\", \"ben\"]",
            ));
            Vec::new()
        }
    }
}

/// Reads a scenario written as JSON (docs/scenarios.md). Returns the
/// scenario and the members it lists.
pub fn read_json(
    program: &Program,
    text: &str,
) -> Result<(ScenarioDef, MemberTable), Vec<Diagnostic>> {
    let root: Json = serde_json::from_str(text).map_err(|e| {
        let offset = text
            .lines()
            .take(e.line().saturating_sub(1))
            .map(|l| l.len() + 1)
            .sum::<usize>()
            + e.column().saturating_sub(1);
        vec![
            Diagnostic::error(Code::BadInputFile, format!("not valid JSON: {e}"))
                .at(
                    Span::new(offset.min(text.len()), offset.min(text.len())),
                    "here",
                )
                .help("check the brackets, commas and quotes around this point"),
        ]
    })?;
    let top = Path(String::new());
    let Some(obj) = root.as_object() else {
        return Err(vec![json_error(
            &Path("(top)".into()),
            "a scenario is a JSON object".into(),
            "see docs/scenarios.md",
        )]);
    };
    let mut errors = Vec::new();
    let mut values = ValueReader::new(program);
    for key in obj.keys() {
        if !["name", "parameters", "members", "steps"].contains(&key.as_str()) {
            errors.push(json_error(
                &top.key(key),
                "unknown field".into(),
                "the fields are name, parameters, members and steps",
            ));
        }
    }
    let name = obj
        .get("name")
        .and_then(Json::as_str)
        .unwrap_or("scenario")
        .to_string();

    let mut params = program.default_params();
    if let Some(ps) = obj.get("parameters") {
        let path = top.key("parameters");
        match ps.as_object() {
            Some(map) => {
                for (p, v) in parameter_values(program, &mut values, map, &path, &mut errors) {
                    params[p] = v;
                }
            }
            None => errors.push(json_error(
                &path,
                "parameters are an object of names and values".into(),
                "write {\"markup\": \"12.5%\"}",
            )),
        }
    }

    let mut members = MemberTable {
        names: Vec::new(),
        columns: program.member_attrs.iter().map(|_| Vec::new()).collect(),
    };
    let mut seen: HashSet<String> = HashSet::new();
    if let Some(list) = obj.get("members") {
        let path = top.key("members");
        for (i, m) in list
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let mpath = path.at(i);
            let Some(fields) = m.as_object() else {
                errors.push(json_error(
                    &mpath,
                    "a member is an object".into(),
                    "write {\"name\": \"ada\", \"age\": 30}",
                ));
                continue;
            };
            let Some(name) = fields.get("name").and_then(Json::as_str) else {
                errors.push(json_error(
                    &mpath,
                    "a member needs a \"name\"".into(),
                    "write {\"name\": \"ada\", ...}",
                ));
                continue;
            };
            if !seen.insert(name.to_string()) {
                errors.push(json_error(
                    &mpath,
                    format!("`{name}` is listed twice"),
                    "each person appears once",
                ));
                continue;
            }
            let mut row: Vec<Option<Value>> = program
                .member_attrs
                .iter()
                .map(|a| a.default.clone())
                .collect();
            for (k, v) in fields {
                if k == "name" {
                    continue;
                }
                match program.member_attr_id(k) {
                    Some(a) => match json_value(
                        &mut values,
                        v,
                        program.member_attrs[a].ty,
                        k,
                        &mpath.key(k),
                        true,
                    ) {
                        Ok(v) => row[a] = Some(v),
                        Err(d) => errors.push(d),
                    },
                    None => errors.push(json_error(
                        &mpath.key(k),
                        format!("members have no attribute `{k}`"),
                        "name one of the member schema's attributes",
                    )),
                }
            }
            members.names.push(name.to_string());
            for (column, v) in members.columns.iter_mut().zip(row) {
                column.push(v);
            }
        }
    }

    let mut steps = Vec::new();
    let steps_path = top.key("steps");
    let mut last: Option<time::Date> = None;
    for (i, s) in obj
        .get("steps")
        .and_then(Json::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let path = steps_path.at(i);
        let Some(fields) = s.as_object() else {
            errors.push(json_error(
                &path,
                "a step is an object".into(),
                "write {\"date\": \"2026-01-01\", \"act\": \"join\", \"args\": [\"ada\"]}",
            ));
            continue;
        };
        let when = match fields.get("date").map(|d| date(d, &path.key("date"))) {
            Some(Ok(d)) => d,
            Some(Err(e)) => {
                errors.push(e);
                continue;
            }
            None => {
                errors.push(json_error(
                    &path,
                    "a step needs a \"date\"".into(),
                    "write \"date\": \"YYYY-MM-DD\"",
                ));
                continue;
            }
        };
        if let Some(previous) = last {
            if when < previous {
                errors.push(json_error(
                    &path.key("date"),
                    format!(
                        "this step is dated before the one above it ({})",
                        crate::value::format_date(previous)
                    ),
                    "list the steps in date order",
                ));
            }
        }
        last = Some(when);
        let kind = if let Some(act_name) = fields.get("act") {
            let act_name = act_name.as_str().unwrap_or("");
            let Some(act) = program.acts.iter().position(|a| a.name == act_name) else {
                let help =
                    crate::check::nearest(act_name, program.acts.iter().map(|a| a.name.as_str()))
                        .map(|n| format!("did you mean `{n}`?"))
                        .unwrap_or_else(|| "name one of the rulebook's acts".into());
                errors.push(json_error(
                    &path.key("act"),
                    format!("there is no act `{act_name}`"),
                    &help,
                ));
                continue;
            };
            let def = &program.acts[act];
            let args_json = fields
                .get("args")
                .and_then(Json::as_array)
                .cloned()
                .unwrap_or_default();
            if args_json.len() != def.params.len() {
                errors.push(json_error(
                    &path.key("args"),
                    format!(
                        "the act `{}` takes {} argument(s), not {}",
                        def.name,
                        def.params.len(),
                        args_json.len()
                    ),
                    &format!(
                        "give {}",
                        def.params
                            .iter()
                            .map(|(n, _)| n.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
                continue;
            }
            let mut args = Vec::new();
            for (j, ((pname, ty), a)) in def.params.iter().zip(&args_json).enumerate() {
                let apath = path.key("args").at(j);
                if *ty == Type::Member {
                    match a.as_str() {
                        Some(n) => args.push(StepArg::Member(n.to_string(), Span::default())),
                        None => errors.push(json_error(
                            &apath,
                            format!("`{pname}` is a member: give a name"),
                            "write the member's name, such as \"ada\"",
                        )),
                    }
                } else {
                    match json_value(&mut values, a, *ty, pname, &apath, false) {
                        Ok(v) => args.push(StepArg::Value(v)),
                        Err(d) => errors.push(d),
                    }
                }
            }
            StepDefKind::Act { act, args }
        } else if let Some(resolution) = fields.get("motion") {
            let r_name = resolution.as_str().unwrap_or("");
            let Some(resolution) = program.resolutions.iter().position(|r| r.name == r_name) else {
                errors.push(json_error(
                    &path.key("motion"),
                    format!("there is no resolution `{r_name}`"),
                    "name one of the rulebook's resolutions",
                ));
                continue;
            };
            let amendments = match fields.get("amend").and_then(Json::as_object) {
                Some(map) => {
                    parameter_values(program, &mut values, map, &path.key("amend"), &mut errors)
                }
                None => Vec::new(),
            };
            StepDefKind::Motion {
                resolution,
                title: fields
                    .get("title")
                    .and_then(Json::as_str)
                    .map(str::to_string),
                for_: names(fields.get("for"), &path.key("for"), &mut errors),
                against: names(fields.get("against"), &path.key("against"), &mut errors),
                abstain: names(fields.get("abstain"), &path.key("abstain"), &mut errors),
                amendments,
            }
        } else if let Some(close) = fields.get("close") {
            let figures = match close.as_object() {
                Some(map) => named_values(
                    &mut values,
                    map,
                    &path.key("close"),
                    &mut errors,
                    |k| {
                        let f = program.period_fields.iter().position(|f| f.name == k)?;
                        Some((f, program.period_fields[f].ty))
                    },
                    true,
                    (
                        "the period has no figure",
                        "name one of the period's figures",
                    ),
                ),
                None => Vec::new(),
            };
            StepDefKind::Close { figures }
        } else {
            errors.push(json_error(
                &path,
                "a step has an \"act\", a \"motion\" or a \"close\"".into(),
                "see docs/scenarios.md",
            ));
            continue;
        };
        steps.push(StepDef {
            date: when,
            span: Span::default(),
            place: path.0.clone(),
            kind,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((
        ScenarioDef {
            name,
            span: Span::default(),
            member_names: Vec::new(),
            members: program.member_attrs.iter().map(|_| Vec::new()).collect(),
            members_file: None,
            params,
            steps,
        },
        members,
    ))
}

/// Why a member list could not be read: the file (for rendering) and the problems.
#[derive(Debug, Clone)]
pub struct InputError {
    /// The file the spans point into.
    pub file: crate::span::SourceFile,
    /// The problems.
    pub diagnostics: Vec<Diagnostic>,
    /// The problem is in what was asked (a scenario that is not there, a
    /// file that cannot be read) rather than in the figures given.
    pub in_request: bool,
}

/// Reads the CSV member list at `path` into `members`.
pub fn add_members_file(
    program: &Program,
    path: &std::path::Path,
    members: &mut MemberTable,
) -> Result<(), InputError> {
    let dir = path.parent().unwrap_or(std::path::Path::new(""));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let file = crate::files::Files::Dir(dir)
        .read(name)
        .map_err(|d| InputError {
            file: crate::span::SourceFile::new(path.display().to_string(), ""),
            diagnostics: vec![d],
            in_request: true,
        })?;
    add_members_text(program, &file, members)
}

/// Reads a CSV member list, given as text, into `members`.
pub fn add_members_text(
    program: &Program,
    file: &crate::span::SourceFile,
    members: &mut MemberTable,
) -> Result<(), InputError> {
    let table = read_csv(program, &file.text).map_err(|diagnostics| InputError {
        file: file.clone(),
        diagnostics,
        in_request: false,
    })?;
    members
        .extend(table, &file.name)
        .map_err(|diagnostics| InputError {
            file: file.clone(),
            diagnostics,
            in_request: false,
        })
}

/// The people of a scenario written in a rulebook: its own members, and
/// those of its `members from` file, found beside the rulebook in `base`.
pub fn scenario_members(
    program: &Program,
    scenario: &ScenarioDef,
    base: &std::path::Path,
) -> Result<MemberTable, InputError> {
    scenario_members_in(program, scenario, crate::files::Files::Dir(base))
}

/// The people of a scenario written in a rulebook, its `members from` file
/// read from `files`.
pub fn scenario_members_in(
    program: &Program,
    scenario: &ScenarioDef,
    files: crate::files::Files,
) -> Result<MemberTable, InputError> {
    let mut members = MemberTable::inline(scenario);
    if let Some((name, _)) = &scenario.members_file {
        let file = files.read(name).map_err(|d| InputError {
            file: crate::span::SourceFile::new(name.clone(), ""),
            diagnostics: vec![d],
            in_request: true,
        })?;
        add_members_text(program, &file, &mut members)?;
    }
    Ok(members)
}

/// The rulebook's scenario called `name`, or its only one when no name is
/// given; otherwise a diagnostic that lists the scenarios there are.
pub fn choose_scenario<'p>(
    program: &'p Program,
    name: Option<&str>,
) -> Result<&'p ScenarioDef, Diagnostic> {
    let chosen = match name {
        Some(name) => program.scenarios.iter().find(|s| s.name == name),
        None if program.scenarios.len() == 1 => program.scenarios.first(),
        None => None,
    };
    if let Some(def) = chosen {
        return Ok(def);
    }
    let names: Vec<String> = program
        .scenarios
        .iter()
        .map(|s| format!("\"{}\"", s.name))
        .collect();
    let help = match (name, names.is_empty()) {
        (_, true) => "the rulebook has no scenario; write one with `scenario \"name\" { ... }` or give --scenario-file".to_string(),
        (Some(n), false) => crate::check::nearest(n, program.scenarios.iter().map(|s| s.name.as_str()))
            .map(|m| format!("did you mean \"{m}\"?"))
            .unwrap_or_else(|| format!("the scenarios are {}", names.join(", "))),
        (None, false) => format!("choose one with --scenario: {}", names.join(", ")),
    };
    let message = match name {
        Some(n) => format!("the rulebook has no scenario \"{n}\""),
        None => "which scenario?".to_string(),
    };
    Err(Diagnostic::error(Code::UnknownName, message).help(help))
}

/// Which scenario to run.
#[derive(Debug, Clone, Copy, Default)]
pub enum ScenarioChoice<'a> {
    /// The rulebook's only scenario.
    #[default]
    Rulebook,
    /// The rulebook's scenario of this name.
    Named(&'a str),
    /// A scenario in JSON (see docs/scenarios.md).
    Json(&'a crate::span::SourceFile),
    /// None: only examples are run.
    None,
}

/// The scenario and its people, as asked: a scenario of the rulebook (its
/// `members from` file read from `files`) or one in JSON, and further
/// members as CSV. `None` when no scenario is asked for.
pub fn prepare(
    program: &Program,
    rulebook: &crate::span::SourceFile,
    files: crate::files::Files,
    scenario: ScenarioChoice,
    members_csv: Option<&crate::span::SourceFile>,
) -> Result<Option<(ScenarioDef, MemberTable)>, InputError> {
    let fail = |file: &crate::span::SourceFile, diagnostics| InputError {
        file: file.clone(),
        diagnostics,
        in_request: false,
    };
    let (def, mut members) = match scenario {
        ScenarioChoice::None => return Ok(None),
        ScenarioChoice::Json(json) => {
            read_json(program, &json.text).map_err(|ds| fail(json, ds))?
        }
        ScenarioChoice::Rulebook | ScenarioChoice::Named(_) => {
            let name = match scenario {
                ScenarioChoice::Named(name) => Some(name),
                _ => None,
            };
            let def = choose_scenario(program, name).map_err(|d| InputError {
                file: rulebook.clone(),
                diagnostics: vec![d],
                in_request: true,
            })?;
            (def.clone(), scenario_members_in(program, def, files)?)
        }
    };
    if let Some(csv) = members_csv {
        add_members_text(program, csv, &mut members)?;
    }
    let too_large = size_diagnostics(members.names.len(), def.steps.len());
    if !too_large.is_empty() {
        let file = members_csv.cloned().unwrap_or_else(|| rulebook.clone());
        return Err(InputError {
            file,
            diagnostics: too_large,
            in_request: true,
        });
    }
    Ok(Some((def, members)))
}

/// The most people a simulation holds. A simulation keeps every member's
/// statement and journal (about 10 KB a member), so this bounds it to a
/// few gigabytes; a year-end run over more members is a batch
/// ([`crate::batch`]), which holds up to [`crate::batch::MAX_BATCH_MEMBERS`].
pub const MAX_SIMULATION_MEMBERS: usize = 1_000_000;

/// The most steps a scenario's timeline holds.
pub const MAX_SCENARIO_STEPS: usize = 1_000_000;

/// Diagnostics for a simulation of `members` people and `steps` steps that
/// is beyond [`MAX_SIMULATION_MEMBERS`] or [`MAX_SCENARIO_STEPS`] (none if
/// it is within both).
pub fn size_diagnostics(members: usize, steps: usize) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if members > MAX_SIMULATION_MEMBERS {
        out.push(
            Diagnostic::error(
                Code::TooLarge,
                format!(
                    "the simulation has {members} people; it holds at most {MAX_SIMULATION_MEMBERS}"
                ),
            )
            .help("for a year-end run over more members use a batch (rochdale::batch), or split the member list"),
        );
    }
    if steps > MAX_SCENARIO_STEPS {
        out.push(
            Diagnostic::error(
                Code::TooLarge,
                format!("the scenario has {steps} steps; a timeline holds at most {MAX_SCENARIO_STEPS}"),
            )
            .help("split the timeline into several scenarios, one per period, or use `for each member` acts instead of one step per member"),
        );
    }
    out
}

/// A scenario written as JSON (the format [`read_json`] reads, described in
/// docs/scenarios.md), with every person of `members`: how a scenario of a
/// rulebook, its members file included, is handed to an editor.
pub fn scenario_to_json(
    program: &Program,
    scenario: &ScenarioDef,
    members: &MemberTable,
) -> serde_json::Value {
    use crate::value::literal;
    use serde_json::{Map, Value as Json};
    let text = |v: &Value, ty| Json::String(literal(v, ty, program, &members.names));
    let mut parameters = Map::new();
    for (p, value) in program.params.iter().zip(&scenario.params) {
        if *value != p.value {
            parameters.insert(p.name.clone(), text(value, p.ty));
        }
    }
    let people: Vec<Json> = members
        .names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut person = Map::new();
            person.insert("name".into(), Json::String(name.clone()));
            for (a, attr) in program.member_attrs.iter().enumerate() {
                let given = members
                    .columns
                    .get(a)
                    .and_then(|c| c.get(i))
                    .cloned()
                    .flatten();
                if let Some(v) = given {
                    person.insert(attr.name.clone(), text(&v, attr.ty));
                }
            }
            Json::Object(person)
        })
        .collect();
    let names = |list: &[(String, crate::span::Span)]| {
        Json::Array(list.iter().map(|(n, _)| Json::String(n.clone())).collect())
    };
    let steps: Vec<Json> = scenario
        .steps
        .iter()
        .map(|step| {
            let mut out = Map::new();
            out.insert(
                "date".into(),
                Json::String(crate::value::format_date(step.date)),
            );
            match &step.kind {
                StepDefKind::Act { act, args } => {
                    let def = &program.acts[*act];
                    out.insert("act".into(), Json::String(def.name.clone()));
                    let args: Vec<Json> = args
                        .iter()
                        .zip(&def.params)
                        .map(|(arg, (_, ty))| match arg {
                            crate::program::StepArg::Member(name, _) => Json::String(name.clone()),
                            crate::program::StepArg::Value(v) => text(v, *ty),
                        })
                        .collect();
                    out.insert("args".into(), Json::Array(args));
                }
                StepDefKind::Motion {
                    resolution,
                    title,
                    for_,
                    against,
                    abstain,
                    amendments,
                } => {
                    out.insert(
                        "motion".into(),
                        Json::String(program.resolutions[*resolution].name.clone()),
                    );
                    if let Some(t) = title {
                        out.insert("title".into(), Json::String(t.clone()));
                    }
                    out.insert("for".into(), names(for_));
                    out.insert("against".into(), names(against));
                    out.insert("abstain".into(), names(abstain));
                    let mut amend = Map::new();
                    for (p, v) in amendments {
                        amend.insert(
                            program.params[*p].name.clone(),
                            text(v, program.params[*p].ty),
                        );
                    }
                    out.insert("amend".into(), Json::Object(amend));
                }
                StepDefKind::Close { figures } => {
                    if figures.is_empty() {
                        out.insert("close".into(), Json::Bool(true));
                    } else {
                        let mut given = Map::new();
                        for (f, v) in figures {
                            let field = &program.period_fields[*f];
                            given.insert(field.name.clone(), text(v, field.ty));
                        }
                        out.insert("close".into(), Json::Object(given));
                    }
                }
            }
            Json::Object(out)
        })
        .collect();
    let mut out = Map::new();
    out.insert("name".into(), Json::String(scenario.name.clone()));
    if !parameters.is_empty() {
        out.insert("parameters".into(), Json::Object(parameters));
    }
    out.insert("members".into(), Json::Array(people));
    out.insert("steps".into(), Json::Array(steps));
    Json::Object(out)
}
