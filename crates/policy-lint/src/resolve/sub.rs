//! The template language of `Fn::Sub`.
//!
//! `${Name}` and `${Resource.Attribute}` are variables, `${!Literal}` is the
//! literal text `${Literal}`, and a `${` without a closing brace is plain
//! text, as CloudFormation treats it.

/// One piece of an `Fn::Sub` template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment<'a> {
    Text(String),
    /// A variable name, trimmed, as written (`Table.Arn`).
    Var(&'a str),
}

pub(crate) fn segments(template: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        text.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            text.push_str(&rest[start..]);
            rest = "";
            break;
        };
        match after.strip_prefix('!') {
            Some(literal) => {
                text.push_str("${");
                text.push_str(&literal[..end - 1]);
                text.push('}');
            }
            None => {
                if !text.is_empty() {
                    out.push(Segment::Text(std::mem::take(&mut text)));
                }
                out.push(Segment::Var(after[..end].trim()));
            }
        }
        rest = &after[end + 1..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Segment::Text(text));
    }
    out
}

/// Escapes literal text for use inside an `Fn::Sub` template.
pub(crate) fn escape(text: &str) -> String {
    text.replace("${", "${!")
}

#[cfg(test)]
mod tests {
    use super::Segment::{Text, Var};
    use super::*;

    #[test]
    fn variables_literals_and_escapes() {
        assert_eq!(
            segments("arn:${AWS::Partition}:s3:::${ Bucket }/${!Literal}-${Table.Arn}"),
            [
                Text("arn:".into()),
                Var("AWS::Partition"),
                Text(":s3:::".into()),
                Var("Bucket"),
                Text("/${Literal}-".into()),
                Var("Table.Arn"),
            ]
        );
        assert_eq!(segments("a ${unclosed"), [Text("a ${unclosed".into())]);
        assert_eq!(segments(""), []);
        assert_eq!(escape("${x}"), "${!x}");
    }
}
