//! The event loop: quick-xml events in, [`BankEntry`] values out, one at a time.

use std::io::{self, BufRead};

use quick_xml::Reader;
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::{BytesDecl, BytesRef, Event};

use super::doc::{Completed, Doc, xml_error};
use super::error::{CamtError, Limit, Position, excerpt};
use super::input::Input;
use super::{BankEntry, CamtReadError, CamtSummary, MAX_ENTRIES};

/// Reads the document, handing every bank entry to `on_entry`; with `build` false (the
/// validation pass) entries are only checked and `on_entry` is never called.
pub(crate) fn read<R: BufRead, E>(
    input: R,
    build: bool,
    mut on_entry: impl FnMut(BankEntry) -> Result<(), E>,
) -> Result<CamtSummary, CamtReadError<E>> {
    let mut reader = Reader::from_reader(Input::new(input));
    // One buffer for every event: it grows to the longest tag or text once and is reused.
    let mut buffer = Vec::with_capacity(8 * 1024);
    let mut doc = Doc::new(build);
    let at = loop {
        buffer.clear();
        let event = reader.read_event_into(&mut buffer);
        reader.get_mut().event_done();
        let input = reader.get_ref();
        let at = input.position();
        let event = event.map_err(|error| reader_error(&error, input, &doc, at))?;
        let produced = match event {
            Event::Start(element) => {
                doc.start(&element, at)?;
                None
            }
            Event::Empty(element) => {
                doc.start(&element, at)?;
                doc.end(at)?
            }
            Event::End(_) => doc.end(at)?,
            Event::Text(text) => {
                doc.text(utf8(&text, at)?, at)?;
                None
            }
            Event::CData(data) => {
                doc.text(utf8(&data, at)?, at)?;
                None
            }
            Event::GeneralRef(reference) => {
                resolve(&reference, &mut doc, at)?;
                None
            }
            Event::Decl(declaration) => {
                check_encoding(&declaration, at)?;
                None
            }
            Event::DocType(_) => return Err(CamtError::Doctype { at }.into()),
            Event::PI(_) | Event::Comment(_) => None,
            Event::Eof => break at,
        };
        if let Some(completed) = produced {
            if doc.totals.entries >= MAX_ENTRIES {
                return Err(CamtError::TooLarge {
                    at,
                    limit: Limit::Entries,
                }
                .into());
            }
            let (amount, direction) = completed.amount();
            doc.totals.add(amount, direction, at)?;
            if let Completed::Entry(entry) = completed {
                on_entry(entry).map_err(CamtReadError::Callback)?;
            }
        }
    };
    let (header, totals, reports) = doc.finish(at)?;
    Ok(CamtSummary {
        header,
        entries: totals.entries,
        credits_minor_by_currency: totals.credits,
        debits_minor_by_currency: totals.debits,
        reports,
    })
}

fn utf8(bytes: &[u8], at: Position) -> Result<&str, CamtError> {
    std::str::from_utf8(bytes).map_err(|_| CamtError::NotUtf8 { at })
}

/// `&amp;` and the other predefined entities, and character references; any other entity
/// could only come from a DTD, which is refused.
fn resolve(reference: &BytesRef<'_>, doc: &mut Doc, at: Position) -> Result<(), CamtError> {
    let name: &[u8] = reference;
    let predefined = match name {
        b"amp" => "&",
        b"lt" => "<",
        b"gt" => ">",
        b"apos" => "'",
        b"quot" => "\"",
        _ => "",
    };
    if !predefined.is_empty() {
        return doc.text(predefined, at);
    }
    match reference.resolve_char_ref() {
        Ok(Some(character)) => doc.text(character.encode_utf8(&mut [0; 4]), at),
        Ok(None) => Err(CamtError::Entity {
            at,
            name: excerpt(&String::from_utf8_lossy(name)),
        }),
        Err(error) => Err(xml_error(at, &error)),
    }
}

/// `<?xml … encoding="…"?>`: only UTF-8 (the default when nothing is declared).
fn check_encoding(declaration: &BytesDecl<'_>, at: Position) -> Result<(), CamtError> {
    match declaration.encoding() {
        None => Ok(()),
        Some(Err(error)) => Err(xml_error(at, &error)),
        Some(Ok(encoding)) => {
            if encoding.eq_ignore_ascii_case(b"UTF-8") || encoding.eq_ignore_ascii_case(b"UTF8") {
                Ok(())
            } else {
                Err(CamtError::Encoding {
                    encoding: excerpt(&String::from_utf8_lossy(&encoding)),
                })
            }
        }
    }
}

/// A quick-xml error in the file's terms: a limit, a truncation, an I/O or a syntax problem.
fn reader_error<R: BufRead>(
    error: &XmlError,
    input: &Input<R>,
    doc: &Doc,
    at: Position,
) -> CamtError {
    if let Some(tripped) = input.tripped() {
        return CamtError::TooLarge {
            at: tripped,
            limit: Limit::MarkupRun,
        };
    }
    match error {
        XmlError::Io(io_error) => {
            CamtError::Io(io::Error::new(io_error.kind(), io_error.to_string()))
        }
        XmlError::Syntax(SyntaxError::InvalidBangMarkup) => xml_error(at, error),
        // Every other syntax error is a tag, comment, CDATA or declaration still open at the
        // end of the input, and so is a reference without its `;`.
        XmlError::Syntax(_) | XmlError::IllFormed(IllFormedError::UnclosedReference) => {
            CamtError::Truncated {
                element: doc.open_element().to_owned(),
                at,
            }
        }
        XmlError::Encoding(_) => CamtError::NotUtf8 { at },
        _ => xml_error(at, error),
    }
}
