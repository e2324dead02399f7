//! The claim file: UTF-8 CSV with a header row, read one row at a time so memory does not
//! grow with the file. Rows are numbered as in the file, the header being row 1.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

use crate::claim_row::{CLAIM_COLUMNS, FieldError, RawClaim};

#[derive(Debug, thiserror::Error)]
pub enum ClaimFileError {
    #[error("the file has no header row")]
    NoHeader,
    #[error("the header lacks the required column(s) {0}")]
    MissingColumns(String),
    #[error("the header names the column '{0}' twice")]
    DuplicateColumn(String),
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
    reader: csv::Reader<NewlineCounter<R>>,
    newlines: Arc<Mutex<NewlineLog>>,
    /// For each column of the file, the claim field it fills, if any.
    columns: Vec<Option<&'static str>>,
    record: csv::ByteRecord,
    row: u64,
    /// Bytes read so far, for a progress bar.
    position_bytes: u64,
}

impl<R: Read> ClaimFileReader<R> {
    pub fn new(input: R) -> Result<Self, ClaimFileError> {
        let newlines = Arc::new(Mutex::new(NewlineLog::default()));
        let counted = NewlineCounter {
            inner: input,
            log: Arc::clone(&newlines),
            offset_bytes: 0,
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(counted);
        let header = reader
            .byte_headers()
            .map_err(|error| ClaimFileError::Read(error.to_string()))?
            .clone();
        if header.is_empty() || header.iter().all(<[u8]>::is_empty) {
            return Err(ClaimFileError::NoHeader);
        }
        let columns = map_columns(&header)?;
        Ok(ClaimFileReader {
            reader,
            newlines,
            columns,
            record: csv::ByteRecord::new(),
            row: 1,
            position_bytes: 0,
        })
    }

    /// The next data row, or None at the end of the file. An error is returned only when the
    /// file cannot be read further (I/O); a malformed row is a row with an error.
    pub fn next_row(&mut self) -> Result<Option<ClaimFileRow>, ClaimFileError> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return Ok(None),
                Ok(true) => {}
                Err(error) => return self.unreadable_row(error).map(Some),
            }
            let position = self.record.position();
            self.position_bytes = position.map_or(self.position_bytes, csv::Position::byte);
            self.row = self.line_at(self.position_bytes);
            if self.record.iter().all(<[u8]>::is_empty) {
                continue;
            }
            return Ok(Some(ClaimFileRow {
                row: self.row,
                claim: self.raw_claim(),
            }));
        }
    }

    /// The line where the record starting at `offset_bytes` begins: what a clerk finds in an
    /// editor or spreadsheet. (The CSV reader's own line count skips blank lines.)
    fn line_at(&self, offset_bytes: u64) -> u64 {
        match self.newlines.lock() {
            Ok(mut log) => 1 + log.count_before(offset_bytes),
            Err(_) => self.row + 1,
        }
    }

    pub fn position_bytes(&self) -> u64 {
        self.position_bytes
    }

    fn unreadable_row(&mut self, error: csv::Error) -> Result<ClaimFileRow, ClaimFileError> {
        if let csv::ErrorKind::Io(io_error) = error.kind() {
            return Err(ClaimFileError::Read(io_error.to_string()));
        }
        self.row = match error.position() {
            Some(position) => self.line_at(position.byte()),
            None => self.row + 1,
        };
        let reason = format!("the row cannot be read as CSV: {error}");
        Ok(ClaimFileRow {
            row: self.row,
            claim: Err(FieldError {
                column: "(row)",
                reason,
            }),
        })
    }

    fn raw_claim(&self) -> Result<RawClaim, FieldError> {
        if self.record.len() != self.columns.len() {
            let reason = format!(
                "has {} fields, the header has {}",
                self.record.len(),
                self.columns.len()
            );
            return Err(FieldError {
                column: "(row)",
                reason,
            });
        }
        let mut raw = RawClaim::default();
        for (field, column) in self.record.iter().zip(&self.columns) {
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

/// Offsets of the newlines read but not yet passed by a record, and the count of those passed.
/// Records are read in order, so the log holds only the reader's read-ahead: bounded memory.
#[derive(Default)]
struct NewlineLog {
    /// Offset of each `\n` and whether a `\r` stands right before it.
    pending_offsets: VecDeque<(u64, bool)>,
    passed: u64,
    last_byte_was_cr: bool,
}

impl NewlineLog {
    /// Newlines before the record that the CSV reader says starts at `offset_bytes`. The
    /// reader gives the offset where it began looking, which is before any blank lines it
    /// skipped; those blank lines are counted here too.
    fn count_before(&mut self, offset_bytes: u64) -> u64 {
        while self
            .pending_offsets
            .front()
            .is_some_and(|(offset, _)| *offset < offset_bytes)
        {
            self.pending_offsets.pop_front();
            self.passed += 1;
        }
        let mut probe = offset_bytes;
        while let Some((offset, after_cr)) = self.pending_offsets.front().copied() {
            let blank_line = offset == probe || (after_cr && offset == probe + 1);
            if !blank_line {
                break;
            }
            self.pending_offsets.pop_front();
            self.passed += 1;
            probe = offset + 1;
        }
        self.passed
    }
}

/// Passes bytes through and logs where each newline is.
struct NewlineCounter<R> {
    inner: R,
    log: Arc<Mutex<NewlineLog>>,
    offset_bytes: u64,
}

impl<R: Read> Read for NewlineCounter<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let count = self.inner.read(buffer)?;
        let mut log = self
            .log
            .lock()
            .map_err(|_| std::io::Error::other("newline log poisoned"))?;
        for (index, byte) in buffer[..count].iter().enumerate() {
            if *byte == b'\n' {
                let after_cr = log.last_byte_was_cr;
                log.pending_offsets
                    .push_back((self.offset_bytes + index as u64, after_cr));
            }
            log.last_byte_was_cr = *byte == b'\r';
        }
        self.offset_bytes += count as u64;
        Ok(count)
    }
}

fn map_columns(header: &csv::ByteRecord) -> Result<Vec<Option<&'static str>>, ClaimFileError> {
    let mut columns = Vec::with_capacity(header.len());
    for name in header {
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
}
