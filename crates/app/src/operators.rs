//! Operators: the company's staff. Each has a role and an API key (shown once; only its
//! SHA-256 is stored, as for clients). A key is checked for the one permission an action
//! needs, and what an operator then does is journaled under the operator's id.

use std::path::PathBuf;

use reilu_core::{OperatorId, OperatorRole, Permission, Secret};
use reilu_store::{NewJournalEntry, NewOperator, OperatorRow, Revocation, Store};

use crate::clients::{api_key_hash, random_key};
use crate::payments::{PaymentSummary, camt_file_source};
use crate::{App, AppError, AppResult};

/// Operator keys start with this: told apart from client keys (`reilu_` + hex) at a glance,
/// and still recognisable by secret scanners.
pub const OPERATOR_KEY_PREFIX: &str = "reilu_op_";
/// Longest operator name accepted.
const OPERATOR_NAME_LENGTH_MAX: usize = 200;
/// Operators are managed with the `reilu` command on the server, by whoever may run it; the
/// journal records them as this actor.
const CLI_ACTOR: &str = "cli";

/// An operator just created, with its key: shown once, never stored, masked in `Debug`.
#[derive(Debug, Clone)]
pub struct CreatedOperator {
    pub id: OperatorId,
    pub role: OperatorRole,
    pub api_key: Secret,
}

/// An operator revoked now or before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revoked {
    pub id: OperatorId,
    pub at_ms: i64,
    /// Revoked by an earlier call; this one changed nothing.
    pub before: bool,
}

/// Why a key does not authenticate. Callers answer the same to all of these (a caller
/// learns nothing about which keys exist); the detail is for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unauthenticated {
    /// Not an operator key, or no operator has it.
    Unknown,
    Revoked(OperatorId),
}

/// What an operator key may do for one action.
#[derive(Debug)]
pub enum OperatorAccess {
    Granted(OperatorGrant),
    Unauthenticated(Unauthenticated),
    /// A valid key whose role may not do this.
    Forbidden {
        operator: OperatorId,
        role: OperatorRole,
        needs: Permission,
    },
}

/// Proof that an operator's key was checked for one permission. Only
/// [`App::authorize_operator`] makes one, and each operator action takes one.
#[derive(Debug, Clone)]
pub struct OperatorGrant {
    operator: OperatorRow,
    permission: Permission,
}

impl OperatorGrant {
    pub fn operator(&self) -> &OperatorRow {
        &self.operator
    }

    pub fn permission(&self) -> Permission {
        self.permission
    }

    /// The journal's actor for what this operator does.
    fn actor(&self) -> String {
        format!("operator:{}", self.operator.id)
    }

    fn require(&self, permission: Permission) -> AppResult<()> {
        if self.permission == permission {
            Ok(())
        } else {
            // A programming error: the caller checked the key for another action.
            Err(AppError::Invalid(format!(
                "the operator's key was checked for '{}', not for '{}'",
                self.permission.describe(),
                permission.describe()
            )))
        }
    }
}

/// A payment file received for import, already on disk.
#[derive(Debug, Clone)]
pub struct PaymentUpload {
    /// Its file name becomes the bank entries' message id, as a file's name does for
    /// `reilu import payments`.
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    pub bytes: u64,
}

/// What became of an uploaded payment file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadOutcome {
    Imported(PaymentSummary),
    /// The file does not read as a camt.053/054 file; the reason says where and why.
    Refused {
        reason: String,
    },
}

impl<S: Store> App<S> {
    /// Adds an operator with a fresh key, returned once.
    pub async fn add_operator(&self, name: &str, role: OperatorRole) -> AppResult<CreatedOperator> {
        let name = operator_name(name)?;
        let api_key = Secret::new(random_key(OPERATOR_KEY_PREFIX));
        let operator = NewOperator {
            id: OperatorId::from_uuid(uuid::Uuid::now_v7()),
            name,
            role,
            api_key_hash: api_key_hash(api_key.peek()),
        };
        self.store
            .insert_operator(&operator, CLI_ACTOR, self.now_ms())
            .await?;
        Ok(CreatedOperator {
            id: operator.id,
            role,
            api_key,
        })
    }

    /// Every operator, revoked ones included, oldest first.
    pub async fn list_operators(&self) -> AppResult<Vec<OperatorRow>> {
        Ok(self.store.list_operators().await?)
    }

    /// Revokes an operator's key for good. Revoking twice is harmless.
    pub async fn revoke_operator(&self, id: &str) -> AppResult<Revoked> {
        let id = OperatorId::parse(id).map_err(|error| AppError::Invalid(error.to_string()))?;
        match self
            .store
            .revoke_operator(&id, CLI_ACTOR, self.now_ms())
            .await?
        {
            Revocation::Revoked { at_ms } => Ok(Revoked {
                id,
                at_ms,
                before: false,
            }),
            Revocation::AlreadyRevoked { at_ms } => Ok(Revoked {
                id,
                at_ms,
                before: true,
            }),
            Revocation::NotFound => Err(AppError::NotFound(format!("no operator with id {id}"))),
        }
    }

