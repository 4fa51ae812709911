//! `rochdale doc`: the rulebook and the amendment pack as documents. The
//! HTML is checked to be well formed (by a small parser of its own here,
//! an independent route from the writer), to hold every article with its
//! figures filled in, and the figures the rules give.

use rochdale::diff::{DiffOptions, Version};
use rochdale::document::{amendment_html, amendment_pack, build, rulebook_html};
use rochdale::semantics::wording::fill_declared;
use rochdale::{SourceFile, check_source};

const RULES_1844: &str = "rulebooks/rochdale-1844.coop";

fn read(path: &str) -> SourceFile {
    SourceFile::new(path, std::fs::read_to_string(path).expect("readable"))
}

/// Elements with no closing tag in HTML.
const VOID: &[&str] = &["meta", "br", "hr", "img", "input", "link", "line", "rect"];

/// Checks that `html` is well formed: every element closed in order,
/// attributes quoted, no bare `<` or `&` in text. Returns the text of
/// the document (tags left out, entities decoded) for searching.
fn well_formed(html: &str) -> Result<String, String> {
    let mut open: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut rest = html;
    let decode = |t: &str| -> Result<String, String> {
        let mut out = String::new();
        let mut r = t;
        while let Some(i) = r.find('&') {
            out.push_str(&r[..i]);
            let end = r[i..].find(';').ok_or_else(|| format!("bare & in {t:?}"))?;
            let entity = &r[i..i + end + 1];
            out.push_str(match entity {
                "&amp;" => "&",
                "&lt;" => "<",
                "&gt;" => ">",
                "&quot;" => "\"",
                "&#39;" => "'",
                other => return Err(format!("unknown entity {other}")),
            });
            r = &r[i + end + 1..];
        }
        out.push_str(r);
        Ok(out)
    };
    while let Some(i) = rest.find('<') {
        text.push_str(&decode(&rest[..i])?);
        let end = rest[i..].find('>').ok_or("a tag never closed")? + i;
        let tag = &rest[i + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(o) if o == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name.is_empty() {
            return Err(format!("a tag without a name: <{tag}>"));
        }
        // Attributes: name="value", quotes balanced.
        if tag.matches('"').count() % 2 != 0 {
            return Err(format!("unbalanced quotes in <{tag}>"));
        }
        // `<style>` holds CSS: skip to its end.
        if name == "style" {
            let close = rest.find("</style>").ok_or("style never closed")?;
            rest = &rest[close + "</style>".len()..];
            continue;
        }
        if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            open.push(name);
        }
    }
    text.push_str(&decode(rest)?);
    if !open.is_empty() {
        return Err(format!("left open: {open:?}"));
    }
    Ok(text)
}

#[test]
fn every_bundled_rulebook_renders_as_well_formed_html_with_every_article() {
    let mut rendered = 0;
    for entry in std::fs::read_dir("rulebooks").expect("the rulebooks") {
        let path = entry.expect("an entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("coop") {
            continue;
        }
        let file = read(path.to_str().expect("a UTF-8 path"));
        let program = check_source(&file.text).program.expect("the rules check");
        let html = rulebook_html(&build(&program, &file.text));
        let text = well_formed(&html).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(html.starts_with("<!DOCTYPE html>"));
        for a in &program.articles {
            let heading = format!("Article {}: {}", a.number, a.title);
            assert!(text.contains(&heading), "{}: {heading}", path.display());
            for p in &a.legal_text {
                let filled = fill_declared(p, &program);
                assert!(text.contains(&filled), "{}: {filled}", path.display());
                // No placeholder is left for a reader.
                assert!(!filled.contains("{"), "{}: {filled}", path.display());
            }
        }
        for p in &program.params {
            assert!(
                text.contains(&p.name),
                "{}: parameter {}",
                path.display(),
                p.name
            );
        }
        rendered += 1;
    }
    assert_eq!(rendered, 7, "the seven bundled rulebooks");
}

#[test]
fn the_1844_document_holds_its_figures_resolutions_and_examples() {
    let file = read(RULES_1844);
    let program = check_source(&file.text).program.expect("checks");
    let doc = build(&program, &file.text);
    assert_eq!(doc.title, "Rochdale Society of Equitable Pioneers");
    assert_eq!(doc.version.as_deref(), Some("1844.5"));
    assert_eq!(doc.in_force.as_deref(), Some("1844-12-21"));
    assert_eq!(doc.hash, program.provenance.hash);
    let art3 = doc
        .articles
        .iter()
        .find(|a| a.number == "3")
        .expect("article 3");
    assert_eq!(
        art3.paragraphs,
        [
            "Any person of the age of sixteen or over who holds the minimum number of shares may be admitted a member."
        ]
    );
    let share = doc
        .parameters
        .iter()
        .find(|p| p.name == "share_value")
        .expect("share_value");
    assert_eq!(
        (share.value.as_str(), share.article.as_deref()),
        ("£1.00", Some("1"))
    );
    // `quorum 10% of members`, `passes when for >= 75% of cast`.
    let special = doc
        .resolutions
        .iter()
        .find(|r| r.name == "special")
        .expect("special");
    assert_eq!(special.who_votes, "One member, one vote.");
    assert_eq!(special.quorum, "At least 10% of the members.");
    assert_eq!(
        special.threshold,
        "Votes for at least 75% of the votes cast."
    );
    let ordinary = doc
        .resolutions
        .iter()
        .find(|r| r.name == "ordinary")
        .expect("ordinary");
    assert_eq!(ordinary.threshold, "More votes for than against.");
    let limit = doc
        .limits
        .iter()
        .find(|l| l.name == "interest_on_capital_is_limited")
        .expect("the limit");
    assert_eq!(limit.condition, "capital_interest <= 5% per year");
    assert!(
        limit
            .source
            .as_deref()
            .unwrap_or("")
            .contains("ICA Statement")
    );
    // The admission example: £1.00 a share x 4 shares = £4.00; cy is 15.
    let admission = doc
        .examples
        .iter()
        .find(|e| e.name == "admission")
        .expect("admission");
    assert_eq!(admission.columns, ["member", "age", "shares"]);
    assert_eq!(admission.members[1], ["cy", "15", "£4.00"]);
    assert_eq!(admission.expectations[0].written, "minimum_holding = £4.00");
    assert_eq!(admission.expectations[0].result, "£4.00");
    assert!(admission.passed);
    let rule = doc.rules.iter().find(|r| r.name == "price").expect("price");
    assert_eq!(
        rule.written,
        "rule price(cost: Money): Money = round(cost * (100% + markup), to 0.01, half up)"
    );
}

