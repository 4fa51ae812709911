/**
 * A tree-sitter grammar for Rochdale rulebooks (.coop), for highlighting
 * in Neovim, Helix and Zed.
 *
 * It is a highlighting grammar, not the language's syntax: a rulebook is
 * read as its words, literals, operators and brackets, with the places
 * that name something marked (`rule price`, `act join`, a call `price(...)`,
 * an attribute `m.shares`). So every rulebook parses, even one being
 * typed; what is wrong in it is the language server's to say
 * (`rochdale lsp`, from the real parser and checker). The language's
 * words are read from keywords.js, which tests/editors.rs writes from
 * src/syntax/keywords.rs, so they cannot drift from the parser.
 */

const KEYWORDS = require("./keywords.js");

/** The words that start a definition, followed by its name. */
const DEFINES = ["rule", "parameter", "act", "unit", "limit", "resolution", "election"];

module.exports = grammar({
  name: "rochdale",

  extras: ($) => [/\s/, $.comment],

  word: ($) => $.identifier,

  rules: {
    source_file: ($) => repeat($._item),

    _item: ($) =>
      choice(
        $.definition,
        $.call,
        $.attribute,
        $.keyword,
        $.identifier,
        $.string,
        $.date,
        $.money,
        $.percent,
        $.number,
        $.operator,
        $.punctuation,
        $.block,
        $.parenthesized,
      ),

    // `rule price`, `parameter markup`, `act join`: a word that defines
    // the name after it.
    definition: ($) =>
      prec(2, seq(alias(choice(...DEFINES), $.keyword), field("name", $.identifier))),

    // `price(£1.15)`, `round(x, to 0.01, half up)`.
    call: ($) => prec(1, seq(field("name", $.identifier), $.parenthesized)),

    // `m.shares`, `period.sales`.
    attribute: ($) =>
      prec(
        1,
        seq(
          field("object", choice($.identifier, alias("period", $.keyword))),
          ".",
          field("attribute", $.identifier),
        ),
      ),

    block: ($) => seq("{", repeat($._item), "}"),
    parenthesized: ($) => seq("(", repeat($._item), ")"),

    keyword: ($) => choice(...KEYWORDS),

    identifier: ($) => /[A-Za-z_][A-Za-z0-9_]*/,

    comment: ($) => token(seq("--", /.*/)),
    string: ($) => token(seq('"', repeat(choice(/[^"\\]/, /\\./)), '"')),
    date: ($) => token(/\d{4}-\d{2}-\d{2}/),
    money: ($) => token(/[£€$¥]\d[\d_]*(\.\d[\d_]*)?/),
    percent: ($) => token(/\d[\d_]*(\.\d[\d_]*)?%/),
    number: ($) => token(/\d[\d_]*(\.\d[\d_]*)?/),

    operator: ($) =>
      choice("<=", ">=", "!=", "<", ">", "=", "+", "-", "*", "/", "×", "÷", "≤", "≥", "≠"),
    punctuation: ($) => choice(",", ":", "?"),
  },
});
