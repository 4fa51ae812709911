//! `rochdale serve` and `rochdale replay`, end to end: the built binary is
//! started on 127.0.0.1 (port 0; it prints the address it bound), and real
//! HTTP requests are sent to it. Figures are worked by hand from
//! rulebooks/rochdale-1844.coop (a markup of 10%, shares of £1, a minimum
//! of 4 shares, a minimum age of 16).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const RULEBOOK: &str = include_str!("../rulebooks/rochdale-1844.coop");
const BOOK: &str = "rochdale-1844";

/// A server started for one test, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(dir: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rochdale"))
            .arg("serve")
            .arg("--rulebooks")
            .arg(dir)
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the server prints its address");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("not an address: {line:?}"))
            .to_string();
        Server { child, addr }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// SIGTERM, and the exit status.
    fn terminate(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the server did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .new_agent()
}

fn answer(mut response: ureq::http::Response<ureq::Body>) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(100 * 1024 * 1024)
        .read_to_string()
        .expect("a body");
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, value)
}

fn post(server: &Server, path: &str, body: &str) -> (u16, Value) {
    let response = agent()
        .post(server.url(path))
        .header("content-type", "application/json")
        .send(body)
        .expect("the server answers");
    answer(response)
}

fn get(server: &Server, path: &str) -> (u16, Value) {
    answer(
        agent()
            .get(server.url(path))
            .call()
            .expect("the server answers"),
    )
}

fn evaluate(server: &Server, body: Value) -> (u16, Value) {
    post(
        server,
        &format!("/rulebooks/{BOOK}/evaluate"),
        &body.to_string(),
    )
}

fn price(server: &Server, cost: &str) -> String {
    let (status, v) = evaluate(server, json!({"rule": "price", "args": [cost]}));
    assert_eq!(status, 200, "{v}");
    v["value"]["display"].as_str().expect("display").to_string()
}

/// A fresh folder with a copy of the rulebook and its founders' register.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rochdale-serve-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    std::fs::write(dir.join("rochdale-1844.coop"), RULEBOOK).expect("written");
    std::fs::copy(
        "rulebooks/rochdale-1844-founders.csv",
        dir.join("rochdale-1844-founders.csv"),
    )
    .expect("copied");
    dir
}

/// Writes a rulebook so that its modification time surely moves on.
fn rewrite(path: &Path, text: &str) {
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(path, text).expect("written");
}

fn with_markup(percent: &str) -> String {
    let changed = RULEBOOK.replace(
        "parameter markup: Percent = 10%",
        &format!("parameter markup: Percent = {percent}"),
    );
    assert_ne!(changed, RULEBOOK, "the rulebook's markup line moved");
    changed
}

/// Polls until `done` holds, for at most 10 s (the server looks every second).
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(10), "never: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn hash_of(text: &str) -> String {
    rochdale::check_source(text)
        .program
        .expect("the rulebook checks")
        .provenance
        .hash
}

