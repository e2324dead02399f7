//! Benchmarks Reilu's gate on a seeded synthetic portfolio, and compares its contact decisions
//! with the same rules written as Cedar policies, checking the two engines agree.

pub mod agreement;
pub mod bench;
pub mod cedar;
pub mod portfolio;
mod proposals;
pub mod report;
pub mod timing;
