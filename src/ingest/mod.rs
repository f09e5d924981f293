//! Importers: bytes of a file -> domain records. One file per format.

pub mod ndjson;
