//! The contract every generated resource struct implements: its CloudFormation type name, the
//! attributes `Fn::GetAtt` accepts, and where the resource keeps its tags.

use serde::Serialize;

/// A CloudFormation resource whose serialized form is the template's `Properties` object.
pub trait Resource: Serialize {
    /// The CloudFormation type name, e.g. `AWS::S3::Bucket`.
    const TYPE: &'static str;
    /// Attribute names `Fn::GetAtt` accepts, e.g. `Arn` or `StreamArn`; nested attributes are
    /// dotted (`Endpoint.Address`).
    const ATTRIBUTES: &'static [&'static str];
    /// How the resource takes tags.
    const TAGS: TagStyle;

    /// Whether `Fn::GetAtt` accepts `attribute` on this resource type.
    fn has_attribute(attribute: &str) -> bool {
        Self::ATTRIBUTES.contains(&attribute)
    }
}

/// Where and in which shape a resource type takes tags, from the schema's `tagging` metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TagStyle {
    /// The resource type cannot be tagged.
    None,
    /// A list of `{"Key": k, "Value": v}` objects under the named property (usually `Tags`).
    List(&'static str),
    /// A `{k: v}` object under the named property, e.g. `UserPoolTags`.
    Map(&'static str),
}

impl TagStyle {
    /// The property that holds the tags, if the resource type is taggable.
    pub const fn property(self) -> Option<&'static str> {
        match self {
            Self::None => None,
            Self::List(name) | Self::Map(name) => Some(name),
        }
    }
}