    /// Checks an operator key for the permission an action needs.
    pub async fn authorize_operator(
        &self,
        api_key: &Secret,
        needs: Permission,
    ) -> AppResult<OperatorAccess> {
        // Not hashing what cannot be an operator key keeps client keys and garbage cheap.
        if !api_key.peek().starts_with(OPERATOR_KEY_PREFIX) {
            return Ok(OperatorAccess::Unauthenticated(Unauthenticated::Unknown));
        }
        let found = self
            .store
            .operator_by_api_key_hash(&api_key_hash(api_key.peek()))
            .await?;
        let Some(operator) = found else {
            return Ok(OperatorAccess::Unauthenticated(Unauthenticated::Unknown));
        };
        if operator.is_revoked() {
            return Ok(OperatorAccess::Unauthenticated(Unauthenticated::Revoked(
                operator.id,
            )));
        }
        if !operator.role.allows(needs) {
            return Ok(OperatorAccess::Forbidden {
                operator: operator.id,
                role: operator.role,
                needs,
            });
        }
        Ok(OperatorAccess::Granted(OperatorGrant {
            operator,
            permission: needs,
        }))
    }

    /// Imports an uploaded camt file exactly as `reilu import payments` does, journaling who
    /// imported which file (by its SHA-256) and what it did when the import completes
    /// (`payments.imported`; an import stopped part-way is completed, and journaled, by
    /// sending the file again). A file that does not read, or is over a limit, is journaled as
    /// `payments.import_refused` and posts nothing.
    pub async fn import_payment_upload(
        &self,
        grant: &OperatorGrant,
        upload: &PaymentUpload,
    ) -> AppResult<UploadOutcome> {
        grant.require(Permission::ImportPayments)?;
        let details = match import_payload(grant, upload, serde_json::json!({})) {
            serde_json::Value::Object(details) => details,
            _ => serde_json::Map::new(),
        };
        let record = crate::payments::ImportRecord {
            actor: grant.actor(),
            kind: "payments.imported".into(),
            subject: format!("payment-file:{}", upload.sha256),
            details,
        };
        let imported = self
            .import_payments_as(&record, camt_file_source(upload.path.clone()))
            .await;
        match imported {
            Ok(summary) => Ok(UploadOutcome::Imported(summary)),
            // The import's only `Invalid` is a file that does not read (nothing posted) or
            // one that changed while read, which a private upload cannot.
            Err(AppError::Invalid(message)) => {
                let reason = without_path(&message, upload);
                let payload =
                    import_payload(grant, upload, serde_json::json!({ "reason": reason }));
                self.journal_upload(grant, upload, "payments.import_refused", payload)
                    .await?;
                Ok(UploadOutcome::Refused { reason })
            }
            Err(other) => Err(other),
        }
    }

    async fn journal_upload(
        &self,
        grant: &OperatorGrant,
        upload: &PaymentUpload,
        kind: &str,
        payload: serde_json::Value,
    ) -> AppResult<()> {
        let entry = NewJournalEntry {
            at_ms: self.now_ms(),
            actor: grant.actor(),
            kind: kind.into(),
            subject: format!("payment-file:{}", upload.sha256),
            payload: payload.to_string(),
        };
        self.store.append_journal(&entry).await?;
        Ok(())
    }
}

/// A trimmed name of 1 to [`OPERATOR_NAME_LENGTH_MAX`] characters without control characters.
fn operator_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > OPERATOR_NAME_LENGTH_MAX
        || name.chars().any(char::is_control)
    {
        return Err(AppError::Invalid(format!(
            "an operator name has 1 to {OPERATOR_NAME_LENGTH_MAX} characters"
        )));
    }
    Ok(name.to_owned())
}

/// The journal payload of an upload: who, which file, and `details` (the summary's counts or
/// the reason it was refused).
fn import_payload(
    grant: &OperatorGrant,
    upload: &PaymentUpload,
    details: serde_json::Value,
) -> serde_json::Value {
    let mut payload = serde_json::json!({
        "operator": grant.operator.id.to_string(),
        "role": grant.operator.role.as_str(),
        "sha256": upload.sha256,
        "bytes": upload.bytes,
        "upload": upload_name(upload),
    });
    if let (Some(payload), serde_json::Value::Object(details)) = (payload.as_object_mut(), details)
    {
        payload.extend(details);
    }
    payload
}

fn upload_name(upload: &PaymentUpload) -> String {
    upload
        .path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The reader's message names the file by its path; an upload's path is the server's own
/// business, so the message names the upload by its file name instead.
fn without_path(message: &str, upload: &PaymentUpload) -> String {
    let prefix = format!("{}: ", upload.path.display());
    match message.strip_prefix(&prefix) {
        Some(rest) => rest.to_owned(),
        None => message.replace(&upload.path.display().to_string(), &upload_name(upload)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(operator_name("  Aino  ").ok().as_deref(), Some("Aino"));
        assert!(operator_name(" ").is_err());
        assert!(operator_name("a\u{7}b").is_err());
        assert!(operator_name(&"x".repeat(201)).is_err());
    }

    #[test]
    fn refusals_do_not_show_the_server_path() {
        let upload = PaymentUpload {
            path: PathBuf::from("/srv/reilu/uploads/http-1.xml"),
            sha256: "00".into(),
            bytes: 1,
        };
        assert_eq!(
            without_path(
                "/srv/reilu/uploads/http-1.xml: truncated; nothing from this file was posted",
                &upload
            ),
            "truncated; nothing from this file was posted"
        );
        assert_eq!(
            without_path("in /srv/reilu/uploads/http-1.xml: bad", &upload),
            "in http-1.xml: bad"
        );
    }
}
