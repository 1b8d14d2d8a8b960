//! Integration tests (filled in next).
mod corpus;
