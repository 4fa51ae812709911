//! A JSON document read one value at a time, so that a scenario's steps are
//! handed on as they are read and the document is never held in memory.
//!
//! serde_json reads a whole document (or a stream of whole documents); it
//! cannot stop inside an array and hand back its elements one by one
//! (serde-rs/json#404). Its answer, a visitor that takes each element in
//! turn (serde.rs/stream-array.html), cannot be an iterator. So this
//! scanner reads the punctuation of the outer object and of its arrays
//! itself, finds where each value inside ends (counting brackets outside
//! strings), and serde_json deserialises that one value from its bytes,
//! with its positions moved to the document's.

use std::io::BufRead;

use serde::de::DeserializeOwned;

use crate::span::Span;

/// Why a value or the document cannot be read: what, and where (byte
/// offset, line and column from 1, as serde_json counts them).
#[derive(Debug, Clone)]
pub struct Fault {
    /// What is wrong, without its position.
    pub message: String,
    /// The byte where it is.
    pub offset: usize,
    /// Its line.
    pub line: usize,
    /// Its column, in bytes.
    pub column: usize,
    /// Whether the text is not JSON at all (rather than JSON of another shape).
    pub syntax: bool,
}

impl Fault {
    /// Where it is, as a span of no width.
    pub fn span(&self) -> Span {
        Span::new(self.offset, self.offset)
    }
}

/// Reads a JSON document from `reader`, a value at a time.
pub struct Scanner<R> {
    reader: R,
    /// Bytes read so far.
    offset: usize,
    /// The line of `offset`, from 1.
    line: usize,
    /// Where that line starts.
    line_start: usize,
    /// The last value scanned.
    value: Vec<u8>,
    /// Where it starts: offset, line, column.
    value_at: (usize, usize, usize),
}

/// A value still open after this many bytes is parsed as far as it goes,
/// so that a missing bracket is reported where it is missing rather than at
/// the end of the file; the check is made again each time the value doubles.
const FIRST_CHECK: usize = 1 << 20;

impl<R: BufRead> Scanner<R> {
    /// A scanner at the start of `reader`.
    pub fn new(reader: R) -> Self {
        Scanner {
            reader,
            offset: 0,
            line: 1,
            line_start: 0,
            value: Vec::new(),
            value_at: (0, 1, 1),
        }
    }

    /// A fault at the current place.
    pub fn fault(&self, message: impl Into<String>) -> Fault {
        Fault {
            message: message.into(),
            offset: self.offset,
            line: self.line,
            column: self.offset - self.line_start + 1,
            syntax: true,
        }
    }

    fn io_fault(&self, e: &std::io::Error) -> Fault {
        self.fault(format!("the file cannot be read: {e}"))
    }

    /// Counts the lines in `bytes`, which start at `self.offset` and are
    /// about to be consumed.
    fn count_lines(offset: usize, bytes: &[u8], line: &mut usize, line_start: &mut usize) {
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'\n' {
                *line += 1;
                *line_start = offset + i + 1;
            }
        }
    }

    /// The next byte that is not white space, not consumed; `None` at the end.
    pub fn peek(&mut self) -> Result<Option<u8>, Fault> {
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io_fault(&e)),
            };
            if buf.is_empty() {
                return Ok(None);
            }
            let blank = buf
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
            let n = blank.unwrap_or(buf.len());
            let next = blank.map(|i| buf[i]);
            Self::count_lines(self.offset, &buf[..n], &mut self.line, &mut self.line_start);
            self.reader.consume(n);
            self.offset += n;
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// Consumes `byte` if it comes next (after white space).
    pub fn eat(&mut self, byte: u8) -> Result<bool, Fault> {
        if self.peek()? == Some(byte) {
            self.reader.consume(1);
            self.offset += 1;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Consumes `byte`, which must come next.
    pub fn expect(&mut self, byte: u8) -> Result<(), Fault> {
        if self.eat(byte)? {
            return Ok(());
        }
        let found = match self.peek()? {
            Some(b) if b.is_ascii_graphic() => format!("`{}`", b as char),
            Some(_) => "a character that does not belong there".into(),
            None => "the end of the file".into(),
        };
        Err(self.fault(format!("expected `{}`, found {found}", byte as char)))
    }

    /// Whether the document ends here (after white space).
    pub fn at_end(&mut self) -> Result<bool, Fault> {
        Ok(self.peek()?.is_none())
    }

    /// Scans the next value (an object, an array, a string or a scalar)
    /// and returns its span; [`Scanner::parse`] then reads it.
    pub fn value(&mut self) -> Result<Span, Fault> {
        let Some(first) = self.peek()? else {
            return Err(self.fault("the file ends where a value is expected"));
        };
        self.value.clear();
        self.value_at = (self.offset, self.line, self.offset - self.line_start + 1);
        let scalar = !matches!(first, b'{' | b'[' | b'"');
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        let mut next_check = FIRST_CHECK;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io_fault(&e)),
            };
            if buf.is_empty() {
                if scalar {
                    break;
                }
                // Parsed as far as it goes, the value says where it breaks.
                return Err(self
                    .parse::<serde::de::IgnoredAny>()
                    .err()
                    .unwrap_or_else(|| self.fault("the file ends inside a value")));
            }
            let mut end = None;
            for (i, &b) in buf.iter().enumerate() {
                if scalar {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                        end = Some(i);
                        break;
                    }
                } else if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                end = Some(i + 1);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            let n = end.unwrap_or(buf.len());
            self.value.extend_from_slice(&buf[..n]);
            Self::count_lines(self.offset, &buf[..n], &mut self.line, &mut self.line_start);
            self.reader.consume(n);
            self.offset += n;
            if end.is_some() {
                break;
            }
            if self.value.len() >= next_check {
                next_check *= 2;
                if let Err(fault) = self.parse::<serde::de::IgnoredAny>() {
                    if fault.message != EOF_IN_VALUE {
                        return Err(fault);
                    }
                }
            }
        }
        Ok(Span::new(self.value_at.0, self.offset))
    }

    /// Deserialises the value last scanned; a problem is placed in the document.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Fault> {
        serde_json::from_slice(&self.value).map_err(|e| self.locate(&e))
    }

    /// A serde_json error in the last value, placed in the document.
    fn locate(&self, e: &serde_json::Error) -> Fault {
        let (start, start_line, start_column) = self.value_at;
        let (line, column) = (e.line(), e.column());
        let syntax = matches!(
            e.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        );
        let text = e.to_string();
        // serde_json ends its message with its own (relative) position.
        let message = match text.rfind(" at line ") {
            Some(i) if line > 0 => text[..i].to_string(),
            _ => text,
        };
        let message = if e.classify() == serde_json::error::Category::Eof {
            EOF_IN_VALUE.to_string()
        } else {
            message
        };
        if line == 0 {
            return Fault {
                message,
                offset: start,
                line: start_line,
                column: start_column,
                syntax,
            };
        }
        let line_offset = if line == 1 {
            0
        } else {
            self.value
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .nth(line - 2)
                .map_or(self.value.len(), |(i, _)| i + 1)
        };
        let within = (line_offset + column.saturating_sub(1)).min(self.value.len());
        Fault {
            message,
            offset: start + within,
            line: start_line + line - 1,
            column: if line == 1 {
                start_column + column.saturating_sub(1)
            } else {
                column.max(1)
            },
            syntax,
        }
    }
}

