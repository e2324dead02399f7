//! Reilu's domain core: pure types and rules of arithmetic, no I/O, no wall clock.

pub mod claim;
pub mod contact;
pub mod ids;
pub mod language;
pub mod limits;
pub mod market;
pub mod money;
pub mod operator;
pub mod secret;

pub use claim::{
    ClaimDraft, ClientClaimRef, CustomerDetails, CustomerKind, InterestTerms, PostalAddress,
};
pub use contact::{ContactError, Email, Phone};
pub use ids::{CaseId, ClaimId, ClientId, CustomerId, IdError, OperatorId};
pub use language::LanguageTag;
pub use market::{Market, MarketCode, MarketError, Markets};
pub use money::{Currency, Money, MoneyError};
pub use operator::{OperatorRole, Permission, RoleError};
pub use secret::{EmailMask, MaskStrategy, Redacted, Secret, TailMask};
