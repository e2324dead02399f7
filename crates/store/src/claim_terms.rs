//! How a case reads the terms of its claims (migration 0011): one case may hold several claims
//! of one customer, each placed with its own terms, while the gate decides on the case. Every
//! reading is the one that protects the customer where the claims differ or are silent.
//!
//! - When the debt arose: the earliest day any claim's debt is known to have arisen by. A claim
//!   that gives `arose_on` counts with it; one that does not counts with its invoice date, by
//!   which an invoiced debt has ordinarily arisen. Limitation counted from the result is never
//!   later than any claim's own. Where no claim gives `arose_on`, the case gives none and the
//!   gate counts from the earliest due date, as the rule packs document.
//! - A reminder fee is agreed only if every claim says so; one not saying reads as not agreed.
//! - The jurisdiction is Scotland's (`GB-SCT`, the shortest limitation of the UK's parts) if any
//!   claim is Scottish; else the claims' common one if every claim names the same; else
//!   unknown (claims differ, or one is silent), and the gate applies the shortest period of
//!   the parts. An operator's setting (`case_flags`) wins over all of this, in the app.
//!
//! Each is a correlated aggregate over the case's claims (`claims_case` index), in the select
//! list of a query over `cases c`, in this order: arose_on (text or NULL), reminder fee agreed
//! (1, 0 or NULL), jurisdiction (text or NULL).

/// The three select-list columns; `c` is the case row.
pub(crate) const CASE_CLAIM_TERMS: &str = "\
    (SELECT CASE WHEN COUNT(arose_on) > 0 THEN MIN(COALESCE(arose_on, invoice_date)) END \
     FROM claims WHERE case_id = c.id), \
    (SELECT MIN(COALESCE(reminder_fee_agreed, 0)) FROM claims WHERE case_id = c.id), \
    (SELECT CASE WHEN MAX(CASE WHEN jurisdiction = 'GB-SCT' THEN 1 ELSE 0 END) = 1 THEN 'GB-SCT' \
     WHEN COUNT(jurisdiction) = COUNT(*) AND MIN(jurisdiction) = MAX(jurisdiction) THEN MIN(jurisdiction) END \
     FROM claims WHERE case_id = c.id)";

/// The terms as read from the three columns starting at `first`.
pub(crate) struct CaseClaimTerms {
    pub earliest_arose_on: Option<String>,
    pub reminder_fee_agreed: bool,
    pub jurisdiction: Option<String>,
}

impl CaseClaimTerms {
    pub(crate) fn read(row: &sqlx::any::AnyRow, first: usize) -> crate::StoreResult<Self> {
        use sqlx::Row;
        Ok(CaseClaimTerms {
            earliest_arose_on: row.try_get(first)?,
            reminder_fee_agreed: row.try_get::<Option<i64>, _>(first + 1)? == Some(1),
            jurisdiction: row.try_get(first + 2)?,
        })
    }
}
