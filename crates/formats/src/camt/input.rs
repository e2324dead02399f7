//! The byte stream under the XML reader: counts lines for error positions and bounds how much
//! the XML reader can be made to buffer for one event.
//!
//! quick-xml collects a whole event — a text node, a tag, a comment, a CDATA section — into its
//! buffer before it hands it over, so a 1 GB text node would cost 1 GB of memory before any
//! length check on the event could run. It does consume its input chunk by chunk while it
//! collects, so this wrapper counts the bytes consumed since the last event was handed out
//! ([`Input::event_done`]) and fails the stream once they pass [`MAX_MARKUP_RUN_BYTES`]. The
//! reader's buffer then never holds more than that plus one chunk of this wrapper's own buffer
//! ([`CHUNK_BYTES`]), whatever the caller's reader hands out at once.

use std::io::{self, BufRead, Read};

use super::MAX_MARKUP_RUN_BYTES;
use super::error::Position;

/// Bytes read from the underlying reader at a time.
const CHUNK_BYTES: usize = 64 * 1024;

/// A [`BufRead`] that counts what the XML reader consumes and fails once one event gets too
/// long. It keeps its own buffer, so counting the consumed bytes needs no second look into the
/// caller's reader.
#[derive(Debug)]
pub(crate) struct Input<R> {
    inner: R,
    buffer: Box<[u8]>,
    start: usize,
    end: usize,
    consumed: u64,
    line: u64,
    /// Offset of the first byte of the current line.
    line_start: u64,
    /// Bytes consumed since the last event was handed out.
    run: usize,
    tripped: Option<Position>,
}

impl<R: BufRead> Input<R> {
    pub(crate) fn new(inner: R) -> Self {
        Input {
            inner,
            buffer: vec![0; CHUNK_BYTES].into_boxed_slice(),
            start: 0,
            end: 0,
            consumed: 0,
            line: 1,
            line_start: 0,
            run: 0,
            tripped: None,
        }
    }

    /// The place just after the last byte the XML reader consumed.
    pub(crate) fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.consumed - self.line_start + 1,
        }
    }

    /// Where the event length bound was crossed, if it was.
    pub(crate) fn tripped(&self) -> Option<Position> {
        self.tripped
    }

    /// The XML reader has handed out an event: the next one starts its own count.
    pub(crate) fn event_done(&mut self) {
        self.run = 0;
    }
}

impl<R: BufRead> Read for Input<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let count = available.len().min(out.len());
        out[..count].copy_from_slice(&available[..count]);
        self.consume(count);
        Ok(count)
    }
}

impl<R: BufRead> BufRead for Input<R> {
    #[inline]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.tripped.is_some() {
            return Err(io::Error::other("one XML event exceeds the length limit"));
        }
        if self.start == self.end {
            self.end = loop {
                match self.inner.read(&mut self.buffer) {
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                    result => break result?,
                }
            };
            self.start = 0;
        }
        Ok(&self.buffer[self.start..self.end])
    }

    #[inline]
    fn consume(&mut self, amount: usize) {
        let amount = amount.min(self.end - self.start);
        let bytes = &self.buffer[self.start..self.start + amount];
        if let Some(last) = bytes.iter().rposition(|&byte| byte == b'\n') {
            let newlines = bytes.iter().filter(|&&byte| byte == b'\n').count();
            self.line += newlines as u64;
            self.line_start = self.consumed + last as u64 + 1;
        }
        self.start += amount;
        self.consumed += amount as u64;
        self.run = self.run.saturating_add(amount);
        if self.run > MAX_MARKUP_RUN_BYTES && self.tripped.is_none() {
            self.tripped = Some(self.position());
        }
    }
}
