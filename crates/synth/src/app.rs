//! The app: a set of stacks synthesized together.

use serde_json::Value as Json;

use crate::asset::AssetRef;
use crate::error::{Result, SynthError};
use crate::stack::Stack;

/// A set of stacks, synthesized together.
#[derive(Debug, Clone, Default)]
pub struct App {
    stacks: Vec<Stack>,
}

/// One synthesized stack: its name, template and the assets the template points at.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthesizedStack {
    /// The stack name.
    pub name: String,
    /// The CloudFormation template.
    pub template: Json,
    /// The assets the template references, in registration order.
    pub assets: Vec<AssetRef>,
}

impl App {
    /// An app without stacks.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a stack.
    ///
    /// # Errors
    /// [`SynthError::DuplicateName`] when a stack of the same name exists.
    pub fn add_stack(&mut self, stack: Stack) -> Result<()> {
        if self.stacks.iter().any(|s| s.name() == stack.name()) {
            return Err(SynthError::DuplicateName {
                kind: "stack",
                name: stack.name().to_owned(),
                scope: "app".to_owned(),
            });
        }
        self.stacks.push(stack);
        Ok(())
    }

    /// The stacks, in the order they were added.
    pub fn stacks(&self) -> &[Stack] {
        &self.stacks
    }

    /// The stack called `name`.
    pub fn stack(&self, name: &str) -> Option<&Stack> {
        self.stacks.iter().find(|s| s.name() == name)
    }

    /// Renders every stack.
    ///
    /// # Errors
    /// The first stack that fails to render, with its error.
    pub fn synthesize(&self) -> Result<Vec<SynthesizedStack>> {
        self.stacks.iter().map(synthesize_stack).collect()
    }
}

/// Renders one stack.
///
/// # Errors
/// As [`Stack::to_template`].
pub fn synthesize_stack(stack: &Stack) -> Result<SynthesizedStack> {
    Ok(SynthesizedStack {
        name: stack.name().to_owned(),
        template: stack.to_template()?,
        assets: stack.assets.clone(),
    })
}
