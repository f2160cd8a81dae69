//! How rules record what they saw, without repeating the plumbing of rule
//! metadata, file names and condition assumptions in every rule.

use super::RuleMeta;
use crate::config::Config;
use crate::finding::{Assumption, Finding, Status};
use crate::model::{Evidence, Model, Observed, Resource, State};
use crate::tree::Loc;

/// Collects one rule's findings.
pub struct Emitter<'a> {
    meta: &'static RuleMeta,
    model: &'a Model,
    config: &'a Config,
    out: &'a mut Vec<Finding>,
}

/// One finding under construction.
pub struct FindingBuilder<'e, 'a> {
    emitter: &'e mut Emitter<'a>,
    finding: Finding,
}

impl<'a> Emitter<'a> {
    pub(crate) fn new(
        meta: &'static RuleMeta,
        model: &'a Model,
        config: &'a Config,
        out: &'a mut Vec<Finding>,
    ) -> Self {
        Self {
            meta,
            model,
            config,
            out,
        }
    }

    /// Starts a finding on a resource.
    pub fn on(&mut self, resource: &Resource) -> FindingBuilder<'_, 'a> {
        self.on_id(&resource.id, &resource.source_type, resource.loc)
            .assuming(&resource.assumptions)
    }

    /// Starts a finding on a resource known only by ID and type (a policy's
    /// owner, a template-level problem).
    pub fn on_id(&mut self, id: &str, source_type: &str, loc: Loc) -> FindingBuilder<'_, 'a> {
        let finding = Finding {
            rule: self.meta.id,
            control: self.meta.control,
            severity: self.meta.severity,
            status: Status::Pass,
            resource: id.to_owned(),
            resource_type: source_type.to_owned(),
            file: self.model.file.clone(),
            line: loc.line,
            column: loc.column,
            message: String::new(),
            path: None,
            observed: None,
            detail: None,
            conditions: Vec::new(),
            waiver: None,
            waiver_record: None,
        };
        FindingBuilder {
            emitter: self,
            finding,
        }
    }

    pub fn config(&self) -> &'a Config {
        self.config
    }

    /// Judges a property that must be `true`: passes when it is (written or
    /// by default), fails when it is `false` or absent, and is unknown when
    /// the template cannot say.
    pub fn expect_true(&mut self, resource: &Resource, value: &Observed<bool>, what: &str) {
        let builder = self.on(resource).at(value);
        match &value.state {
            State::Set(true) | State::Default { value: true, .. } => {
                builder.pass(format!("{what} is on"));
            }
            State::Set(false) | State::Default { value: false, .. } => {
                builder.fail(format!("{what} is off"));
            }
            State::Absent => builder.fail(format!("{what} is not set")),
            State::Unknown(reason) => builder.unknown(format!("{what} cannot be read: {reason}")),
        }
    }
}

impl FindingBuilder<'_, '_> {
    /// Points the finding at an observed property: its path, location and
    /// value become the evidence.
    pub fn at<T: Evidence>(mut self, value: &Observed<T>) -> Self {
        self.finding.path = Some(value.path.clone());
        self.finding.observed = Some(value.describe());
        if value.loc != Loc::default() {
            self.finding.line = value.loc.line;
            self.finding.column = value.loc.column;
        }
        self
    }

    /// Sets the evidence path and location explicitly.
    pub fn path(mut self, path: impl Into<String>, loc: Loc) -> Self {
        self.finding.path = Some(path.into());
        if loc != Loc::default() {
            self.finding.line = loc.line;
            self.finding.column = loc.column;
        }
        self
    }

    pub fn observed(mut self, observed: impl Into<String>) -> Self {
        self.finding.observed = Some(observed.into());
        self
    }

    /// Names the granular part of the finding (`Action::s3:*`).
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.finding.detail = Some(detail.into());
        self
    }

    pub fn assuming(mut self, assumptions: &[Assumption]) -> Self {
        for a in assumptions {
            if !self.finding.conditions.contains(a) {
                self.finding.conditions.push(a.clone());
            }
        }
        self
    }

    pub fn pass(self, message: impl Into<String>) {
        self.finish(Status::Pass, message.into());
    }

    pub fn fail(self, message: impl Into<String>) {
        self.finish(Status::Fail, message.into());
    }

    pub fn unknown(self, message: impl Into<String>) {
        self.finish(Status::Unknown, message.into());
    }

    fn finish(mut self, status: Status, message: String) {
        self.finding.status = status;
        self.finding.message = message;
        self.finding.conditions.sort();
        self.emitter.out.push(self.finding);
    }
}