/// What a value cut off by the end of the file is called.
const EOF_IN_VALUE: &str = "the file ends inside a value";

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Scanner<&[u8]> {
        Scanner::new(text.as_bytes())
    }

    #[test]
    fn values_are_cut_where_they_end() {
        let text = "{ \"a\": [1, {\"b\": \"x]}\\\"\"}], \"c\": 12.50 }";
        let mut s = scan(text);
        s.expect(b'{').expect("brace");
        assert_eq!(s.parse_key(), "a");
        let span = s.value().expect("array");
        assert_eq!(&text[span.start..span.end], "[1, {\"b\": \"x]}\\\"\"}]");
        s.expect(b',').expect("comma");
        assert_eq!(s.parse_key(), "c");
        let span = s.value().expect("number");
        assert_eq!(&text[span.start..span.end], "12.50");
        // Read exactly, not as floating point.
        let n: serde_json::Value = s.parse().expect("number");
        assert_eq!(n.to_string(), "12.50");
        s.expect(b'}').expect("brace");
        assert!(s.at_end().expect("end"));
    }

    #[test]
    fn a_fault_in_a_value_is_placed_in_the_document() {
        // The second line's value lacks a comma after "join": column 12.
        let text = "[\n  {\"act\": \"join\" \"args\": []}\n]";
        let mut s = scan(text);
        s.expect(b'[').expect("bracket");
        s.value().expect("balanced");
        let f = s.parse::<serde_json::Value>().expect_err("no comma");
        assert_eq!((f.line, f.column, f.offset), (2, 18, 19));
        assert_eq!(&text[f.offset..f.offset + 6], "\"args\"");
        assert!(f.syntax);
        assert_eq!(f.message, "expected `,` or `}`");
    }

    #[test]
    fn an_unclosed_value_is_reported_where_it_breaks() {
        // The brackets balance, but the first object is not closed.
        let text = "[{\"a\": 1,\n {\"b\": 2}]";
        let mut s = scan(text);
        s.expect(b'[').expect("bracket");
        s.value().expect("balanced");
        let f = s.parse::<serde_json::Value>().expect_err("unclosed");
        assert_eq!((f.line, f.column, f.offset), (2, 2, 11));
        // Cut off by the end of the file.
        let mut s = scan("[{\"a\": 1,\n \"b\": ");
        s.expect(b'[').expect("bracket");
        let f = s.value().expect_err("unclosed");
        assert_eq!(f.message, EOF_IN_VALUE);
        assert_eq!(f.line, 2);
    }

    impl Scanner<&[u8]> {
        fn parse_key(&mut self) -> String {
            self.value().expect("key");
            let key = self.parse::<String>().expect("string");
            self.expect(b':').expect("colon");
            key
        }
    }
}
