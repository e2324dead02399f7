//! The XML text: elements in the order of the pain.001.001.09 schema, two-space indentation,
//! one element per line, every text escaped.
//!
//! The values reaching this module were checked and, for text, already brought into the Latin
//! set, which holds none of XML's markup characters but `'`. Escaping is kept anyway, so that the
//! writer stays well-formed whatever a future change of the character rules lets through.

use std::borrow::Cow;

use super::check::{CheckedBatch, CheckedFile, CheckedTransfer};

/// The message's namespace: `urn:iso:std:iso:20022:tech:xsd:pain.001.001.09`.
const NAMESPACE: &str = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";
/// `PmtMtd`: credit transfer (the only method the EPC allows).
const TRANSFER: &str = "TRF";
/// `PmtTpInf/SvcLvl/Cd` of a SEPA credit transfer (AT-T001).
const SEPA_SERVICE_LEVEL: &str = "SEPA";
/// `ChrgBr` of a SEPA credit transfer: each party pays its own bank's charges.
const SEPA_CHARGE_BEARER: &str = "SLEV";
/// `DbtrAgt/FinInstnId/Othr/Id` when the debtor agent's BIC is not given (EPC usage rule).
const NOT_PROVIDED: &str = "NOTPROVIDED";

#[derive(Default)]
struct Out {
    xml: String,
    depth: usize,
}

impl Out {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.xml.push_str("  ");
        }
    }

    fn open(&mut self, name: &str) {
        self.indent();
        self.xml.push('<');
        self.xml.push_str(name);
        self.xml.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.xml.push_str("</");
        self.xml.push_str(name);
        self.xml.push_str(">\n");
    }

    /// `<name>text</name>` on one line.
    fn leaf(&mut self, name: &str, text: &str) {
        self.leaf_with_attribute(name, None, text);
    }

    fn leaf_with_attribute(&mut self, name: &str, attribute: Option<(&str, &str)>, text: &str) {
        self.indent();
        self.xml.push('<');
        self.xml.push_str(name);
        if let Some((key, value)) = attribute {
            self.xml.push(' ');
            self.xml.push_str(key);
            self.xml.push_str("=\"");
            self.xml.push_str(&escape_attribute(value));
            self.xml.push('"');
        }
        self.xml.push('>');
        self.xml.push_str(&escape_text(text));
        self.xml.push_str("</");
        self.xml.push_str(name);
        self.xml.push_str(">\n");
    }

    /// A chain of single children ending in text: `path(&["Dbtr", "Nm"], name)`.
    fn path(&mut self, names: &[&str], text: &str) {
        let Some((last, parents)) = names.split_last() else {
            return;
        };
        for parent in parents {
            self.open(parent);
        }
        self.leaf(last, text);
        for parent in parents.iter().rev() {
            self.close(parent);
        }
    }
}

/// The whole document: `Document/CstmrCdtTrfInitn` with `GrpHdr` and one `PmtInf` per batch.
pub(super) fn render(file: &CheckedFile) -> String {
    let mut out = Out::default();
    out.xml
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.xml.push_str("<Document xmlns=\"");
    out.xml.push_str(&escape_attribute(NAMESPACE));
    out.xml.push_str("\">\n");
    out.depth = 1;
    out.open("CstmrCdtTrfInitn");
    group_header(&mut out, file);
    for batch in &file.batches {
        payment_information(&mut out, batch);
    }
    out.close("CstmrCdtTrfInitn");
    out.xml.push_str("</Document>\n");
    out.xml
}

/// `GrpHdr`: `MsgId`, `CreDtTm`, `NbOfTxs`, `CtrlSum` (mandatory for the EPC), `InitgPty/Nm`.
fn group_header(out: &mut Out, file: &CheckedFile) {
    out.open("GrpHdr");
    out.leaf("MsgId", &file.message_id);
    out.leaf("CreDtTm", &file.created_at);
    out.leaf("NbOfTxs", &file.transaction_count.to_string());
    out.leaf("CtrlSum", &file.control_sum);
    out.path(&["InitgPty", "Nm"], &file.initiating_party);
    out.close("GrpHdr");
}

