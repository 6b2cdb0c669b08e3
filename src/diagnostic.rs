//! Validation findings as values: a record with forty problems is a successful read that yields
//! forty `Diagnostic`s, never an error that stops the run.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The finding codes `callev validate` reports (`--allow` takes them; the README lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Code {
    Parse,
    UnknownVendor,
    UnknownEvent,
    MissingField,
    WrongType,
    BadValue,
    UnknownField,
    Inconsistent,
}

/// Finding codes, as a set (`--allow`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Codes(u16);

impl Codes {
    pub(crate) const NONE: Codes = Codes(0);

    pub(crate) fn contains(self, code: Code) -> bool {
        self.0 & (1 << code as u16) != 0
    }

    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<Code> for Codes {
    fn from_iter<I: IntoIterator<Item = Code>>(iter: I) -> Codes {
        Codes(iter.into_iter().fold(0, |m, c| m | (1 << c as u16)))
    }
}

impl Code {
    /// Every code, in the order the README lists them.
    pub(crate) const ALL: [Code; 8] = [
        Code::Parse,
        Code::UnknownVendor,
        Code::UnknownEvent,
        Code::MissingField,
        Code::WrongType,
        Code::BadValue,
        Code::UnknownField,
        Code::Inconsistent,
    ];

    pub(crate) fn find(name: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == name)
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Code::Parse => "parse",
            Code::UnknownVendor => "unknown-vendor",
            Code::UnknownEvent => "unknown-event",
            Code::MissingField => "missing-field",
            Code::WrongType => "wrong-type",
            Code::BadValue => "bad-value",
            Code::UnknownField => "unknown-field",
            Code::Inconsistent => "inconsistent",
        }
    }
}

/// One finding about one record. `path` is a JSON Pointer into the record as read (so it
/// includes an envelope's `/payload` or Xelion's `/notification`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Diagnostic {
    pub(crate) severity: Severity,
    pub(crate) code: Code,
    pub(crate) path: String,
    pub(crate) message: String,
}

impl Diagnostic {
    pub(crate) fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            path: path.into(),
            message: message.into(),
        }
    }

    pub(crate) fn warning(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            path: path.into(),
            message: message.into(),
        }
    }
}
