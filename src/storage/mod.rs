//! Storage over IndexedDB (through rexie). The domain core never sees JsValues:
//! records pass through `codec`, stores are declared only in `schema`, and every
//! multi-record write is one transaction in `db`.

// Only in the benchmark's build (`--features bench`), never in the release.
#[cfg(feature = "bench")]
pub mod bench_hooks;
pub mod codec;
pub mod db;
pub mod error;
pub mod schema;

pub use db::Db;
pub use error::StorageError;
