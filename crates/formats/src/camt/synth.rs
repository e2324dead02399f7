//! Synthetic camt.054.001.08 notifications written from [`BankEntry`] values, for tests,
//! benchmarks and demonstration data — never for sending to anyone.
//!
//! Each [`BankEntry`] becomes one `Ntfctn/Ntry` with a single `NtryDtls/TxDtls`, and
//! `bank_reference` becomes `Ntry/AcctSvcrRef`, so [`super::read_camt`] gives back exactly the
//! entries written (the round trip the property tests check). Consecutive entries of one
//! account share an `Ntfctn`. The output is valid against the camt.054.001.08 schema as long as
//! the texts respect its lengths (`Max35Text` references, `Max140Text` names and lines).

use std::io::{self, BufWriter, Write};

use chrono::NaiveDate;
use quick_xml::escape::escape;
use reilu_core::{Currency, Money};

use super::{BankEntry, Direction, EntryStatus};
use crate::reference::rf_from_base;

/// Writes `entries` as one camt.054.001.08 message with `GrpHdr/MsgId` `message_id`.
pub fn write_camt054<W: Write>(
    out: W,
    message_id: &str,
    entries: impl IntoIterator<Item = BankEntry>,
) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    let message_id = escape(message_id);
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.08\">\n\
         <BkToCstmrDbtCdtNtfctn>\n\
         <GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>2024-01-31T18:00:00</CreDtTm></GrpHdr>\n"
    )?;
    let mut account: Option<String> = None;
    let mut reports = 0_u32;
    for entry in entries {
        if account.as_deref() != Some(entry.account_iban.as_str()) {
            if account.is_some() {
                out.write_all(b"</Ntfctn>\n")?;
            }
            reports += 1;
            writeln!(
                out,
                "<Ntfctn><Id>{message_id}-{reports}</Id><Acct><Id><IBAN>{}</IBAN></Id></Acct>",
                escape(&entry.account_iban)
            )?;
            account = Some(entry.account_iban.clone());
        }
        write_entry(&mut out, &entry)?;
    }
    if account.is_some() {
        out.write_all(b"</Ntfctn>\n")?;
    } else {
        // The schema wants at least one notification; an empty one carries no entries.
        out.write_all(
            b"<Ntfctn><Id>EMPTY</Id><Acct><Id><Othr><Id>0</Id></Othr></Id></Acct></Ntfctn>\n",
        )?;
    }
    out.write_all(b"</BkToCstmrDbtCdtNtfctn>\n</Document>\n")?;
    out.flush()
}

fn write_entry(out: &mut impl Write, entry: &BankEntry) -> io::Result<()> {
    let amount = amount_xml(entry.amount)?;
    let direction = match entry.direction {
        Direction::Credit => "CRDT",
        Direction::Debit => "DBIT",
    };
    let status = match entry.status {
        EntryStatus::Booked => "BOOK",
        EntryStatus::Pending => "PDNG",
        EntryStatus::Other => "INFO",
    };
    write!(out, "<Ntry>{amount}<CdtDbtInd>{direction}</CdtDbtInd>")?;
    if entry.reversal {
        out.write_all(b"<RvslInd>true</RvslInd>")?;
    }
    write!(out, "<Sts><Cd>{status}</Cd></Sts>")?;
    write_date(out, "BookgDt", entry.booking_date)?;
    write_date(out, "ValDt", entry.value_date)?;
    let family = match entry.direction {
        Direction::Credit => "RCDT",
        Direction::Debit => "ICDT",
    };
    write!(
        out,
        "<AcctSvcrRef>{}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{family}</Cd>\
         <SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>\n<NtryDtls><TxDtls>",
        escape(&entry.bank_reference)
    )?;
    if let Some(id) = &entry.end_to_end_id {
        write!(out, "<Refs><EndToEndId>{}</EndToEndId></Refs>", escape(id))?;
    }
    write!(out, "{amount}<CdtDbtInd>{direction}</CdtDbtInd>")?;
    if entry.debtor_name.is_some() || entry.debtor_iban.is_some() {
        out.write_all(b"<RltdPties>")?;
        if let Some(name) = &entry.debtor_name {
            write!(out, "<Dbtr><Pty><Nm>{}</Nm></Pty></Dbtr>", escape(name))?;
        }
        if let Some(iban) = &entry.debtor_iban {
            write!(
                out,
                "<DbtrAcct><Id><IBAN>{}</IBAN></Id></DbtrAcct>",
                escape(iban)
            )?;
        }
        out.write_all(b"</RltdPties>")?;
    }
    write_remittance(out, entry)?;
    if let Some(reason) = &entry.return_reason {
        write!(
            out,
            "<RtrInf><Rsn><Cd>{}</Cd></Rsn></RtrInf>",
            escape(reason)
        )?;
    }
    out.write_all(b"</TxDtls></NtryDtls></Ntry>\n")
}

