//! `GET /api/v1/clients/{client_id}/statement?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=csv]`.

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use reilu_app::App;
use reilu_store::Store;

use crate::ApiError;

/// What a statement covers and how it is written.
#[derive(Debug, PartialEq, Eq)]
struct StatementRequest {
    from: NaiveDate,
    to: NaiveDate,
    csv: bool,
}

/// The key is checked before the query is read, so a request without a valid key learns
/// nothing about what the query should hold.
pub async fn statement<S: Store>(
    State(app): State<App<S>>,
    client_id: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let client = crate::claims_api::authenticate(&app, &headers, client_id).await?;
    let Query(query) = query.map_err(|rejection| {
        ApiError::BadRequest(format!(
            "the query does not read: {}",
            rejection.body_text()
        ))
    })?;
    let request = statement_request(&query)?;
    // The period and the client were checked above: whatever the application says now is a
    // fault of ours.
    let statement = app
        .client_statement(&client.id, request.from, request.to)
        .await?;
    if request.csv {
        let csv = statement.to_csv()?;
        Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response())
    } else {
        Ok(Json(statement).into_response())
    }
}

fn statement_request(query: &[(String, String)]) -> Result<StatementRequest, ApiError> {
    let value = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let day = |name: &str| -> Result<NaiveDate, ApiError> {
        let text = value(name).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "send the period as ?from=YYYY-MM-DD&to=YYYY-MM-DD; '{name}' is missing"
            ))
        })?;
        parse_day(text).ok_or_else(|| {
            let shown: String = text.chars().take(40).collect();
            ApiError::BadRequest(format!("{name}: '{shown}' is not a real date YYYY-MM-DD"))
        })
    };
    let (from, to) = (day("from")?, day("to")?);
    if to < from {
        return Err(ApiError::BadRequest(format!(
            "the period ends ({to}) before it starts ({from})"
        )));
    }
    let csv = match value("format") {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            let shown: String = other.chars().take(40).collect();
            return Err(ApiError::BadRequest(format!(
                "format '{shown}' is not json or csv"
            )));
        }
    };
    Ok(StatementRequest { from, to, csv })
}

/// Exactly `YYYY-MM-DD` (RFC 3339's full-date), a day that exists.
fn parse_day(text: &str) -> Option<NaiveDate> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(index, byte)| match index {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn periods_are_whole_real_days_in_order() {
        let read = statement_request(&query(&[("from", "2026-11-01"), ("to", "2026-11-30")]));
        assert!(read.is_ok_and(|request| !request.csv));
        for (from, to) in [
            ("2026-11-30", "2026-11-01"),
            ("2026-1-01", "2026-11-30"),
            ("2026-02-30", "2026-03-01"),
            ("+2026-01-01", "2026-03-01"),
            ("2026-01-01T00:00", "2026-03-01"),
        ] {
            assert!(
                statement_request(&query(&[("from", from), ("to", to)])).is_err(),
                "{from}..{to}"
            );
        }
        assert!(statement_request(&query(&[("from", "2026-11-01")])).is_err());
        let csv = statement_request(&query(&[
            ("from", "2026-11-01"),
            ("to", "2026-11-01"),
            ("format", "csv"),
        ]));
        assert!(csv.is_ok_and(|request| request.csv));
        assert!(
            statement_request(&query(&[
                ("from", "2026-11-01"),
                ("to", "2026-11-01"),
                ("format", "xml"),
            ]))
            .is_err()
        );
    }
}
