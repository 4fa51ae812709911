//! `rochdale lsp` spoken to as an editor speaks to it: the built binary,
//! JSON-RPC with Content-Length framing over its standard input and
//! output. Every answer is checked against rulebooks/rochdale-1844.coop as
//! it is written: lines and columns (0-based, UTF-16 units, as the
//! protocol counts) were counted by hand from the file.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::{Value, json};

const ROCHDALE: &str = include_str!("../rulebooks/rochdale-1844.coop");
const URI: &str = "file:///rulebooks/rochdale-1844.coop";

/// A running server and the messages it has sent.
struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rochdale"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its answer (notifications in between
    /// are dropped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next();
            if message["id"] == json!(id) && message.get("method").is_none() {
                assert!(message.get("error").is_none(), "{method} failed: {message}");
                return message["result"].clone();
            }
        }
    }

    /// The next diagnostics published.
    fn diagnostics(&mut self) -> Value {
        loop {
            let message = self.next();
            if message["method"] == "textDocument/publishDiagnostics" {
                return message["params"].clone();
            }
        }
    }

    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers within 30 s")
    }
}

/// One message: `Content-Length: N` and a blank line, then N bytes of JSON.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn at(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

/// The line (from 0) of the one line of the 1844 rulebook that starts with
/// `start`: positions below follow the rulebook when it is edited.
fn line_of(start: &str) -> u32 {
    let found: Vec<usize> = ROCHDALE
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with(start))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(found.len(), 1, "one line starts with {start:?}");
    u32::try_from(found[0]).expect("a line number")
}

fn range(line: u32, start: u32, end: u32) -> Value {
    json!({"start": at(line, start), "end": at(line, end)})
}

fn position(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": at(line, character)})
}