#[test]
fn answers_every_endpoint_with_figures_worked_by_hand() {
    let server = Server::start(Path::new("rulebooks"), &[]);

    let (status, list) = get(&server, "/rulebooks");
    assert_eq!(status, 200);
    let book = list["rulebooks"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|b| b["name"] == BOOK)
        .expect("the 1844 rulebook is served");
    assert_eq!(book["provenance"]["version"], "1844.5");
    assert_eq!(
        book["provenance"]["rulebook"],
        "Rochdale Society of Equitable Pioneers"
    );
    assert_eq!(book["provenance"]["hash"], hash_of(RULEBOOK).as_str());
    let served = std::fs::read_dir("rulebooks")
        .expect("rulebooks/")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "coop"))
        })
        .count();
    assert_eq!(list["rulebooks"].as_array().map(Vec::len), Some(served));

    // £1.15 × 110% = £1.265, half up to the penny: £1.27; £2.50 × 110% = £2.75.
    assert_eq!(price(&server, "£1.15"), "£1.27");
    let (_, v) = evaluate(&server, json!({"rule": "price", "args": ["£2.50"]}));
    assert_eq!(
        v["value"],
        json!({"type": "Money in GBP", "value": "2.75", "display": "£2.75"})
    );
    assert_eq!(v["provenance"]["hash"], hash_of(RULEBOOK).as_str());
    // With a markup of 12.5%: £2.50 × 112.5% = £2.8125, to the penny £2.81.
    let (_, v) = evaluate(
        &server,
        json!({"rule": "price", "args": ["£2.50"], "parameters": {"markup": "12.5%"}}),
    );
    assert_eq!(v["value"]["display"], "£2.81");

    // Eligibility: 30 and £5.00 (at least 4 shares of £1) is in; 15 and
    // £3.00 fails both clauses, each with its reason and numbers.
    let (status, v) = evaluate(
        &server,
        json!({"rule": "eligible", "args": ["ada"],
               "members": [{"name": "ada", "age": 30, "shares": "£5.00"}]}),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["value"]["value"], "true");
    assert_eq!(v["reasons"], json!([]));
    let (_, v) = evaluate(
        &server,
        json!({"rule": "eligible", "args": ["dan"],
               "members": [{"name": "ada", "age": 40}, {"name": "dan", "age": 15, "shares": "£3.00"}]}),
    );
    assert_eq!(v["value"]["value"], "false");
    let sentences: Vec<&str> = v["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r["sentence"].as_str().expect("a sentence"))
        .collect();
    assert_eq!(
        sentences,
        [
            "members must be 16 or over (article 3): 15 < 16",
            "members must hold the minimum shareholding (article 3): £3.00 < £4.00",
        ]
    );

    // Decisions: joining with £4.00 books it to the member's capital; with
    // £2.00 it is refused (£2.00 < 4 × £1.00); a purchase after joining
    // books the price (£2.75) to sales.
    let decide = |body: Value| {
        post(
            &server,
            &format!("/rulebooks/{BOOK}/decide"),
            &body.to_string(),
        )
    };
    let (status, v) = decide(
        json!({"act": "join", "args": ["ada", "£4.00"], "date": "1845-01-01",
                                     "members": [{"name": "ada", "age": 30}]}),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "done");
    assert_eq!(v["act"], "join(ada, £4.00)");
    assert_eq!(
        v["books"],
        json!([{"debit": "cash", "credit": "ada: capital",
                "amount": {"type": "Money in GBP", "value": "4.00", "display": "£4.00"}}])
    );
    let (_, v) = decide(
        json!({"act": "join", "args": ["ada", "£2.00"], "date": "1845-01-01",
                                "members": [{"name": "ada", "age": 30}]}),
    );
    assert_eq!(v["status"], "refused");
    assert_eq!(
        v["reasons"],
        json!(["members must hold the minimum shareholding (article 13): £2.00 < £4.00"])
    );
    assert_eq!(v["books"], json!([]));
    let (_, v) = decide(
        json!({"act": "purchase", "args": ["ada", "£2.50"], "date": "1845-02-01",
                                "members": [{"name": "ada", "age": 30}],
                                "before": [{"date": "1845-01-01", "act": "join", "args": ["ada", "£4.00"]}]}),
    );
    assert_eq!(v["status"], "done", "{v}");
    assert_eq!(v["books"][0]["credit"], "sales");
    assert_eq!(v["books"][0]["amount"]["display"], "£2.75");

    // check and test: the rulebook checks, and all its examples pass.
    let (status, v) = post(&server, &format!("/rulebooks/{BOOK}/check"), "");
    assert_eq!(status, 200);
    assert_eq!(v["files"][0]["ok"], true);
    let (_, v) = post(&server, &format!("/rulebooks/{BOOK}/test"), "{}");
    let examples = RULEBOOK
        .lines()
        .filter(|l| l.starts_with("example \""))
        .count();
    assert_eq!(v["passed"], examples);
    assert_eq!(v["failed"], 0);

    // The first year, as the rulebook's comment works it: surpluses of
    // £6.40, £6.40, £10.60 and £10.60, a tenth to reserve (£0.64 + £0.64 +
    // £1.06 + £1.06 = £3.40) and 2.5% to education (£0.16 + £0.16 + £0.26
    // + £0.26 = £0.84, each quarter rounded down);
    // cash £116.00 + £730.00 - £696.00 = £150.00 (a debit balance, so
    // -£150.00 where credit balances are positive). The founders come from
    // the register beside the rulebook.
    let (status, v) = post(
        &server,
        &format!("/rulebooks/{BOOK}/simulate"),
        r#"{"scenario": "first year", "summary": true}"#,
    );
    assert_eq!(status, 200, "{v}");
    let fund = |name: &str| {
        v["funds"]
            .as_array()
            .expect("funds")
            .iter()
            .find(|f| f["name"] == name)
            .map(|f| f["value"]["value"].clone())
    };
    assert_eq!(fund("reserve fund"), Some(json!("3.40")));
    assert_eq!(fund("education fund"), Some(json!("0.84")));
    assert_eq!(fund("cash"), Some(json!("-150.00")));

    // explain: dan of the admission example is not eligible.
    let (status, v) = post(
        &server,
        &format!("/rulebooks/{BOOK}/explain"),
        r#"{"example": "admission", "value": "eligible(dan)"}"#,
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["expression"], "eligible(dan)");
    assert_eq!(v["value"]["value"], "false");

    // diff: the served version against a markup of 12.5%; price(£1.15)
    // goes from £1.27 to £1.29 (£1.15 × 112.5% = £1.29375).
    let new = with_markup("12.5%");
    let (status, v) = post(
        &server,
        "/diff",
        &json!({"rulebook": BOOK, "new": new, "examples_only": true}).to_string(),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["new"]["hash"], hash_of(&new).as_str());
    assert_eq!(v["changes"][0]["name"], "markup");
    let prices = v["examples"]
        .as_array()
        .expect("examples")
        .iter()
        .find(|e| e["name"] == "provisional prices")
        .expect("the prices example");
    assert_eq!(prices["values"][0]["old"]["display"], "£1.27");
    assert_eq!(prices["values"][0]["new"]["display"], "£1.29");

    // doc: the rules as one HTML page, their wording with its figures
    // filled in ("sixteen" from `{minimum_age as words}`).
    let response = agent()
        .get(server.url(&format!("/rulebooks/{BOOK}/doc")))
        .call()
        .expect("the server answers");
    assert_eq!(response.status().as_u16(), 200);
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(kind, "text/html; charset=utf-8");
    let html = response.into_body().read_to_string().expect("a document");
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{}",
        &html[..html.len().min(80)]
    );
    assert!(html.contains("Rochdale Society of Equitable Pioneers"));
    assert!(
        html.contains("Any person of the age of sixteen or over"),
        "the age in words"
    );
    let (status, v) = get(&server, "/rulebooks/nonesuch/doc");
    assert_eq!(status, 404, "{v}");

    let (status, v) = get(&server, "/health");
    assert_eq!(status, 200);
    assert_eq!(v["status"], "ok");
    assert_eq!(v["rulebooks"], served);

    // The OpenAPI document names every endpoint and is built from the
    // request types (a field of EvaluateRequest appears in its schema).
    let (status, v) = get(&server, "/openapi.json");
    assert_eq!(status, 200);
    assert!(v["openapi"].as_str().is_some_and(|s| s.starts_with("3.")));
    for path in [
        "/health",
        "/rulebooks",
        "/rulebooks/{name}/evaluate",
        "/rulebooks/{name}/decide",
        "/rulebooks/{name}/check",
        "/rulebooks/{name}/test",
        "/rulebooks/{name}/doc",
        "/rulebooks/{name}/simulate",
        "/rulebooks/{name}/explain",
        "/diff",
    ] {
        assert!(v["paths"].get(path).is_some(), "{path} missing");
    }
    let schema = &v["components"]["schemas"]["EvaluateRequest"];
    assert!(schema["properties"].get("members").is_some(), "{schema}");
    assert_eq!(schema["required"], json!(["rule"]));
}

