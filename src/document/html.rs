//! The documents as self-contained HTML: one file, its style inline, no
//! script, fit to print (A4, serif type, page breaks between parts). In
//! the library, so that the WASM build writes the same document.

use std::fmt::Write;

use super::amendment::AmendmentPack;
use super::model::Document;
use crate::diff::{WordOp, WordRun};

/// Text made safe for HTML, in an element or an attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The style both documents share: print first.
const STYLE: &str = r#"
@page { size: A4; margin: 22mm 20mm 24mm 22mm; }
html { font-family: "Libertinus Serif", "Linux Libertine", Georgia, "Times New Roman", serif; font-size: 11pt; line-height: 1.45; color: #111; }
body { max-width: 42em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 2em; font-weight: normal; margin: 0 0 .3em; }
h2 { font-size: 1.35em; font-weight: normal; border-bottom: 1px solid #999; margin: 2em 0 .6em; }
h3 { font-size: 1.1em; margin: 1.4em 0 .3em; }
p { margin: .35em 0; text-align: justify; hyphens: auto; }
.title-page { min-height: 60vh; display: flex; flex-direction: column; justify-content: center; }
.title-page .meta { margin-top: 2em; }
.pack-head { margin-bottom: 1.5em; }
.pack-head + section { break-before: auto; }
.meta dt { font-variant: small-caps; color: #444; }
.meta dd { margin: 0 0 .5em 0; }
.hash { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: .8em; word-break: break-all; }
.source { font-size: .9em; color: #444; font-style: italic; }
nav ol { padding-left: 1.4em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; font-size: .95em; }
th, td { border-bottom: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
th { border-bottom: 1.5px solid #555; font-weight: 600; }
td.figure { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
pre, code { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: .85em; }
pre { white-space: pre-wrap; background: #f6f6f3; padding: .5em .7em; border-left: 3px solid #bbb; }
del { color: #a00; text-decoration: line-through; background: #fbe9e9; }
ins { color: #060; text-decoration: underline; background: #e8f5e8; }
.side-by-side { display: grid; grid-template-columns: 1fr 1fr; gap: 1.2em; }
.side-by-side h4 { margin: .2em 0; font-variant: small-caps; color: #444; }
.fail { color: #a00; }
section { break-before: page; }
section.article, section.article-first { break-before: auto; break-inside: avoid; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
"#;

fn page(out: &mut String, title: &str, body: impl FnOnce(&mut String)) {
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        escape(title)
    );
    body(out);
    out.push_str("</body>\n</html>\n");
}

fn table(out: &mut String, heads: &[&str], rows: &[Vec<String>], figures: &[usize]) {
    out.push_str("<table>\n<thead><tr>");
    for h in heads {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let class = if figures.contains(&i) {
                " class=\"figure\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The rulebook as one HTML file.
pub fn rulebook_html(doc: &Document) -> String {
    let mut out = String::new();
    page(&mut out, &doc.title, |out| {
        // Title page.
        let _ = writeln!(
            out,
            "<header class=\"title-page\">\n<p>Rules of</p>\n<h1>{}</h1>\n<dl class=\"meta\">",
            escape(&doc.title)
        );
        if let Some(v) = &doc.version {
            let _ = writeln!(out, "<dt>Version</dt><dd>{}</dd>", escape(v));
        }
        if let Some(d) = &doc.in_force {
            let _ = writeln!(out, "<dt>In force from</dt><dd>{}</dd>", escape(d));
        }
        if let Some(c) = &doc.currency {
            let _ = writeln!(out, "<dt>Currency</dt><dd>{}</dd>", escape(c));
        }
        let _ = writeln!(
            out,
            "<dt>Provenance</dt><dd class=\"hash\">{}</dd>\n</dl>\n</header>",
            escape(&doc.hash)
        );
        // Contents.
        out.push_str("<section id=\"contents\">\n<h2>Contents</h2>\n<nav><ol>\n");
        for a in &doc.articles {
            let _ = writeln!(
                out,
                "<li><a href=\"#article-{0}\">Article {1}: {2}</a></li>",
                escape(&a.number),
                escape(&a.number),
                escape(&a.title)
            );
        }
        for (id, name, shown) in [
            ("limits", "Legal limits", !doc.limits.is_empty()),
            ("parameters", "Parameters", !doc.parameters.is_empty()),
            ("rules", "The rules in full", !doc.rules.is_empty()),
            ("resolutions", "Resolutions", !doc.resolutions.is_empty()),
            ("elections", "Elections", !doc.elections.is_empty()),
            ("examples", "Worked examples", !doc.examples.is_empty()),
        ] {
            if shown {
                let _ = writeln!(out, "<li><a href=\"#{id}\">{name}</a></li>");
            }
        }
        out.push_str("</ol></nav>\n</section>\n");
        // Articles.
        out.push_str("<section id=\"articles\">\n<h2>The articles</h2>\n");
        for a in &doc.articles {
            let _ = writeln!(
                out,
                "<article class=\"article\" id=\"article-{}\">\n<h3>Article {}: {}</h3>",
                escape(&a.number),
                escape(&a.number),
                escape(&a.title)
            );
            for p in &a.paragraphs {
                let _ = writeln!(out, "<p>{}</p>", escape(p));
            }
            for s in &a.sources {
                let _ = writeln!(out, "<p class=\"source\">Source: {}</p>", escape(s));
            }
            out.push_str("</article>\n");
        }
        out.push_str("</section>\n");
        if !doc.limits.is_empty() {
            out.push_str("<section id=\"limits\">\n<h2>Legal limits</h2>\n");
            let rows: Vec<Vec<String>> = doc
                .limits
                .iter()
                .map(|l| {
                    vec![
                        l.name.clone(),
                        l.article.clone().unwrap_or_default(),
                        l.condition.clone(),
                        l.source.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            table(
                out,
                &["Limit", "Article", "What must hold", "Source"],
                &rows,
                &[],
            );
            out.push_str("</section>\n");
        }
        if !doc.parameters.is_empty() {
            out.push_str("<section id=\"parameters\">\n<h2>Parameters</h2>\n");
            let rows: Vec<Vec<String>> = doc
                .parameters
                .iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        p.article.clone().unwrap_or_default(),
                        p.ty.clone(),
                        p.value.clone(),
                    ]
                })
                .collect();
            table(out, &["Parameter", "Article", "Kind", "Value"], &rows, &[3]);
            out.push_str("</section>\n");
        }
        if !doc.rules.is_empty() {
            out.push_str("<section id=\"rules\">\n<h2>The rules in full</h2>\n");
            for r in &doc.rules {
                let place = r
                    .article
                    .as_ref()
                    .map(|a| format!(" (article {a})"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "<h3>{}{}</h3>\n<pre>{}</pre>",
                    escape(&r.name),
                    escape(&place),
                    escape(&r.written)
                );
            }
            out.push_str("</section>\n");
        }
        if !doc.resolutions.is_empty() {
            out.push_str("<section id=\"resolutions\">\n<h2>Resolutions</h2>\n");
            for r in &doc.resolutions {
                let place = r
                    .article
                    .as_ref()
                    .map(|a| format!(" (article {a})"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "<h3>{}{}</h3>\n<dl class=\"meta\">\n<dt>Who votes</dt><dd>{}</dd>\n<dt>Quorum</dt><dd>{}</dd>\n<dt>Passes with</dt><dd>{}</dd>",
                    escape(&r.title),
                    escape(&place),
                    escape(&r.who_votes),
                    escape(&r.quorum),
                    escape(&r.threshold)
                );
                for n in &r.notes {
                    let _ = writeln!(out, "<dd>{}</dd>", escape(n));
                }
                out.push_str("</dl>\n");
            }
            out.push_str("</section>\n");
        }
        if !doc.elections.is_empty() {
            out.push_str("<section id=\"elections\">\n<h2>Elections</h2>\n");
            for e in &doc.elections {
                let _ = writeln!(
                    out,
                    "<h3>{}</h3>\n<dl class=\"meta\">\n<dt>Seats</dt><dd>{}</dd>\n<dt>Counted</dt><dd>{}</dd>\n<dt>Ties</dt><dd>{}</dd>\n</dl>\n<pre>{}</pre>",
                    escape(&e.title),
                    escape(&e.seats),
                    escape(&e.count),
                    escape(&e.ties),
                    escape(&e.written)
                );
            }
            out.push_str("</section>\n");
        }
        if !doc.examples.is_empty() {
            out.push_str("<section id=\"examples\">\n<h2>Worked examples</h2>\n");
            for e in &doc.examples {
                let _ = writeln!(out, "<h3>{}</h3>", escape(&e.name));
                if !e.members.is_empty() {
                    let heads: Vec<&str> = e.columns.iter().map(String::as_str).collect();
                    let figures: Vec<usize> = (1..e.columns.len()).collect();
                    table(out, &heads, &e.members, &figures);
                }
                let rows: Vec<Vec<String>> = e
                    .expectations
                    .iter()
                    .map(|x| {
                        vec![
                            x.written.clone(),
                            x.result.clone(),
                            if x.passed { "holds" } else { "FAILS" }.to_string(),
                        ]
                    })
                    .collect();
                table(
                    out,
                    &["The example states", "The rules give", ""],
                    &rows,
                    &[],
                );
            }
            out.push_str("</section>\n");
        }
    });
    out
}

/// Word runs as HTML: removed words struck through, added underlined.
/// `side` keeps only the old (`Removed`) or the new (`Added`) words.
fn marked(out: &mut String, runs: &[WordRun], side: WordOp) {
    for run in runs {
        let text = escape(&run.text);
        match run.op {
            WordOp::Same => out.push_str(&text),
            op if op == side && op == WordOp::Removed => {
                let _ = write!(out, "<del>{text}</del>");
            }
            op if op == side && op == WordOp::Added => {
                let _ = write!(out, "<ins>{text}</ins>");
            }
            _ => {}
        }
    }
}

/// An inline SVG bar chart of the impact: one bar a group of members who
/// change alike, its length what the group gains or loses in all.
pub fn impact_chart(pack: &AmendmentPack) -> String {
    use rust_decimal::prelude::ToPrimitive;
    let groups: Vec<_> = pack
        .groups
        .iter()
        .filter(|g| !g.each_amount.is_zero())
        .collect();
    if groups.is_empty() {
        return String::new();
    }
    let totals: Vec<f64> = groups
        .iter()
        .map(|g| {
            (g.each_amount * rust_decimal::Decimal::from(g.count))
                .to_f64()
                .unwrap_or(0.0)
        })
        .collect();
    let largest = totals
        .iter()
        .fold(0.0_f64, |m, t| m.max(t.abs()))
        .max(f64::MIN_POSITIVE);
    let (width, row, label) = (640.0, 22.0, 260.0);
    let half = (width - label) / 2.0;
    let height = row * groups.len() as f64 + 30.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Gains and losses by group\" viewBox=\"0 0 {width} {height}\" width=\"100%\" font-size=\"11\" font-family=\"sans-serif\">"
    );
    let axis = label + half;
    let _ = writeln!(
        out,
        "<line x1=\"{axis}\" y1=\"0\" x2=\"{axis}\" y2=\"{}\" stroke=\"#555\"/>",
        height - 20.0
    );
    for (i, (g, total)) in groups.iter().zip(&totals).enumerate() {
        let y = i as f64 * row + 4.0;
        let len = (total.abs() / largest) * (half - 6.0);
        let (x, fill) = if *total < 0.0 {
            (axis - len, "#b33")
        } else {
            (axis, "#393")
        };
        let who = if g.count == 1 {
            g.members[0].clone()
        } else {
            format!("{} members", g.count)
        };
        let each = g.each.clone().unwrap_or_default();
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{:.1}\">{} ({} each)</text>\n<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{len:.1}\" height=\"{:.1}\" fill=\"{fill}\"/>",
            y + 12.0,
            escape(&who),
            escape(&each),
            row - 8.0
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">losses ← · → gains (each group in all)</text>\n</svg>",
        axis,
        height - 6.0
    );
    out
}

/// The amendment pack as one HTML file.
pub fn amendment_html(pack: &AmendmentPack) -> String {
    let title = format!("Proposed amendment of the rules of {}", pack.new.title);
    let mut out = String::new();
    page(&mut out, &title, |out| {
        let version = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
        let _ = writeln!(
            out,
            "<header class=\"pack-head\">\n<p>Notice of a proposed amendment</p>\n<h1>{}</h1>\n<dl class=\"meta\">\n<dt>Rules in force</dt><dd>version {} <span class=\"hash\">{}</span></dd>\n<dt>Rules proposed</dt><dd>version {} <span class=\"hash\">{}</span></dd>\n</dl>\n</header>",
            escape(&pack.new.title),
            escape(&version(&pack.old.version)),
            escape(&pack.old.hash),
            escape(&version(&pack.new.version)),
            escape(&pack.new.hash)
        );
        out.push_str("<section id=\"articles\">\n<h2>The articles changed</h2>\n");
        if pack.articles.is_empty() {
            out.push_str("<p>No article's wording changes.</p>\n");
        }
        for a in &pack.articles {
            let _ = write!(
                out,
                "<article class=\"article\" id=\"article-{}\">\n<h3>Article {}: {}</h3>\n<div class=\"side-by-side\">\n<div><h4>In force</h4>\n<p>",
                escape(&a.article),
                escape(&a.article),
                escape(&a.title)
            );
            marked(out, &a.words, WordOp::Removed);
            out.push_str("</p></div>\n<div><h4>Proposed</h4>\n<p>");
            marked(out, &a.words, WordOp::Added);
            out.push_str("</p></div>\n</div>\n</article>\n");
        }
        if !pack.parameters.is_empty() {
            out.push_str("<h2 id=\"parameters\">The figures changed</h2>\n");
            let rows: Vec<Vec<String>> = pack
                .parameters
                .iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        p.article.clone().unwrap_or_default(),
                        p.old.clone().unwrap_or_else(|| "-".to_string()),
                        p.new.clone().unwrap_or_else(|| "-".to_string()),
                    ]
                })
                .collect();
            table(
                out,
                &["Parameter", "Article", "In force", "Proposed"],
                &rows,
                &[2, 3],
            );
        }
        if !pack.other_changes.is_empty() {
            out.push_str("<h2>Other changes to the rules</h2>\n<ul>\n");
            for c in &pack.other_changes {
                let _ = writeln!(out, "<li>{}</li>", escape(c));
            }
            out.push_str("</ul>\n");
        }
        out.push_str("</section>\n");
        if let Some(scenario) = &pack.scenario {
            let _ = writeln!(
                out,
                "<section id=\"impact\">\n<h2>The effect on the members</h2>\n<p>The scenario \"{}\" run under the rules in force and under the rules proposed. Members who change alike are counted on one line.</p>",
                escape(scenario)
            );
            if let Some(t) = &pack.totals {
                let _ = writeln!(
                    out,
                    "<p><strong>{} gain, {} lose, {} unchanged.</strong> Gains {} in all; losses {} in all; together {}.</p>",
                    t.gain,
                    t.lose,
                    t.unchanged,
                    escape(&t.gained),
                    escape(&t.lost),
                    escape(&t.net)
                );
            }
            out.push_str(&impact_chart(pack));
            let rows: Vec<Vec<String>> = pack
                .groups
                .iter()
                .map(|g| {
                    let who = if g.count == 1 {
                        g.members[0].clone()
                    } else {
                        let shown: Vec<&str> =
                            g.members.iter().take(10).map(String::as_str).collect();
                        let more = if g.count > 10 {
                            format!(" and {} more", g.count - 10)
                        } else {
                            String::new()
                        };
                        format!("{} members ({}{more})", g.count, shown.join(", "))
                    };
                    vec![
                        who,
                        g.each.clone().unwrap_or_else(|| "the same".to_string()),
                        g.changes.join("; "),
                    ]
                })
                .collect();
            table(
                out,
                &["Members", "Each, from the rules", "What changes"],
                &rows,
                &[1],
            );
            for n in &pack.notes {
                let _ = writeln!(out, "<p class=\"source\">{}</p>", escape(n));
            }
            out.push_str("</section>\n");
        }
    });
    out
}
