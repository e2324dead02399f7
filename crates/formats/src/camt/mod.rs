//! ISO 20022 camt.053 statements and camt.054 notifications: bank entries in.