fn write_remittance(out: &mut impl Write, entry: &BankEntry) -> io::Result<()> {
    if entry.unstructured.is_empty() && entry.structured_reference.is_none() {
        return Ok(());
    }
    out.write_all(b"<RmtInf>")?;
    for line in &entry.unstructured {
        write!(out, "<Ustrd>{}</Ustrd>", escape(line))?;
    }
    if let Some(reference) = &entry.structured_reference {
        write!(
            out,
            "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>\
             <Ref>{}</Ref></CdtrRefInf></Strd>",
            escape(reference)
        )?;
    }
    out.write_all(b"</RmtInf>")
}

fn write_date(out: &mut impl Write, element: &str, date: Option<NaiveDate>) -> io::Result<()> {
    match date {
        Some(date) => write!(
            out,
            "<{element}><Dt>{}</Dt></{element}>",
            date.format("%Y-%m-%d")
        ),
        None => Ok(()),
    }
}

/// `<Amt Ccy="EUR">12.50</Amt>`: major units with exactly the currency's decimals.
fn amount_xml(amount: Money) -> io::Result<String> {
    let minor = u64::try_from(amount.amount_minor()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "camt amounts are never negative",
        )
    })?;
    let currency = amount.currency();
    let digits = usize::from(currency.minor_digits());
    let per_major = currency.minor_per_major().unsigned_abs();
    let (whole, fraction) = (minor / per_major, minor % per_major);
    Ok(if digits == 0 {
        format!("<Amt Ccy=\"{currency}\">{whole}</Amt>")
    } else {
        format!("<Amt Ccy=\"{currency}\">{whole}.{fraction:0digits$}</Amt>")
    })
}

/// `count` varied, realistic-looking entries for `account_iban` (an IBAN), for benchmarks:
/// mostly credits with an RF reference or a text line, some debits, reversals and returns.
pub fn synthetic_entries(account_iban: &str, count: u64) -> impl Iterator<Item = BankEntry> + '_ {
    let first_day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    (0..count).map(move |index| {
        let day = first_day + chrono::Days::new(index % 28);
        let debit = index % 50 == 49;
        let returned = index % 200 == 199;
        BankEntry {
            account_iban: account_iban.to_owned(),
            bank_reference: format!("SYN{index:012}"),
            amount: Money::from_minor(
                i64::try_from(100 + (index * 7_919) % 250_000).unwrap_or(100),
                Currency::EUR,
            ),
            direction: if debit {
                Direction::Debit
            } else {
                Direction::Credit
            },
            reversal: index % 97 == 96,
            status: EntryStatus::Booked,
            booking_date: Some(day),
            value_date: Some(day),
            structured_reference: if index % 2 == 0 {
                rf_from_base(&format!("{}", 88_000_000 + index)).ok()
            } else {
                None
            },
            unstructured: vec![format!("Payment of invoice {index} thank you")],
            end_to_end_id: Some(format!("E2E-{index:010}")),
            return_reason: returned.then(|| "AC04".to_owned()),
            debtor_name: Some(format!("Debtor {}", index % 10_000)),
            debtor_iban: (index % 2 == 0).then(|| "DE89370400440532013000".to_owned()),
        }
    })
}
