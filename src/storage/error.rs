//! Storage failures with their cause kept: rexie's own Display says only "idb error",
//! so the inner IndexedDB message (QuotaExceededError, ConstraintError…) is carried along.

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub struct StorageError {
    /// Translation key of what was being done ("storage.op.save"…).
    pub op: &'static str,
    /// The browser's own words for what went wrong.
    pub detail: String,
}

impl StorageError {
    pub fn new(op: &'static str, detail: impl Into<String>) -> Self {
        StorageError {
            op,
            detail: detail.into(),
        }
    }

    pub fn from_rexie(op: &'static str, e: rexie::Error) -> Self {
        let detail = match e {
            rexie::Error::IdbError(inner) => inner.to_string(),
            other => other.to_string(),
        };
        StorageError { op, detail }
    }
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.op, self.detail)
    }
}

/// Adds the operation to a rexie result.
pub trait Context<T> {
    fn during(self, op: &'static str) -> Result<T, StorageError>;
}

impl<T> Context<T> for Result<T, rexie::Error> {
    fn during(self, op: &'static str) -> Result<T, StorageError> {
        self.map_err(|e| StorageError::from_rexie(op, e))
    }
}
