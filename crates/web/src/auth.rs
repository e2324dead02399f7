//! Bearer keys: reading them from the request, and checking an operator's for the permission
//! an endpoint needs. (A client's key is checked against the client in the path, in
//! `claims_api`.)

use axum::http::{HeaderMap, header};
use reilu_app::App;
use reilu_app::operators::{OperatorAccess, OperatorGrant, Unauthenticated};
use reilu_core::{OperatorRole, Permission, Secret};
use reilu_store::Store;

use crate::ApiError;

/// The key of `Authorization: Bearer <key>` (the scheme in any case, as RFC 7235 has it),
/// masked so it cannot reach a log line.
pub(crate) fn bearer_key(headers: &HeaderMap) -> Option<Secret> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.trim().split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !key.is_empty()).then(|| Secret::new(key.to_owned()))
}

/// The grant of the operator whose key the request carries, if its role may do `needs`.
pub(crate) async fn operator_grant<S: Store>(
    app: &App<S>,
    headers: &HeaderMap,
    needs: Permission,
) -> Result<OperatorGrant, ApiError> {
    let key = bearer_key(headers).ok_or(ApiError::OperatorUnauthenticated)?;
    match app.authorize_operator(&key, needs).await? {
        OperatorAccess::Granted(grant) => Ok(grant),
        OperatorAccess::Unauthenticated(why) => {
            if let Unauthenticated::Revoked(operator) = why {
                tracing::warn!(%operator, "a revoked operator key was used");
            }
            Err(ApiError::OperatorUnauthenticated)
        }
        OperatorAccess::Forbidden {
            operator,
            role,
            needs,
        } => {
            tracing::warn!(%operator, %role, action = needs.describe(), "operator refused");
            Err(ApiError::OperatorForbidden(forbidden_reason(role, needs)))
        }
    }
}

fn forbidden_reason(role: OperatorRole, needs: Permission) -> String {
    let allowed: Vec<&str> = OperatorRole::allowed_to(needs)
        .map(OperatorRole::as_str)
        .collect();
    format!(
        "an operator with the role '{role}' may not {}; this needs the role {}",
        needs.describe(),
        allowed.join(" or ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_authorization(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(header::AUTHORIZATION, value);
        }
        headers
    }

    #[test]
    fn bearer_keys_are_read_in_any_case_of_the_scheme_and_masked() {
        let key = bearer_key(&with_authorization("bearer  reilu_op_ab "));
        assert_eq!(key.as_ref().map(Secret::peek), Some("reilu_op_ab"));
        assert_eq!(format!("{:?}", key), "Some(***)");
        assert!(bearer_key(&with_authorization("Basic abc")).is_none());
        assert!(bearer_key(&with_authorization("Bearer ")).is_none());
        assert!(bearer_key(&HeaderMap::new()).is_none());
    }

    #[test]
    fn a_refusal_names_the_role_that_may() {
        assert_eq!(
            forbidden_reason(OperatorRole::Admin, Permission::ImportPayments),
            "an operator with the role 'admin' may not import payment files; this needs the role finance"
        );
    }
}
