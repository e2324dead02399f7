//! The claim file: UTF-8 CSV with a header row, read one line at a time so memory does not
//! grow with the file. Rows are numbered as in the file, the header being row 1.
//!
//! One line is one row: no field of a claim holds a line break, so a quote still open at the
//! end of its line is the client's mistake, not a field running on. That row is refused (the
//! column where the quote opened is named) and the next line is read as the next row, so an
//! unclosed quote never swallows the rows after it: every line of the file is accepted, a
//! duplicate or rejected. A general CSV reader would read on to the next quote (or the end
//! of the file) and report the rows in between as one broken row, or not at all.

use std::io::{BufRead, BufReader, Read};

use crate::claim_row::{CLAIM_COLUMNS, FieldError, RawClaim};

/// The longest line read as a row. A claim row is far shorter (its longest fields are 500
/// characters); a longer line is refused without being held in memory whole.
pub const LINE_LENGTH_MAX_BYTES: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ClaimFileError {
    #[error("the file has no header row")]
    NoHeader,
    #[error("the header lacks the required column(s) {0}")]
    MissingColumns(String),
    #[error("the header names the column '{0}' twice")]
    DuplicateColumn(String),
    #[error("the header row cannot be read: {0}")]
    BadHeader(String),
    #[error("the file cannot be read: {0}")]
    Read(String),
}

/// One data row: its number in the file and its fields, or what makes it unreadable.
pub struct ClaimFileRow {
    pub row: u64,
    pub claim: Result<RawClaim, FieldError>,
}

/// Reads claim rows from CSV. Unknown columns are ignored (clients often send more).
pub struct ClaimFileReader<R: Read> {
    input: BufReader<R>,
    /// For each column of the file, the claim field it fills, if any.
    columns: Vec<Option<&'static str>>,
    line: Line,
    /// The current line's fields, unquoted, and where each ends in `fields`.
    fields: Fields,
    row: u64,
    /// Bytes read so far, for a progress bar.
    position_bytes: u64,
}

/// One line as read: its bytes without the line break, or that it was too long to keep.
#[derive(Default)]
struct Line {
    bytes: Vec<u8>,
    too_long: bool,
}

impl<R: Read> ClaimFileReader<R> {
    pub fn new(input: R) -> Result<Self, ClaimFileError> {
        let mut reader = ClaimFileReader {
            input: BufReader::with_capacity(64 * 1024, input),
            columns: Vec::new(),
            line: Line::default(),
            fields: Fields::default(),
            row: 0,
            position_bytes: 0,
        };
        // The header is the first line with anything on it.
        loop {
            if !reader.read_line()? {
                return Err(ClaimFileError::NoHeader);
            }
            if reader.line.too_long {
                return Err(ClaimFileError::BadHeader(format!(
                    "longer than {LINE_LENGTH_MAX_BYTES} bytes"
                )));
            }
            if let Some(column) = reader.fields.split(&reader.line.bytes) {
                return Err(ClaimFileError::BadHeader(format!(
                    "the quote opened in column {} is not closed",
                    column + 1
                )));
            }
            if !reader.fields.all_empty() {
                break;
            }
        }
        reader.columns = map_columns(&reader.fields)?;
        Ok(reader)
    }

    /// The next data row, or None at the end of the file. An error is returned only when the
    /// file cannot be read further (I/O); a malformed row is a row with an error.
    pub fn next_row(&mut self) -> Result<Option<ClaimFileRow>, ClaimFileError> {
        loop {
            if !self.read_line()? {
                return Ok(None);
            }
            if self.line.too_long {
                let reason = format!(
                    "the line is longer than {LINE_LENGTH_MAX_BYTES} bytes: not a claim row"
                );
                return Ok(Some(self.row_error("(row)", reason)));
            }
            if let Some(index) = self.fields.split(&self.line.bytes) {
                let column = self
                    .columns
                    .get(index)
                    .copied()
                    .flatten()
                    .unwrap_or("(row)");
                let reason = format!(
                    "the quote opened in field {} is not closed on this line (a field cannot \
                     hold a line break); the row is not read, the next line is read as the next row",
                    index + 1
                );
                return Ok(Some(self.row_error(column, reason)));
            }
            if self.fields.all_empty() {
                continue;
            }
            return Ok(Some(ClaimFileRow {
                row: self.row,
                claim: self.raw_claim(),
            }));
        }
    }

