//! Parse rate of the camt reader: writes a synthetic camt.054.001.08 notification with
//! N entries (default 1,000,000) to a temporary file, then reads it twice the way an import
//! does — a validation pass, then a pass that hands every entry to a callback.
//!
//! `cargo run --release -p reilu-formats --example camt_parse_bench [-- N]`

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::time::Instant;

use reilu_formats::camt::synth::{synthetic_entries, write_camt054};
use reilu_formats::camt::{read_camt, validate_camt};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: u64 = match std::env::args().nth(1) {
        Some(text) => text.parse()?,
        None => 1_000_000,
    };
    let path = std::env::temp_dir().join(format!("reilu-camt-bench-{}.xml", std::process::id()));
    let started = Instant::now();
    let entries = synthetic_entries("FI8940051020304050", count);
    write_camt054(BufWriter::new(File::create(&path)?), "BENCH-0001", entries)?;
    let bytes = std::fs::metadata(&path)?.len();
    println!(
        "wrote {count} entries, {:.1} MB, in {:.2} s",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let summary = validate_camt(BufReader::with_capacity(64 * 1024, File::open(&path)?))?;
    report("validation pass", summary.entries, bytes, started);

    let started = Instant::now();
    let mut credits = 0_u64;
    read_camt(
        BufReader::with_capacity(64 * 1024, File::open(&path)?),
        |entry| {
            credits += u64::from(entry.direction == reilu_formats::camt::Direction::Credit);
            Ok::<(), std::convert::Infallible>(())
        },
    )?;
    report("reading pass", summary.entries, bytes, started);
    println!("credits: {credits}");

    let started = Instant::now();
    let events = raw_pass(&path)?;
    let seconds = started.elapsed().as_secs_f64();
    println!("for reference, quick-xml alone: {events} events in {seconds:.2} s");
    std::fs::remove_file(&path)?;
    Ok(())
}

fn report(what: &str, entries: u64, bytes: u64, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{what}: {entries} entries in {seconds:.2} s = {:.0} entries/s, {:.0} MB/s",
        entries as f64 / seconds,
        bytes as f64 / 1e6 / seconds
    );
}

/// quick-xml alone, every event read and dropped: the floor under the camt reader's rate.
fn raw_pass(path: &std::path::Path) -> Result<u64, Box<dyn std::error::Error>> {
    let mut reader =
        quick_xml::Reader::from_reader(BufReader::with_capacity(64 * 1024, File::open(path)?));
    let mut buffer = Vec::new();
    let mut events = 0_u64;
    loop {
        buffer.clear();
        if matches!(
            reader.read_event_into(&mut buffer)?,
            quick_xml::events::Event::Eof
        ) {
            return Ok(events);
        }
        events += 1;
    }
}
