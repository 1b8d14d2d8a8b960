//! remedy: a static site generator for troubleshooting guides.
//!
//! The pipeline is `load -> parse -> resolve -> render -> write` (see
//! ARCHITECTURE.md); [`build`] runs it. Only `load` and `write` touch the disk.

pub mod baseline;
pub mod build;
pub mod config;
pub mod diagnostics;
pub mod external;
pub mod git;
pub mod incremental;
pub mod lang;
pub mod load;
pub mod model;
pub mod parse;
pub mod progress;
pub mod render;
pub mod report;
pub mod resolve;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod theme;
pub mod write;