/// Sends `head` and part of a body, and keeps the connection open.
fn slow_request(server: &Server) -> TcpStream {
    let mut stream = TcpStream::connect(&server.addr).expect("connects");
    let head = format!(
        "POST /rulebooks/{BOOK}/evaluate HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"rule\""
    );
    stream.write_all(head.as_bytes()).expect("sent");
    stream
}

fn read_response(mut stream: TcpStream) -> (u16, Value) {
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("a timeout");
    let mut text = Vec::new();
    let mut buffer = [0u8; 4096];
    // The server closes a connection whose body it gave up on; else stop at
    // the end of the JSON body.
    while let Ok(n) = stream.read(&mut buffer) {
        if n == 0 {
            break;
        }
        text.extend_from_slice(&buffer[..n]);
        if text.ends_with(b"}") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&text).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status: {text:?}"));
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (
        status,
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}")),
    )
}

#[test]
fn refuses_every_kind_of_bad_request_and_keeps_serving() {
    let server = Server::start(Path::new("rulebooks"), &[]);
    let path = format!("/rulebooks/{BOOK}/evaluate");
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("malformed JSON", r#"{"rule": "price","#.into(), 400, "malformed_json"),
        ("not an object", "[1, 2".into(), 400, "malformed_json"),
        ("an unknown field", r#"{"rule": "price", "argz": []}"#.into(), 422, "bad_request"),
        ("a field of the wrong type", r#"{"rule": 7}"#.into(), 422, "bad_request"),
        ("no rule", r#"{"args": []}"#.into(), 422, "bad_request"),
        ("an unknown rule", r#"{"rule": "prise", "args": ["£1"]}"#.into(), 422, "unknown_name"),
        (
            "an unknown member attribute",
            r#"{"rule": "eligible", "args": ["ada"], "members": [{"name": "ada", "height": 2}]}"#.into(),
            422,
            "unknown_attribute",
        ),
        (
            "a value of the wrong type",
            r#"{"rule": "eligible", "args": ["ada"], "members": [{"name": "ada", "age": "£3.00"}]}"#.into(),
            422,
            "bad_value",
        ),
        ("an argument of the wrong type", r#"{"rule": "price", "args": ["ten"]}"#.into(), 422, "bad_value"),
        ("too many arguments", r#"{"rule": "price", "args": ["£1", "£2"]}"#.into(), 422, "wrong_arguments"),
        ("an unknown member", r#"{"rule": "eligible", "args": ["zed"]}"#.into(), 422, "unknown_name"),
        ("an unknown parameter", r#"{"rule": "price", "args": ["£1"], "parameters": {"mark": "5%"}}"#.into(), 422, "unknown_name"),
        ("a member without a name", r#"{"rule": "eligible", "args": ["ada"], "members": [{"age": 3}]}"#.into(), 422, "bad_request"),
    ];
    for (what, body, status, code) in &cases {
        let (got, v) = post(&server, &path, body);
        assert_eq!(
            (got, v["code"].as_str()),
            (*status, Some(*code)),
            "{what}: {v}"
        );
        assert!(
            v["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}: {v}"
        );
        assert!(
            v["help"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}: {v}"
        );
    }
    // The unknown rule's help names the rules there are.
    let (_, v) = post(&server, &path, r#"{"rule": "prise", "args": []}"#);
    assert!(
        v["help"].as_str().is_some_and(|h| h.contains("price")),
        "{v}"
    );

    let (status, v) = post(
        &server,
        "/rulebooks/nowhere/evaluate",
        r#"{"rule": "price"}"#,
    );
    assert_eq!(
        (status, v["code"].as_str()),
        (404, Some("unknown_rulebook"))
    );
    assert!(v["help"].as_str().is_some_and(|h| h.contains(BOOK)), "{v}");
    let (status, v) = get(&server, "/no/such/thing");
    assert_eq!((status, v["code"].as_str()), (404, Some("not_found")));
    let (status, v) = post(
        &server,
        &format!("/rulebooks/{BOOK}/decide"),
        r#"{"act": "jion", "args": ["ada", "£4.00"], "date": "1845-01-01", "members": [{"name": "ada", "age": 30}]}"#,
    );
    assert_eq!(
        (status, v["code"].as_str()),
        (422, Some("unknown_name")),
        "{v}"
    );
    assert!(!v["diagnostics"].as_array().expect("diagnostics").is_empty());
    let (status, v) = post(
        &server,
        &format!("/rulebooks/{BOOK}/simulate"),
        r#"{"scenario": "no such year"}"#,
    );
    assert_eq!(
        (status, v["code"].as_str()),
        (422, Some("unknown_name")),
        "{v}"
    );
    let (status, v) = post(&server, "/diff", r#"{"new": "rulebook \"x\""}"#);
    assert_eq!(
        (status, v["code"].as_str()),
        (422, Some("bad_request")),
        "{v}"
    );

    // Still serving, with the right answer.
    assert_eq!(price(&server, "£1.15"), "£1.27");
}

#[test]
fn limits_are_json_errors() {
    let server = Server::start(
        Path::new("rulebooks"),
        &[
            "--max-body-bytes",
            "2000",
            "--step-budget",
            "3",
            "--time-limit-ms",
            "1",
            "--read-timeout-ms",
            "1500",
            "--max-concurrent",
            "2",
        ],
    );
    let path = format!("/rulebooks/{BOOK}/evaluate");

    let big =
        json!({"rule": "price", "args": ["£1.15"], "parameters": {"markup": "1".repeat(3000)}});
    let (status, v) = post(&server, &path, &big.to_string());
    assert_eq!(
        (status, v["code"].as_str()),
        (413, Some("body_too_large")),
        "{v}"
    );

    // price(cost) is a handful of nodes: more than three steps.
    let (status, v) = post(&server, &path, r#"{"rule": "price", "args": ["£1.15"]}"#);
    assert_eq!(
        (status, v["code"].as_str()),
        (422, Some("step_budget")),
        "{v}"
    );
    assert!(v["diagnostics"][0]["code"] == "E0403", "{v}");

    // A year of the founders cannot be checked and run in a millisecond.
    let (status, v) = post(
        &server,
        &format!("/rulebooks/{BOOK}/simulate"),
        r#"{"scenario": "first year"}"#,
    );
    assert_eq!(
        (status, v["code"].as_str()),
        (503, Some("time_limit")),
        "{v}"
    );

    // Two slow clients hold the two places; a third request is refused at
    // once, and each slow client is answered 408 when its time is up.
    let started = Instant::now();
    let a = slow_request(&server);
    let b = slow_request(&server);
    std::thread::sleep(Duration::from_millis(200));
    let (status, v) = get(&server, "/health");
    assert!(
        started.elapsed() < Duration::from_millis(1400),
        "too slow to test"
    );
    assert_eq!((status, v["code"].as_str()), (503, Some("busy")), "{v}");
    for stream in [a, b] {
        let (status, v) = read_response(stream);
        assert_eq!(
            (status, v["code"].as_str()),
            (408, Some("slow_client")),
            "{v}"
        );
    }
    assert!(started.elapsed() >= Duration::from_millis(1500));

    // A client that never finishes its headers is cut off when its time
    // is up (hyper closes the connection; there is no request to answer).
    let started = Instant::now();
    let mut stream = TcpStream::connect(&server.addr).expect("connects");
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: te")
        .expect("sent");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("a timeout");
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    assert!(
        started.elapsed() >= Duration::from_millis(1400),
        "{:?}",
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(15), "not cut off");

    // And then it serves again.
    let (status, v) = get(&server, "/health");
    assert_eq!((status, v["status"].as_str()), (200, Some("ok")), "{v}");
}

#[test]
fn reloads_a_changed_rulebook_and_keeps_the_last_good_one() {
    let dir = folder("reload");
    let file = dir.join("rochdale-1844.coop");
    let server = Server::start(&dir, &[]);
    assert_eq!(price(&server, "£2.50"), "£2.75");

    // A markup of 20%: £2.50 × 120% = £3.00.
    let twenty = with_markup("20%");
    rewrite(&file, &twenty);
    eventually("the new markup is served", || {
        price(&server, "£2.50") == "£3.00"
    });
    let (_, v) = evaluate(&server, json!({"rule": "price", "args": ["£2.50"]}));
    assert_eq!(v["provenance"]["hash"], hash_of(&twenty).as_str());

    // A broken text: /health says so, with its diagnostics, and the last
    // good version (20%) keeps answering.
    rewrite(
        &file,
        &twenty.replace(
            "rule price(cost: Money): Money =",
            "rule price(cost: Money): Money = no_such_figure +",
        ),
    );
    eventually("/health reports the broken rulebook", || {
        get(&server, "/health").1["status"] == "degraded"
    });
    let (_, health) = get(&server, "/health");
    assert_eq!(health["failing"][0]["name"], BOOK);
    assert_eq!(health["failing"][0]["serving_last_good"], true);
    let first = &health["failing"][0]["diagnostics"][0];
    assert!(first["line"].as_u64().is_some_and(|l| l > 0), "{health}");
    assert!(
        first["code"].as_str().is_some_and(|c| c.starts_with('E')),
        "{health}"
    );
    assert_eq!(price(&server, "£2.50"), "£3.00");

    // Mended: healthy again, at the original markup.
    rewrite(&file, RULEBOOK);
    eventually("the mended rulebook is served", || {
        price(&server, "£2.50") == "£2.75"
    });
    assert_eq!(get(&server, "/health").1["status"], "ok");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

fn replay(records: &Path, dir: &Path) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rochdale"))
        .arg("replay")
        .arg(records)
        .arg("--rulebooks")
        .arg(dir)
        .output()
        .expect("replay runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn records_decisions_and_replays_them() {
    let dir = folder("replay");
    let records = dir.join("decisions.jsonl");
    let server = Server::start(&dir, &["--record", records.to_str().expect("a path")]);
    assert_eq!(price(&server, "£2.50"), "£2.75");
    let (status, _) = evaluate(
        &server,
        json!({"rule": "eligible", "args": ["ada"], "members": [{"name": "ada", "age": 30, "shares": "£4.00"}]}),
    );
    assert_eq!(status, 200);
    // A decision without a date is recorded with the date it was made on.
    let (status, v) = post(
        &server,
        &format!("/rulebooks/{BOOK}/decide"),
        r#"{"act": "join", "args": ["ada", "£4.00"], "members": [{"name": "ada", "age": 30}]}"#,
    );
    assert_eq!((status, v["status"].as_str()), (200, Some("done")), "{v}");
    // A refused request is not a decision: nothing is recorded.
    let (status, _) = evaluate(&server, json!({"rule": "prise"}));
    assert_eq!(status, 422);
    let stopped = server.terminate();
    assert!(stopped.success(), "SIGTERM is a clean stop: {stopped:?}");

    let text = std::fs::read_to_string(&records).expect("records written");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    let hash = hash_of(RULEBOOK);
    for line in &lines {
        assert_eq!(line["rulebook"], BOOK);
        assert_eq!(line["version"], "1844.5");
        assert_eq!(line["hash"], hash.as_str());
        assert!(
            line["time"]
                .as_str()
                .is_some_and(|t| t.len() == 20 && t.ends_with('Z'))
        );
    }
    assert_eq!(lines[0]["kind"], "evaluate");
    assert_eq!(lines[0]["result"]["value"]["display"], "£2.75");
    assert_eq!(lines[2]["kind"], "decide");
    assert!(
        lines[2]["request"]["date"]
            .as_str()
            .is_some_and(|d| d.len() == 10)
    );
    assert_eq!(lines[2]["result"]["books"][0]["amount"]["display"], "£4.00");

    // The same rules: every decision comes out the same.
    let (code, out, _) = replay(&records, &dir);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("3 decision(s) replayed, 0 differ"), "{out}");

    // A markup of 20%: the price is now £3.00, the other two the same.
    std::fs::write(dir.join("rochdale-1844.coop"), with_markup("20%")).expect("written");
    let (code, out, _) = replay(&records, &dir);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("3 decision(s) replayed, 1 differ"), "{out}");
    assert!(out.starts_with("line 1: rochdale-1844 evaluate"), "{out}");
    assert!(out.contains("£2.75") && out.contains("£3.00"), "{out}");
    assert!(
        out.contains(&hash[..12]) && out.contains(&hash_of(&with_markup("20%"))[..12]),
        "{out}"
    );

    // A malformed line is reported with its number; the others are replayed.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&records)
        .expect("open");
    file.write_all(b"{\"time\": \"not a record\"\n")
        .expect("written");
    drop(file);
    let (code, out, err) = replay(&records, &dir);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(err.contains("decisions.jsonl:4"), "{err}");
    assert!(err.contains("E0600"), "{err}");
    assert!(
        out.contains("3 decision(s) replayed, 1 differ, 1 line(s) could not be read"),
        "{out}"
    );

    let (code, _, err) = replay(&dir.join("missing.jsonl"), &dir);
    assert_eq!(code, Some(2), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
