//! What a YAML tag means in a CloudFormation template.
//!
//! CloudFormation's short forms (`!Ref`, `!GetAtt`, `!Sub`, …) are rewritten
//! to the long form they abbreviate, so nothing downstream knows which
//! syntax a template used. YAML core tags (`!!str`, `!!int`, …) retype a
//! scalar. Anything else is reported and dropped, keeping the value.

use saphyr_parser::Tag;

/// Short-form tag suffixes that become `Fn::<suffix>`. Besides the
/// functions of the CloudFormation user guide this covers the
/// `AWS::LanguageExtensions` ones (`ForEach`, `Length`, `ToJsonString`) and
/// the rule functions of the `Rules` section (`Contains`, `EachMemberEquals`,
/// …), which CloudFormation also accepts in short form.
const FN_TAGS: &[&str] = &[
    "And",
    "Base64",
    "Cidr",
    "Contains",
    "EachMemberEquals",
    "EachMemberIn",
    "Equals",
    "FindInMap",
    "ForEach",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "RefAll",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
    "ValueOf",
    "ValueOfAll",
];

/// The meaning of one tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TagMeaning {
    /// A short-form intrinsic; the value is wrapped as `{key: value}`.
    Intrinsic(String),
    /// `!GetAtt`, whose scalar form `A.B` becomes `["A", "B"]`.
    GetAtt,
    /// A YAML core tag (`str`, `int`, `float`, `bool`, `null`, `map`, `seq`).
    Core(String),
    /// Anything else, with the tag as written.
    Unknown(String),
}

const CORE_PREFIX: &str = "tag:yaml.org,2002:";

pub(crate) fn classify(tag: &Tag) -> TagMeaning {
    let full = format!("{}{}", tag.handle, tag.suffix);
    if let Some(core) = full.strip_prefix(CORE_PREFIX) {
        return core_or_unknown(core, &full);
    }
    if is_non_specific(tag) {
        // The non-specific tag `!` only says "not a plain scalar": a string.
        return TagMeaning::Core("str".into());
    }
    if tag.handle != "!" {
        return TagMeaning::Unknown(full);
    }
    match tag.suffix.as_str() {
        "Ref" | "Condition" => TagMeaning::Intrinsic(tag.suffix.clone()),
        "GetAtt" => TagMeaning::GetAtt,
        s if FN_TAGS.contains(&s) => TagMeaning::Intrinsic(format!("Fn::{s}")),
        _ => TagMeaning::Unknown(full),
    }
}

/// The non-specific tag `!`, however the parser spells it.
pub(crate) fn is_non_specific(tag: &Tag) -> bool {
    format!("{}{}", tag.handle, tag.suffix) == "!"
}

fn core_or_unknown(core: &str, full: &str) -> TagMeaning {
    match core {
        "str" | "int" | "float" | "bool" | "null" | "map" | "seq" => {
            TagMeaning::Core(core.to_owned())
        }
        _ => TagMeaning::Unknown(format!("!!{}", full.trim_start_matches(CORE_PREFIX))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(handle: &str, suffix: &str) -> Tag {
        Tag {
            handle: handle.into(),
            suffix: suffix.into(),
        }
    }

    #[test]
    fn short_forms_map_to_long_forms() {
        assert_eq!(
            classify(&tag("!", "Ref")),
            TagMeaning::Intrinsic("Ref".into())
        );
        assert_eq!(
            classify(&tag("!", "Sub")),
            TagMeaning::Intrinsic("Fn::Sub".into())
        );
        assert_eq!(classify(&tag("!", "GetAtt")), TagMeaning::GetAtt);
        assert_eq!(
            classify(&tag("!", "Foo")),
            TagMeaning::Unknown("!Foo".into())
        );
        assert_eq!(
            classify(&tag("!", "ref")),
            TagMeaning::Unknown("!ref".into())
        );
    }

    #[test]
    fn core_tags_in_both_spellings() {
        assert_eq!(
            classify(&tag(CORE_PREFIX, "str")),
            TagMeaning::Core("str".into())
        );
        assert_eq!(
            classify(&tag("", "tag:yaml.org,2002:int")),
            TagMeaning::Core("int".into())
        );
        assert_eq!(
            classify(&tag(CORE_PREFIX, "binary")),
            TagMeaning::Unknown("!!binary".into())
        );
    }
}
