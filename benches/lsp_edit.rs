//! One edit of rulebooks/rochdale-1844.coop (14 KB) in `rochdale lsp`,
//! from the change the editor sends to the diagnostics it publishes: the
//! change applied (one character typed, as an incremental change with
//! UTF-16 positions), the text parsed and checked as `rochdale check`
//! does, every name indexed, and the diagnostics converted. The baseline
//! is the check alone (`rochdale::check_source`) of the same text.
//!
//!     cargo bench --bench lsp_edit
//!
//! Goal (docs/performance.md): under 16 ms an edit. After criterion's
//! figures it prints the medians of its own timing and their ratio.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};
use rochdale::lsp::document::Document;

const TEXT: &str = include_str!("../rulebooks/rochdale-1844.coop");

/// Types one character and deletes it again, alternately, at the end of
/// `parameter markup: Percent = 10%` (line 48, 0-based 47), so that the
/// text stays a valid rulebook (10% and 100%).
fn edit(doc: &mut Document, version: i32) {
    let typing = version % 2 == 1;
    let range = Range {
        start: Position::new(47, 31),
        end: Position::new(47, if typing { 31 } else { 32 }),
    };
    let text = if typing { "0" } else { "" };
    doc.change(
        version,
        vec![TextDocumentContentChangeEvent {
            range: Some(range),
            range_length: None,
            text: text.into(),
        }],
    );
}

fn edit_to_diagnostics(doc: &mut Document, uri: &Uri, version: i32) -> usize {
    edit(doc, version);
    rochdale::lsp::publish(doc, uri).diagnostics.len()
}

fn lsp_edit(c: &mut Criterion) {
    let uri: Uri = "file:///rochdale-1844.coop".parse().expect("a URI");
    let mut doc = Document::new(TEXT.to_string(), 0);
    let mut version = 0;
    c.bench_function("lsp: one edit to published diagnostics", |b| {
        b.iter(|| {
            version += 1;
            let found = edit_to_diagnostics(&mut doc, &uri, version);
            // 10% to 100% and back: a rulebook that checks either way.
            assert_eq!(found, 0);
        })
    });
    c.bench_function("baseline: rochdale check of the same text", |b| {
        b.iter(|| {
            let checked = rochdale::check_source(black_box(TEXT));
            assert!(checked.program.is_some());
        })
    });

    // The medians of 200 runs each, and their ratio.
    let median = |mut f: Box<dyn FnMut()>| {
        let mut times: Vec<Duration> = (0..200)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect();
        times.sort();
        times[times.len() / 2]
    };
    let mut doc = Document::new(TEXT.to_string(), 0);
    let mut v = 0;
    let lsp = median(Box::new(move || {
        v += 1;
        black_box(edit_to_diagnostics(&mut doc, &uri, v));
    }));
    let check = median(Box::new(|| {
        black_box(rochdale::check_source(black_box(TEXT)));
    }));
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "\nlsp edit to diagnostics: median {:.2} ms (goal 16 ms); rochdale check: median {:.2} ms; ratio {:.2}",
        ms(lsp),
        ms(check),
        lsp.as_secs_f64() / check.as_secs_f64()
    );
    // Where the time goes: each stage on its own.
    let book = rochdale::parse(TEXT).expect("parses");
    let parse = median(Box::new(|| {
        black_box(rochdale::parse(black_box(TEXT)).is_ok());
    }));
    let checker = median(Box::new(|| {
        black_box(rochdale::check::check(black_box(&book)));
    }));
    let pipeline = median(Box::new(|| {
        black_box(rochdale::pipeline::check_book(black_box(&book)));
    }));
    let index = median(Box::new(|| {
        black_box(rochdale::lsp::index::Index::new(black_box(&book), TEXT));
    }));
    println!(
        "parse {:.2} ms; checker {:.2} ms; checker and constant limits {:.2} ms; index of names {:.2} ms",
        ms(parse),
        ms(checker),
        ms(pipeline),
        ms(index)
    );
}

criterion_group!(benches, lsp_edit);
criterion_main!(benches);