/// `rochdale fmt -` of `text`, by the command line.
fn fmt_by_cli(text: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rochdale"))
        .args(["fmt", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("fmt starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("fmt ends");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn an_editor_session_over_stdio() {
    let mut server = Server::start();

    // --- initialize: what the server offers.
    let init = server.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    let caps = &init["capabilities"];
    for offered in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "documentFormattingProvider",
        "documentSymbolProvider",
    ] {
        assert_eq!(caps[offered], json!(true), "{offered}");
    }
    assert_eq!(caps["textDocumentSync"], json!(2), "incremental");
    assert_eq!(
        caps["completionProvider"]["triggerCharacters"],
        json!(["."])
    );
    server.notify("initialized", json!({}));

    // --- didOpen: the rulebook checks, so nothing is published but an
    // empty list.
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "rochdale", "version": 1, "text": ROCHDALE}}),
    );
    let published = server.diagnostics();
    assert_eq!(published["uri"], URI);
    assert_eq!(published["diagnostics"], json!([]));

    // --- didChange, an error introduced: ` + nonesuch` typed after the
    // `£0` of the line `    requires amount > £0 because` (act subscribe).
    // `£` is one UTF-16 unit (two bytes): `£0` ends at column 24.
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2},
               "contentChanges": [{"range": range(line_of("    requires amount > £0 because"), 24, 24), "text": " + nonesuch"}]}),
    );
    let published = server.diagnostics();
    assert_eq!(published["version"], 2);
    let diagnostics = published["diagnostics"].as_array().expect("a list");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "E0200");
    assert_eq!(d["severity"], 1, "an error");
    // `    requires amount > £0 + ` is 27 units: `nonesuch` is 27..35 (a
    // count in bytes would say 28..36).
    assert_eq!(
        d["range"],
        range(line_of("    requires amount > £0 because"), 27, 35)
    );
    assert_eq!(
        d["message"],
        "unknown name `nonesuch` (not defined)\nhelp: define it as a parameter or a rule, or check the spelling"
    );

    // --- didChange, fixed: the whole text again, and no diagnostics.
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3},
               "contentChanges": [{"text": ROCHDALE}]}),
    );
    let published = server.diagnostics();
    assert_eq!(published["version"], 3);
    assert_eq!(published["diagnostics"], json!([]));

    // --- hover on `markup` in article 7's rule `price` (columns 56..62):
    // its type and value, and the article's text and source.
    let hover = server.request(
        "textDocument/hover",
        position(
            URI,
            line_of("  rule price(cost: Money): Money = round("),
            58,
        ),
    );
    assert_eq!(
        hover["range"],
        range(line_of("  rule price(cost: Money): Money = round("), 56, 62)
    );
    let text = hover["contents"]["value"].as_str().expect("markdown");
    assert!(
        text.starts_with("parameter `markup`: Percent = 10%"),
        "{text}"
    );
    assert!(
        text.contains("**Article 7 \"Provisional prices\"**"),
        "{text}"
    );
    assert!(
        text.contains("> Goods shall be sold at the ordinary prices of the shops, being the cost with a markup, rounded to the penny."),
        "{text}"
    );
    assert!(
        text.contains(
            "Source: Encyclopaedia Britannica (1911), Co-operation; the markup is illustrative"
        ),
        "{text}"
    );
    // A rule: its parameters and result.
    let hover = server.request(
        "textDocument/hover",
        position(URI, line_of("  rule price(cost: Money): Money = round("), 8),
    );
    let text = hover["contents"]["value"].as_str().expect("markdown");
    assert!(
        text.starts_with("rule `price`(cost: Money in GBP): Money in GBP"),
        "{text}"
    );

    // --- definition of `minimum_holding` from act join (column 32):
    // `rule minimum_holding` of article 3, columns 7..22.
    let found = server.request(
        "textDocument/definition",
        position(
            URI,
            line_of("      and m.shares + payment >= minimum_holding because"),
            40,
        ),
    );
    assert_eq!(
        found,
        json!([{"uri": URI, "range": range(line_of("  rule minimum_holding: Money = share_value * minimum_shares"), 7, 22)}])
    );

    // --- references: the rule and its four uses, in article 3's
    // `eligible`, acts `join` and `withdraw`, and example "admission".
    let mut params = position(
        URI,
        line_of("      and m.shares + payment >= minimum_holding because"),
        40,
    );
    params["context"] = json!({"includeDeclaration": true});
    let found = server.request("textDocument/references", params);
    let ranges: Vec<Value> = found
        .as_array()
        .expect("a list")
        .iter()
        .map(|l| l["range"].clone())
        .collect();
    assert_eq!(
        ranges,
        [
            range(
                line_of("  rule minimum_holding: Money = share_value * minimum_shares"),
                7,
                22
            ),
            range(
                line_of("    and m.shares >= minimum_holding because"),
                20,
                35
            ),
            range(
                line_of("      and m.shares + payment >= minimum_holding because"),
                32,
                47
            ),
            range(
                line_of("      and m.shares - amount >= minimum_holding because"),
                31,
                46
            ),
            range(line_of("  expect minimum_holding = £4.00"), 9, 24),
        ]
    );

    // --- rename `markup` to `mark_up`: its declaration, its use in
    // `price`, example "a higher markup" and the scenario's amendment;
    // the word in the legal text, the example's name and the comments
    // are prose and stay.
    let mut params = position(URI, line_of("  parameter markup: Percent = 10%"), 14);
    params["newName"] = json!("mark_up");
    let edit = server.request("textDocument/rename", params);
    let edits = edit["changes"][URI].as_array().expect("edits").clone();
    let edits: Vec<(Value, &str)> = edits
        .iter()
        .map(|e| (e["range"].clone(), e["newText"].as_str().expect("text")))
        .collect();
    assert_eq!(
        edits,
        [
            (
                range(line_of("  parameter markup: Percent = 10%"), 12, 18),
                "mark_up"
            ),
            (
                range(line_of("  rule price(cost: Money): Money = round("), 56, 62),
                "mark_up"
            ),
            (
                range(line_of("  parameter markup = 12.5%"), 12, 18),
                "mark_up"
            ),
            (
                range(line_of("  } amend markup = 12.5%"), 10, 16),
                "mark_up"
            ),
        ]
    );

    // --- completion after `m.` (in `    m.age`, the cursor after the
    // dot): the rulebook's member attributes, in order.
    let items = server.request(
        "textDocument/completion",
        position(URI, line_of("    m.age >= minimum_age because"), 6),
    );
    let labels: Vec<&str> = items
        .as_array()
        .expect("a list")
        .iter()
        .map(|i| i["label"].as_str().expect("label"))
        .collect();
    assert_eq!(
        labels,
        [
            "age",
            "shares",
            "purchases",
            "quarterly_cost",
            "notice_given"
        ]
    );

    // --- code lenses: one on each of the seventeen examples; running one.
    let lenses = server.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": URI}}),
    );
    let lenses = lenses.as_array().expect("a list");
    assert_eq!(lenses.len(), 17);
    assert_eq!(
        lenses[2]["command"]["arguments"],
        json!([URI, "provisional prices"])
    );
    let outcome = server.request(
        "workspace/executeCommand",
        json!({"command": "rochdale.runExample", "arguments": [URI, "provisional prices"]}),
    );
    assert_eq!(outcome, "passed");
    // Asked again, the lens shows the outcome.
    let lenses = server.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": URI}}),
    );
    assert_eq!(lenses[2]["command"]["title"], "▶ run example: passed");
    assert_eq!(lenses[0]["command"]["title"], "▶ run example");

    // --- the outline: the member and period blocks, then article 1 with
    // its parameter and article 3 with its two parameters and two rules.
    let outline = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    let names = |symbols: &Value| -> Vec<String> {
        symbols
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| s["name"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        names(&outline)[..4],
        [
            "member",
            "period",
            "Article 1 \"Capital\"",
            "Article 3 \"Admission\""
        ]
    );
    assert_eq!(names(&outline[2]["children"]), ["share_value"]);
    assert_eq!(
        names(&outline[3]["children"]),
        [
            "minimum_age",
            "minimum_shares",
            "minimum_holding",
            "eligible"
        ]
    );
    // Article 3 runs from its heading to its closing brace, the first `}`
    // after it.
    let article3 = line_of("article 3 \"Admission\" {");
    let closing = ROCHDALE
        .lines()
        .skip(article3 as usize)
        .position(|l| l == "}")
        .expect("a closing brace") as u32;
    assert_eq!(outline[3]["range"]["start"], at(article3, 0));
    assert_eq!(outline[3]["range"]["end"], at(article3 + closing, 1));

    // --- formatting: a text out of the canonical layout gets exactly
    // what `rochdale fmt` writes.
    let untidy =
        "rulebook \"Tiny\"   currency GBP\nparameter  fee : Money=£5\nrule  double:Money = fee*2\n";
    let tidy_uri = "file:///tiny.coop";
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": tidy_uri, "languageId": "rochdale", "version": 1, "text": untidy}}),
    );
    assert_eq!(server.diagnostics()["diagnostics"], json!([]));
    let edits = server.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": tidy_uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let expected = fmt_by_cli(untidy);
    assert_ne!(expected, untidy, "the text was out of the layout");
    // The one edit replaces the whole text: three lines and the end.
    let whole = json!({"start": at(0, 0), "end": at(3, 0)});
    assert_eq!(edits, json!([{"range": whole, "newText": expected}]));

    // --- shutdown, exit: the process ends with status 0.
    assert_eq!(server.request("shutdown", Value::Null), Value::Null);
    server.notify("exit", Value::Null);
    let status = server.child.wait().expect("the server ends");
    assert!(status.success(), "exit status {status}");
}