    pub fn position_bytes(&self) -> u64 {
        self.position_bytes
    }

    fn row_error(&self, column: &'static str, reason: String) -> ClaimFileRow {
        ClaimFileRow {
            row: self.row,
            claim: Err(FieldError { column, reason }),
        }
    }

    /// Reads the next line into `self.line` (without its `\n` or `\r\n`); false at the end of
    /// the file. A line longer than [`LINE_LENGTH_MAX_BYTES`] is skipped to its end, not kept.
    fn read_line(&mut self) -> Result<bool, ClaimFileError> {
        self.line.bytes.clear();
        self.line.too_long = false;
        let mut read_any = false;
        loop {
            let available = self
                .input
                .fill_buf()
                .map_err(|error| ClaimFileError::Read(error.to_string()))?;
            if available.is_empty() {
                break;
            }
            read_any = true;
            let newline = available.iter().position(|byte| *byte == b'\n');
            let taken = newline.map_or(available, |index| &available[..index]);
            if !self.line.too_long {
                if self.line.bytes.len() + taken.len() > LINE_LENGTH_MAX_BYTES {
                    self.line.too_long = true;
                    self.line.bytes.clear();
                } else {
                    self.line.bytes.extend_from_slice(taken);
                }
            }
            let consumed = newline.map_or(available.len(), |index| index + 1);
            self.input.consume(consumed);
            self.position_bytes += consumed as u64;
            if newline.is_some() {
                break;
            }
        }
        if !read_any {
            return Ok(false);
        }
        if self.line.bytes.last() == Some(&b'\r') {
            self.line.bytes.pop();
        }
        self.row += 1;
        Ok(true)
    }

    fn raw_claim(&self) -> Result<RawClaim, FieldError> {
        if self.fields.len() != self.columns.len() {
            let reason = format!(
                "has {} fields, the header has {}",
                self.fields.len(),
                self.columns.len()
            );
            return Err(FieldError {
                column: "(row)",
                reason,
            });
        }
        let mut raw = RawClaim::default();
        for (field, column) in self.fields.iter().zip(&self.columns) {
            let Some(column) = column else { continue };
            if field.is_empty() {
                continue;
            }
            let Ok(text) = std::str::from_utf8(field) else {
                return Err(FieldError {
                    column,
                    reason: "is not valid UTF-8 text".into(),
                });
            };
            raw.set(column, text.to_owned());
        }
        Ok(raw)
    }
}

/// The fields of one line (RFC 4180 quoting: a field that starts with `"` runs to the next
/// lone `"`, and `""` inside it is one `"`), trimmed of surrounding ASCII whitespace.
#[derive(Default)]
struct Fields {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quoting {
    FieldStart,
    Plain,
    Quoted,
    QuoteInQuoted,
}

impl Fields {
    /// Splits a line into fields. Returns the index of the field whose quote is still open at
    /// the end of the line, if one is.
    fn split(&mut self, line: &[u8]) -> Option<usize> {
        self.bytes.clear();
        self.ends.clear();
        let mut field_start = 0;
        let mut state = Quoting::FieldStart;
        for byte in line.iter().copied() {
            state = match (state, byte) {
                (Quoting::Quoted, b'"') => Quoting::QuoteInQuoted,
                (Quoting::Quoted, _) => {
                    self.bytes.push(byte);
                    Quoting::Quoted
                }
                (Quoting::QuoteInQuoted, b'"') => {
                    self.bytes.push(b'"');
                    Quoting::Quoted
                }
                (_, b',') => {
                    self.end_field(field_start);
                    field_start = self.bytes.len();
                    Quoting::FieldStart
                }
                (Quoting::FieldStart, b'"') => Quoting::Quoted,
                // Text after a closing quote, or a quote inside an unquoted field, is kept as
                // it stands (as the common CSV readers do).
                (_, _) => {
                    self.bytes.push(byte);
                    Quoting::Plain
                }
            };
        }
        self.end_field(field_start);
        (state == Quoting::Quoted).then(|| self.ends.len() - 1)
    }

