//! Reading a case and, for those allowed, its customer's personal data; every such read is
//! written to the journal with who read it and why.

use reilu_core::{CustomerDetails, CustomerKind, LanguageTag};
use reilu_store::{CaseRow, NewJournalEntry, Store};

use crate::api_batch::{CaseReferenceView, case_references};
use crate::{App, AppError, AppResult, personal_data};

/// A case with its customer's personal data opened.
#[derive(Debug)]
pub struct CaseWithCustomer {
    pub case: CaseRow,
    pub references: CaseReferenceView,
    pub customer: CustomerDetails,
}

impl<S: Store> App<S> {
    /// Opens a case's personal data for `reader` (who) and `purpose` (why). The journal entry
    /// is written before the data is opened: a read that cannot be recorded does not happen.
    pub async fn read_case_customer(
        &self,
        case_number: i64,
        reader: &str,
        purpose: &str,
    ) -> AppResult<CaseWithCustomer> {
        if reader.trim().is_empty() || purpose.trim().is_empty() {
            return Err(AppError::Invalid(
                "say who reads personal data and why".into(),
            ));
        }
        let case = self.store.case_by_number(case_number).await?;
        let case =
            case.ok_or_else(|| AppError::NotFound(format!("no case number {case_number}")))?;
        let payload =
            serde_json::json!({ "case_number": case.case_number, "purpose": purpose.trim() });
        let entry = NewJournalEntry {
            at_ms: self.now_ms(),
            actor: reader.trim().to_owned(),
            kind: "personal_data.read".into(),
            subject: format!("customer:{}", case.customer_id),
            payload: payload.to_string(),
        };
        self.store.append_journal(&entry).await?;
        let kind = CustomerKind::parse(&case.customer_kind)
            .ok_or_else(|| AppError::Invalid("stored customer kind".into()))?;
        let language = LanguageTag::parse(&case.customer_language)
            .map_err(|error| AppError::Invalid(error.to_string()))?;
        let customer = personal_data::open(
            &self.vault,
            &case.customer_id,
            kind,
            language,
            &case.customer_personal_data,
        )?;
        let references = case_references(&case.market, case.case_number);
        Ok(CaseWithCustomer {
            case,
            references,
            customer,
        })
    }
}