#[test]
fn the_document_sets_out_each_election() {
    let file = read("rulebooks/public-service-mutual.coop");
    let program = check_source(&file.text).program.expect("checks");
    let doc = build(&program, &file.text);
    let titles: Vec<&str> = doc.elections.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Election of public governors",
            "Election of staff governors"
        ]
    );
    let staff = &doc.elections[1];
    assert_eq!(staff.seats, "1 seat");
    assert_eq!(
        staff.count,
        "By plurality: each voter marks up to 1 candidate, and the most marked are elected."
    );
    assert!(
        staff
            .written
            .contains("voter m requires m.constituency = Staff")
    );
    let html = rulebook_html(&doc);
    assert!(
        html.contains("<h2>Elections</h2>")
            && html.contains("<a href=\"#elections\">Elections</a>")
    );
    well_formed(&html).expect("well formed");
}

#[test]
fn the_document_follows_a_changed_parameter() {
    let text = std::fs::read_to_string(RULES_1844)
        .expect("readable")
        .replace(
            "parameter minimum_age: Integer = 16",
            "parameter minimum_age: Integer = 14",
        );
    let program = check_source(&text).program.expect("checks");
    let html = rulebook_html(&build(&program, &text));
    let body = well_formed(&html).expect("well formed");
    assert!(
        body.contains("Any person of the age of fourteen or over"),
        "{body}"
    );
    // (An example is named "sixteen exactly, ...": a title, not wording.)
    assert!(!body.contains("age of sixteen"));
}

#[test]
fn text_that_looks_like_markup_is_escaped() {
    let source = "rulebook \"<b>Co & Co</b>\" currency GBP\narticle 1 \"A <i>\" {\n  text \"Members' \\\"shares\\\" < 5 & > 1.\"\n}\n";
    let program = check_source(source).program.expect("checks");
    let html = rulebook_html(&build(&program, source));
    let body = well_formed(&html).expect("well formed");
    assert!(body.contains("Members' \"shares\" < 5 & > 1."), "{body}");
    assert!(html.contains("&lt;b&gt;Co &amp; Co&lt;/b&gt;"));
    assert!(!html.contains("<b>"));
}

#[test]
fn the_amendment_pack_marks_words_and_sums_the_members_losses() {
    let old = read(RULES_1844);
    let new = SourceFile::new(
        "amended.coop",
        old.text.replace(
            "parameter reserve_share: Percent = 10%",
            "parameter reserve_share: Percent = 20%",
        ),
    );
    let dir = std::path::Path::new("rulebooks");
    let pack = amendment_pack(
        Version::in_dir(&old, dir),
        Version::in_dir(&new, dir),
        &DiffOptions::default(),
    )
    .expect("the pack");
    assert_eq!(pack.articles.len(), 1);
    assert_eq!(pack.articles[0].article, "9");
    assert_eq!(pack.parameters.len(), 1);
    let p = &pack.parameters[0];
    assert_eq!(
        (p.name.as_str(), p.old.as_deref(), p.new.as_deref()),
        ("reserve_share", Some("10%"), Some("20%"))
    );
    // docs/diff.md: the reserve takes £3.40 more of the year's £34.00
    // surplus (£0.64 more in each of the first two quarters, £1.06 in each
    // of the last two), all of it from the dividends: the members lose
    // £3.40 between them.
    let totals = pack.totals.as_ref().expect("a scenario ran");
    assert_eq!((totals.gain, totals.lose, totals.unchanged), (0, 28, 1));
    assert_eq!(totals.lost, "-£3.40");
    assert_eq!(totals.gained, "£0.00");
    // Members who change alike are one group, counted.
    let counted: usize = pack.groups.iter().map(|g| g.count).sum();
    assert_eq!(counted, 28);
    // Dividends credited to capital: the £5.00 buyers lose capital (kershaw
    // to maden 10p each, £4.71 to £4.61), cooper, who is paid his, 11p of
    // dividends; the lost total is the reserve's gain, £3.40, since the
    // surplus and the education fund are the same.
    let group = |count: usize| pack.groups.iter().find(|g| g.count == count);
    let six = group(6).expect("6 alike");
    assert_eq!(six.each.as_deref(), Some("-£0.10"));
    assert!(
        pack.groups
            .iter()
            .any(|g| g.each.as_deref() == Some("-£0.16"))
    );
    let html = amendment_html(&pack);
    let body = well_formed(&html).expect("well formed");
    assert!(html.contains("<del>ten</del>"), "{html}");
    assert!(html.contains("<ins>twenty</ins>"));
    assert!(html.contains("<svg"));
    assert!(body.contains("0 gain, 28 lose, 1 unchanged."), "{body}");
    assert!(
        body.contains("6 members (kershaw, j_holt, j_tweedale, s_tweedale, a_tweedale, maden)"),
        "{body}"
    );
}
