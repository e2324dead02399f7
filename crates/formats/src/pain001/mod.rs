//! ISO 20022 pain.001.001.09 credit transfers: client money out.
