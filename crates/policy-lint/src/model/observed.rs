//! A property value together with how the linter came to know it.

use crate::tree::Loc;

/// How a property's value is known.
#[derive(Clone, Debug, PartialEq)]
pub enum State<T> {
    /// Written in the template.
    Set(T),
    /// Left out; the service applies this documented default.
    Default { value: T, source: &'static str },
    /// Left out, and the service has no default that counts.
    Absent,
    /// Written, but not knowable before deployment (a parameter without a
    /// default, an import, a value known only after apply).
    Unknown(String),
}

/// A property value, where it sits, and how it is known.
#[derive(Clone, Debug, PartialEq)]
pub struct Observed<T> {
    pub state: State<T>,
    /// The property path (`Properties.BucketEncryption`, or for Terraform
    /// `aws_s3_bucket_public_access_block.site.block_public_acls`).
    pub path: String,
    /// Where the value (or, when absent, its resource) is written.
    pub loc: Loc,
}

impl<T> Observed<T> {
    pub fn set(value: T, path: impl Into<String>, loc: Loc) -> Self {
        Self::new(State::Set(value), path, loc)
    }

    pub fn absent(path: impl Into<String>, loc: Loc) -> Self {
        Self::new(State::Absent, path, loc)
    }

    pub fn default(value: T, source: &'static str, path: impl Into<String>, loc: Loc) -> Self {
        Self::new(State::Default { value, source }, path, loc)
    }

    pub fn unknown(reason: impl Into<String>, path: impl Into<String>, loc: Loc) -> Self {
        Self::new(State::Unknown(reason.into()), path, loc)
    }

    pub fn new(state: State<T>, path: impl Into<String>, loc: Loc) -> Self {
        Self {
            state,
            path: path.into(),
            loc,
        }
    }

    /// The value, whether written or defaulted.
    pub fn value(&self) -> Option<&T> {
        match &self.state {
            State::Set(v) | State::Default { value: v, .. } => Some(v),
            State::Absent | State::Unknown(_) => None,
        }
    }

    pub fn unknown_reason(&self) -> Option<&str> {
        match &self.state {
            State::Unknown(reason) => Some(reason),
            _ => None,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self.state, State::Absent)
    }

    /// Maps the value, keeping path, location and provenance.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Observed<U> {
        let state = match self.state {
            State::Set(v) => State::Set(f(v)),
            State::Default { value, source } => State::Default {
                value: f(value),
                source,
            },
            State::Absent => State::Absent,
            State::Unknown(r) => State::Unknown(r),
        };
        Observed {
            state,
            path: self.path,
            loc: self.loc,
        }
    }

    /// Replaces an absent value with a documented default.
    pub fn or_default(self, value: T, source: &'static str) -> Self {
        match self.state {
            State::Absent => Self {
                state: State::Default { value, source },
                ..self
            },
            _ => self,
        }
    }
}

/// How a value reads as evidence in findings and reports.
pub trait Evidence {
    fn evidence(&self) -> String;
}

impl Evidence for bool {
    fn evidence(&self) -> String {
        self.to_string()
    }
}

impl Evidence for i64 {
    fn evidence(&self) -> String {
        self.to_string()
    }
}

impl Evidence for f64 {
    fn evidence(&self) -> String {
        self.to_string()
    }
}

impl Evidence for String {
    fn evidence(&self) -> String {
        format!("{self:?}")
    }
}

impl Evidence for crate::sym::Sym {
    fn evidence(&self) -> String {
        format!("{:?}", self.to_string())
    }
}

impl<T: Evidence> Evidence for Vec<T> {
    fn evidence(&self) -> String {
        let items: Vec<String> = self.iter().map(Evidence::evidence).collect();
        format!("[{}]", items.join(", "))
    }
}

impl<V: Evidence> Evidence for std::collections::BTreeMap<String, V> {
    fn evidence(&self) -> String {
        let items: Vec<String> = self
            .iter()
            .map(|(k, v)| format!("{k:?}: {}", v.evidence()))
            .collect();
        format!("{{{}}}", items.join(", "))
    }
}

impl<T: Evidence> Observed<T> {
    /// The value as evidence text: `true`, `absent`, `true (default: …)`.
    pub fn describe(&self) -> String {
        match &self.state {
            State::Set(v) => v.evidence(),
            State::Default { value, source } => format!("{} (default: {source})", value.evidence()),
            State::Absent => "absent".to_owned(),
            State::Unknown(reason) => format!("unknown ({reason})"),
        }
    }
}