/// `PmtInf`. A euro batch carries `PmtTpInf/SvcLvl/Cd` `SEPA` and `ChrgBr` `SLEV` here, once
/// for all its transactions; other batches carry neither.
fn payment_information(out: &mut Out, batch: &CheckedBatch) {
    out.open("PmtInf");
    out.leaf("PmtInfId", &batch.id);
    out.leaf("PmtMtd", TRANSFER);
    out.leaf("NbOfTxs", &batch.transfers.len().to_string());
    out.leaf("CtrlSum", &batch.control_sum);
    if batch.sepa {
        out.path(&["PmtTpInf", "SvcLvl", "Cd"], SEPA_SERVICE_LEVEL);
    }
    out.path(&["ReqdExctnDt", "Dt"], &batch.execution_date);
    out.path(&["Dbtr", "Nm"], &batch.debtor_name);
    out.path(&["DbtrAcct", "Id", "IBAN"], &batch.debtor_iban);
    match &batch.debtor_bic {
        Some(bic) => out.path(&["DbtrAgt", "FinInstnId", "BICFI"], bic),
        None => out.path(&["DbtrAgt", "FinInstnId", "Othr", "Id"], NOT_PROVIDED),
    }
    if batch.sepa {
        out.leaf("ChrgBr", SEPA_CHARGE_BEARER);
    }
    for transfer in &batch.transfers {
        credit_transfer(out, transfer);
    }
    out.close("PmtInf");
}

/// `CdtTrfTxInf`: `PmtId/EndToEndId`, `Amt/InstdAmt` with `Ccy`, `CdtrAgt` when the BIC is
/// known, `Cdtr/Nm`, `CdtrAcct/Id/IBAN`, `RmtInf/Ustrd` when there is remittance information.
fn credit_transfer(out: &mut Out, transfer: &CheckedTransfer) {
    out.open("CdtTrfTxInf");
    out.path(&["PmtId", "EndToEndId"], &transfer.end_to_end_id);
    out.open("Amt");
    let currency = Some(("Ccy", transfer.currency.code()));
    out.leaf_with_attribute("InstdAmt", currency, &transfer.amount);
    out.close("Amt");
    if let Some(bic) = &transfer.creditor_bic {
        out.path(&["CdtrAgt", "FinInstnId", "BICFI"], bic);
    }
    out.path(&["Cdtr", "Nm"], &transfer.creditor_name);
    out.path(&["CdtrAcct", "Id", "IBAN"], &transfer.creditor_iban);
    if let Some(remittance) = &transfer.remittance {
        out.path(&["RmtInf", "Ustrd"], remittance);
    }
    out.close("CdtTrfTxInf");
}

/// Escapes element content: `&`, `<` and `>` (the last so that `]]>` can never appear).
/// Quotes need no escaping in content and are left as they are.
fn escape_text(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// Escapes an attribute value written between double quotes: also `"` and `'`.
fn escape_attribute(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, quotes: bool) -> Cow<'_, str> {
    let needs = |c: char| matches!(c, '&' | '<' | '>') || (quotes && matches!(c, '"' | '\''));
    if !text.contains(needs) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' if quotes => escaped.push_str("&quot;"),
            '\'' if quotes => escaped.push_str("&apos;"),
            other => escaped.push(other),
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_escapes_markup_and_keeps_quotes() {
        assert_eq!(
            escape_text(r#"A & B <c> "d" 'e' ]]>"#),
            r#"A &amp; B &lt;c&gt; "d" 'e' ]]&gt;"#
        );
    }

    #[test]
    fn attributes_escape_quotes_too() {
        assert_eq!(
            escape_attribute(r#"A & B <c> "d" 'e'"#),
            "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;"
        );
    }

    #[test]
    fn plain_text_is_not_copied() {
        assert!(matches!(escape_text("Reilu Oy"), Cow::Borrowed(_)));
        assert!(matches!(escape_attribute("EUR"), Cow::Borrowed(_)));
    }

    #[test]
    fn escaped_text_reads_back_as_the_original() {
        let original = r#"x & y < z > "q" 'a' &amp;"#;
        let xml = format!(
            "<r a=\"{}\">{}</r>",
            escape_attribute(original),
            escape_text(original)
        );
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut text = String::new();
        let mut attribute = String::new();
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Start(start)) => {
                    for found in start.attributes().flatten() {
                        attribute = found
                            .unescape_value()
                            .map(|v| v.into_owned())
                            .unwrap_or_default();
                    }
                }
                Ok(quick_xml::events::Event::Text(t)) => {
                    text.push_str(&t.decode().map(|v| v.into_owned()).unwrap_or_default());
                }
                Ok(quick_xml::events::Event::GeneralRef(r)) => {
                    let name = r.decode().map(|v| v.into_owned()).unwrap_or_default();
                    text.push(match name.as_str() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => '?',
                    });
                }
                Ok(quick_xml::events::Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
        assert_eq!(text, original);
        assert_eq!(attribute, original);
    }
}
