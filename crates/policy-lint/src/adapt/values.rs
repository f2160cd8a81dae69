//! The IAM policy parser's view of a template: [`iam::Values`] over a
//! [`Lookup`].

use std::borrow::Cow;

use super::Lookup;
use crate::iam::values::{Branch, Expansion, Guard, Values};
use crate::sym::Sym;
use crate::tree::Node;

/// Policy values resolved through the template's lookup.
pub(crate) struct LookupValues<'a>(pub(crate) &'a dyn Lookup);

impl Values for LookupValues<'_> {
    fn sym(&self, node: &Node) -> Sym {
        self.0.sym(node)
    }

    fn expand<'n>(&self, node: &'n Node) -> Expansion<'n> {
        match node.intrinsic() {
            Some(("Ref", arg)) if arg.as_str() == Some("AWS::NoValue") => {
                Expansion::Replaced(Vec::new())
            }
            Some(("Fn::If", arg)) => match arg.as_array() {
                Some([cond, yes, no]) => {
                    let Some(name) = cond.as_str() else {
                        return Expansion::AsIs;
                    };
                    match self.0.condition(name) {
                        Some(value) => Expansion::Replaced(vec![Branch {
                            guard: None,
                            node: Cow::Borrowed(if value { yes } else { no }),
                        }]),
                        None => Expansion::Replaced(vec![
                            branch(name, true, yes),
                            branch(name, false, no),
                        ]),
                    }
                }
                _ => Expansion::AsIs,
            },
            _ => Expansion::AsIs,
        }
    }
}

fn branch<'n>(condition: &str, holds: bool, node: &'n Node) -> Branch<'n> {
    Branch {
        guard: Some(Guard {
            condition: condition.to_owned(),
            holds,
        }),
        node: Cow::Borrowed(node),
    }
}
