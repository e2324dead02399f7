//! Formats that cross Reilu's borders: identity numbers, payment references, IBANs and files.

pub mod camt;
pub mod claim_csv;
pub mod claim_row;
pub mod epc_qr;
pub mod iban;
pub mod national_id;
pub mod pain001;
pub mod reference;
pub mod virtual_barcode;