    /// Ends the field that started at `start`, trimming its surrounding whitespace.
    fn end_field(&mut self, start: usize) {
        let field = &self.bytes[start..];
        let kept = field.trim_ascii();
        let offset = kept.as_ptr() as usize - field.as_ptr() as usize;
        let length = kept.len();
        if offset > 0 {
            self.bytes
                .copy_within(start + offset..start + offset + length, start);
        }
        self.bytes.truncate(start + length);
        self.ends.push(self.bytes.len());
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(start, end)| &self.bytes[start..end])
    }

    fn all_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

fn map_columns(header: &Fields) -> Result<Vec<Option<&'static str>>, ClaimFileError> {
    let mut columns = Vec::with_capacity(header.len());
    for name in header.iter() {
        let name = String::from_utf8_lossy(name)
            .trim_start_matches('\u{feff}')
            .to_ascii_lowercase();
        let known = CLAIM_COLUMNS
            .iter()
            .map(|(column, _)| *column)
            .find(|column| *column == name);
        if known.is_some() && columns.contains(&known) {
            return Err(ClaimFileError::DuplicateColumn(name));
        }
        columns.push(known);
    }
    let missing: Vec<&str> = CLAIM_COLUMNS
        .iter()
        .filter(|(column, required)| *required && !columns.contains(&Some(*column)))
        .map(|(column, _)| *column)
        .collect();
    if !missing.is_empty() {
        return Err(ClaimFileError::MissingColumns(missing.join(", ")));
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "client_claim_ref,market,customer_type,customer_national_id,customer_name,\
customer_address_line1,customer_postcode,customer_city,currency,principal,invoice_date,due_date,extra";

    fn rows(text: &str) -> Vec<(u64, Result<RawClaim, FieldError>)> {
        let mut reader = ClaimFileReader::new(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let mut rows = Vec::new();
        while let Some(row) = reader.next_row().unwrap_or_else(|e| panic!("{e}")) {
            rows.push((row.row, row.claim));
        }
        rows
    }

    #[test]
    fn rows_are_numbered_as_in_the_file_and_quoted_fields_read() {
        let text = format!(
            "\u{feff}{HEADER}\nA,FI,consumer,131052-308T,\"Meikäläinen, Maija\",Katu 1,00100,Helsinki,EUR,1.00,2026-01-01,2026-01-02,x\n\n\
             B,FI,consumer,131052-308T,Maija,Katu 1,00100,Helsinki,EUR,1.00\n"
        );
        let rows = rows(&text);
        assert_eq!(rows.len(), 2);
        let crlf = format!("{HEADER}\r\n\r\n\r\nA,FI\r\nb\r\n\r\nc\n");
        let numbers: Vec<u64> = self::rows(&crlf).iter().map(|(row, _)| *row).collect();
        assert_eq!(numbers, [4, 5, 7]);
        assert_eq!(rows[0].0, 2);
        let first = rows[0].1.as_ref().map(|raw| raw.customer_name.clone());
        assert_eq!(first.ok().flatten().as_deref(), Some("Meikäläinen, Maija"));
        assert_eq!(rows[1].0, 4, "the blank line is row 3");
        let short = rows[1]
            .1
            .as_ref()
            .err()
            .map(|e| e.reason.clone())
            .unwrap_or_default();
        assert!(
            short.contains("has 10 fields, the header has 13"),
            "{short}"
        );
    }

    #[test]
    fn a_header_without_required_columns_is_refused_by_name() {
        let error = ClaimFileReader::new("client_claim_ref,market\nA,FI\n".as_bytes()).err();
        let message = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains("customer_type") && message.contains("due_date"),
            "{message}"
        );
        let twice = ClaimFileReader::new(format!("{HEADER},market\n").as_bytes()).err();
        assert!(matches!(twice, Some(ClaimFileError::DuplicateColumn(_))));
        assert!(matches!(
            ClaimFileReader::new("".as_bytes()).err(),
            Some(ClaimFileError::NoHeader)
        ));
    }

    #[test]
    fn invalid_utf8_is_a_row_error_not_a_lost_file() {
        let mut bytes = format!("{HEADER}\n").into_bytes();
        bytes.extend_from_slice(b"A,FI,consumer,131052-308T,\xff\xfe,Katu,00100,Helsinki,EUR,1,2026-01-01,2026-01-02,\n");
        bytes.extend_from_slice(
            b"B,FI,consumer,131052-308T,Maija,Katu,00100,Helsinki,EUR,1,2026-01-01,2026-01-02,\n",
        );
        let mut reader = ClaimFileReader::new(bytes.as_slice()).unwrap_or_else(|e| panic!("{e}"));
        let first = reader
            .next_row()
            .ok()
            .flatten()
            .map(|row| row.claim.err().map(|e| e.column));
        assert_eq!(first, Some(Some("customer_name")));
        let second = reader
            .next_row()
            .ok()
            .flatten()
            .map(|row| row.claim.is_ok());
        assert_eq!(second, Some(true));
    }

    const GOOD: &str =
        "A,FI,consumer,131052-308T,Maija,Katu 1,00100,Helsinki,EUR,1.00,2026-01-01,2026-01-02,x";

    #[test]
    fn an_unclosed_quote_costs_only_its_own_row() {
        let text = format!(
            "{HEADER}\n{GOOD}\nB,FI,consumer,131052-308T,\"Maija,Katu 1,00100,Helsinki,EUR,1.00,2026-01-01,2026-01-02,x\n\
             {GOOD}\n{GOOD}\n\"C\"\"\",FI,consumer,131052-308T,\"Maija, \"\"M\"\"\",Katu 1,00100,Helsinki,EUR,1.00,2026-01-01,2026-01-02,x\n\
             D,FI,consumer,131052-308T,\"Maija,Katu\n"
        );
        let rows = rows(&text);
        let numbers: Vec<u64> = rows.iter().map(|(row, _)| *row).collect();
        assert_eq!(
            numbers,
            [2, 3, 4, 5, 6, 7],
            "every line is a row of its own"
        );
        let open = rows[1]
            .1
            .as_ref()
            .err()
            .cloned()
            .unwrap_or_else(|| panic!("row 3"));
        assert_eq!(open.column, "customer_name");
        assert!(open.reason.contains("not closed"), "{}", open.reason);
        assert!(
            rows[2].1.is_ok() && rows[3].1.is_ok(),
            "the rows after it are read"
        );
        let escaped = rows[4]
            .1
            .as_ref()
            .map(|raw| (raw.client_claim_ref.clone(), raw.customer_name.clone()));
        assert_eq!(
            escaped.ok(),
            Some((Some("C\"".to_owned()), Some("Maija, \"M\"".to_owned())))
        );
        let at_end = rows[5].1.as_ref().err().map(|e| e.column);
        assert_eq!(
            at_end,
            Some("customer_name"),
            "an open quote at the end of the file too"
        );
    }

    #[test]
    fn an_overlong_line_is_one_refused_row_and_not_kept() {
        let long = "x".repeat(LINE_LENGTH_MAX_BYTES + 10);
        let text = format!("{HEADER}\n{long}\n{GOOD}\n");
        let rows = rows(&text);
        assert_eq!(rows.len(), 2);
        let reason = rows[0]
            .1
            .as_ref()
            .err()
            .map(|e| e.reason.clone())
            .unwrap_or_default();
        assert!(reason.contains("longer than"), "{reason}");
        assert_eq!(rows[1].0, 3);
        assert!(rows[1].1.is_ok());
    }
}
