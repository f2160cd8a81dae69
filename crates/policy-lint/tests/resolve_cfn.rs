//! The CloudFormation resolver on small templates: symbolic strings,
//! conditions, branches, `Fn::ForEach`, resolved trees and diagnostics.

use std::path::Path;

use policy_lint::load::{Diagnostic, DiagnosticKind, Document, Limits, load_bytes};
use policy_lint::resolve::{Resolver, Tri};
use policy_lint::sym::{Part, Sym};
use policy_lint::tree::Node;

fn doc(yaml: &str) -> Document {
    load_bytes(Path::new("t.yaml"), yaml.as_bytes(), &Limits::default()).expect("template loads")
}

const TEMPLATE: &str = r#"
Parameters:
  Stage: {Type: String, Default: dev}
  Secret: {Type: String, NoEcho: true}
  Azs: {Type: CommaDelimitedList, Default: "a,b,c"}
Mappings:
  Sizes:
    dev: {Memory: 128}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsDev, !Equals [x, x]]
  HasSecret: !Not [!Equals [!Ref Secret, ""]]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Bucket:
    Type: AWS::S3::Bucket
    Condition: IsProd
Outputs:
  Values:
    Value: x
"#;

fn value(yaml: &str) -> Node {
    let doc = doc(&format!(
        "Resources: {{}}\nOutputs:\n  V:\n    Value: {yaml}\n"
    ));
    doc.root
        .pointer(&["Outputs", "V", "Value"])
        .expect("value")
        .clone()
}

fn sym(expr: &str) -> Sym {
    let d = doc(TEMPLATE);
    let resolver = Resolver::new(&d);
    resolver.sym(&value(expr))
}

#[test]
fn refs_to_parameters_pseudo_parameters_and_resources() {
    assert_eq!(sym("!Ref Stage"), Sym::text("dev"));
    assert_eq!(
        sym("!Ref Secret").unknown_reason(),
        Some("parameter `Secret` has no default")
    );
    assert_eq!(
        sym("!Ref AWS::Region").parts(),
        [Part::Pseudo("AWS::Region".into())]
    );
    assert_eq!(sym("!Ref Table"), Sym::reference("Table", None));
    assert!(
        sym("!Ref Nope")
            .unknown_reason()
            .is_some_and(|r| r.contains("`Nope`"))
    );
    assert_eq!(sym("!Ref Azs"), Sym::text("a,b,c"));
}

#[test]
fn get_att_and_sub() {
    assert_eq!(
        sym("!GetAtt Table.Arn"),
        Sym::reference("Table", Some("Arn"))
    );
    assert_eq!(
        sym("{'Fn::GetAtt': [Table, StreamArn]}"),
        Sym::reference("Table", Some("StreamArn"))
    );
    let s = sym("!Sub 'arn:${AWS::Partition}:x:::${Table.Arn}/${Stage}/${!Literal}'");
    assert_eq!(
        s.to_string(),
        "arn:${AWS::Partition}:x:::${Table.Arn}/dev/${Literal}"
    );
    let s = sym("!Sub ['${A}-${B}', {A: !Ref Stage, B: !GetAtt Table.Arn}]");
    assert_eq!(s.to_string(), "dev-${Table.Arn}");
}

#[test]
fn join_select_split_find_in_map() {
    assert_eq!(
        sym("!Join ['', [!GetAtt Table.Arn, /index/*]]").to_string(),
        "${Table.Arn}/index/*"
    );
    assert_eq!(sym("!Join [',', !Ref Azs]"), Sym::text("a,b,c"));
    assert_eq!(sym("!Select [1, !Split [',', 'x,y,z']]"), Sym::text("y"));
    assert_eq!(sym("!Select [2, !Ref Azs]"), Sym::text("c"));
    assert!(sym("!Select [0, !GetAZs '']").unknown_reason().is_some());
    assert!(
        sym("!Select [9, [a]]")
            .unknown_reason()
            .is_some_and(|r| r.contains("past the end"))
    );
    assert_eq!(
        sym("!FindInMap [Sizes, !Ref Stage, Memory]"),
        Sym::text("128")
    );
    assert_eq!(
        sym("!FindInMap [Sizes, prod, Memory, {DefaultValue: 64}]"),
        Sym::text("64")
    );
    assert!(
        sym("!FindInMap [Sizes, prod, Memory]")
            .unknown_reason()
            .is_some()
    );
}

#[test]
fn if_import_and_others() {
    assert_eq!(sym("!If [IsProd, big, small]"), Sym::text("small"));
    assert!(
        sym("!If [HasSecret, a, b]")
            .unknown_reason()
            .is_some_and(|r| r.contains("HasSecret"))
    );
    assert!(
        sym("!ImportValue shared-role")
            .unknown_reason()
            .is_some_and(|r| r.contains("shared-role"))
    );
    assert_eq!(sym("!Base64 hello"), Sym::text("aGVsbG8="));
    assert_eq!(
        sym("!ToJsonString {a: [1, !Ref Stage]}"),
        Sym::text(r#"{"a":[1,"dev"]}"#)
    );
    assert_eq!(sym("!Length [a, b]"), Sym::text("2"));
}

#[test]
fn conditions_with_defaults() {
    let d = doc(TEMPLATE);
    let r = Resolver::new(&d);
    assert_eq!(r.condition("IsProd"), Tri::False);
    assert_eq!(r.condition("IsDev"), Tri::True);
    assert_eq!(r.condition("Both"), Tri::True);
    assert_eq!(r.condition("HasSecret"), Tri::Unknown);
    assert_eq!(r.condition("Missing"), Tri::Unknown);
    assert_eq!(
        r.condition_names().collect::<Vec<_>>(),
        ["IsProd", "IsDev", "Both", "HasSecret"]
    );
}

#[test]
fn self_referring_conditions_and_mappings_are_unknown_not_a_crash() {
    let d = doc("Mappings: {M: {a: {b: !FindInMap [M, a, b]}}}\n\
         Conditions:\n  A: !Equals [!If [A, x, y], x]\n  B: !Not [!Condition C]\n  C: !Not [!Condition B]\n\
         Resources: {}\nOutputs: {V: {Value: !FindInMap [M, a, b]}}\n");
    let r = Resolver::new(&d);
    assert_eq!(r.condition("A"), Tri::Unknown);
    assert_eq!(r.condition("B"), Tri::Unknown);
    let v = d.root.pointer(&["Outputs", "V", "Value"]).expect("value");
    assert!(r.sym(v).unknown_reason().is_some());
}

#[test]
fn branches_name_their_conditions() {
    let d = doc("Parameters: {Stage: {Type: String, Default: dev}}\n\
         Conditions:\n  IsProd: !Equals [!Ref Stage, prod]\n  IsDev: !Not [!Condition IsProd]\n  Always: !Equals [a, a]\n\
         Resources:\n  P:\n    Type: X\n    Properties:\n      R:\n        - !GetAtt T.Arn\n        - !If [IsProd, !Sub '${T.Arn}/*', !Ref AWS::NoValue]\n\
         \x20       - !If [IsDev, dev, !Ref AWS::NoValue]\n        - !If [Always, yes, no]\n  T: {Type: Y}\n");
    let r = Resolver::new(&d);
    let props = r
        .resource("P")
        .expect("P")
        .node
        .get("Properties")
        .expect("props");
    let branches = r.branches(props);
    assert_eq!(
        branches.len(),
        2,
        "IsProd=true,IsDev=true and the reverse are inconsistent"
    );
    assert_eq!(branches[0].describe(), "IsProd=true, IsDev=false");
    let want_true =
        serde_json::json!({"R": [{"Fn::GetAtt": ["T", "Arn"]}, {"Fn::Sub": "${T.Arn}/*"}, true]});
    assert_eq!(branches[0].node.to_json(), want_true);
    assert_eq!(branches[1].describe(), "IsProd=false, IsDev=true");
    assert_eq!(
        branches[1].node.to_json(),
        serde_json::json!({"R": [{"Fn::GetAtt": ["T", "Arn"]}, "dev", true]})
    );
    let plain = r.branches(r.resource("T").expect("T").node);
    assert_eq!(plain.len(), 1);
    assert!(plain[0].assumptions.is_empty());
}

#[test]
fn branch_count_is_bounded() {
    let mut yaml = String::from("Parameters: {P: {Type: String}}\nConditions:\n");
    let mut props = String::new();
    for i in 0..20 {
        yaml.push_str(&format!("  C{i}: !Equals [!Ref P, v{i}]\n"));
        props.push_str(&format!("      K{i}: !If [C{i}, a, b]\n"));
    }
    yaml.push_str(&format!(
        "Resources:\n  R:\n    Type: X\n    Properties:\n{props}"
    ));
    let d = doc(&yaml);
    let r = Resolver::new(&d);
    let branches = r.branches(r.resource("R").expect("R").node);
    assert_eq!(branches.len(), 64);
    let last = &branches[0]
        .node
        .pointer(&["Properties", "K19"])
        .expect("K19");
    assert!(
        last.intrinsic().is_some_and(|(n, _)| n == "Fn::If"),
        "undecided conditions stay"
    );
}

#[test]
fn resolved_tree_evaluates_what_it_can() {
    let d = doc(
        "Parameters: {Stage: {Type: String, Default: dev}, Free: {Type: String}}\n\
         Mappings: {M: {dev: {Size: 1}}}\n\
         Conditions: {IsProd: !Equals [!Ref Stage, prod]}\n\
         Resources:\n  R:\n    Type: X\n    Properties:\n      A: !If [IsProd, 1, !Ref AWS::NoValue]\n\
         \x20     B: !FindInMap [M, !Ref Stage, Size]\n      C: !Sub '${Stage}-${Free}-${R.Arn}-${AWS::Region}'\n\
         \x20     D: !Select [1, !Split [',', 'a,b']]\n      E: [x, !Ref AWS::NoValue]\n      F: !If [IsProd, !Ref Free, y]\n\
         \x20 P:\n    Type: X\n    Condition: IsProd\n",
    );
    let r = Resolver::new(&d);
    let got = r.resolved_template();
    let want = serde_json::json!({
        "B": 1,
        "C": {"Fn::Sub": "dev-${Free}-${R.Arn}-${AWS::Region}"},
        "D": "b",
        "E": ["x"],
        "F": "y",
    });
    assert_eq!(
        got.pointer(&["Resources", "R", "Properties"])
            .expect("props")
            .to_json(),
        want
    );
    assert!(
        got.pointer(&["Resources", "P"]).is_none(),
        "resource with a false condition is dropped"
    );
}

#[test]
fn for_each_expands_keys_refs_and_subs() {
    let d = doc("Transform: AWS::LanguageExtensions\n\
         Parameters: {Names: {Type: CommaDelimitedList, Default: 'a-1,b-2'}}\n\
         Resources:\n  Fn::ForEach::Topics:\n    - N\n    - !Ref Names\n    - Topic&{N}:\n        Type: AWS::SNS::Topic\n\
         \x20       Properties:\n          TopicName: !Ref N\n          DisplayName: !Sub 'topic ${N}'\n\
         \x20         Fn::ForEach::Tags:\n            - T\n            - [x, y]\n            - Tag${T}: !Sub '${N}/${T}'\n\
         \x20 Fn::ForEach::Bad:\n    - M\n    - !Ref Missing\n    - X${M}: {Type: Y}\n");
    let r = Resolver::new(&d);
    let ids: Vec<&str> = r.resources().map(|x| x.id).collect();
    assert_eq!(ids, ["Topica1", "Topicb2"]);
    let props = r
        .resource("Topicb2")
        .expect("b")
        .node
        .get("Properties")
        .expect("props");
    let want = serde_json::json!({
        "TopicName": "b-2", "DisplayName": {"Fn::Sub": "topic b-2"},
        "Tagx": {"Fn::Sub": "b-2/x"}, "Tagy": {"Fn::Sub": "b-2/y"},
    });
    assert_eq!(props.to_json(), want);
    let diags: Vec<&Diagnostic> = r.diagnostics().iter().collect();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].kind, DiagnosticKind::Unresolvable);
    assert!(diags[0].message.contains("Fn::ForEach::Bad"));
}

/// Each diagnostic as `(kind, line, message)`, in the resolver's order.
fn kinds_lines_messages(r: &Resolver) -> Vec<(DiagnosticKind, u32, &str)> {
    r.diagnostics()
        .iter()
        .map(|d| (d.kind, d.loc.line, d.message.as_str()))
        .collect()
}

#[test]
fn unresolvable_references_are_diagnostics() {
    let d = doc("Conditions: {C: !Equals [a, b]}\n\
         Resources:\n  R:\n    Type: X\n    Condition: Nope\n    Properties:\n      A: !Ref Missing\n      B: !GetAtt Ghost.Arn\n\
         \x20     C: !Sub '${Gone}-${R.Arn}-${AWS::Region}-${!Ok}'\n      D: {'Fn::Foo': 1}\n      E: !If [Undefined, 1, 2]\n\
         \x20     F: !FindInMap [NoMap, a, b]\n      G: !Ref R\n");
    let r = Resolver::new(&d);
    let got = kinds_lines_messages(&r);
    let u = DiagnosticKind::Unresolvable;
    assert_eq!(
        got,
        [
            (u, 5, "condition `Nope` is not defined"),
            (
                u,
                7,
                "`Ref` to `Missing`, which is not a parameter or resource"
            ),
            (u, 8, "`Fn::GetAtt` of `Ghost`, which is not a resource"),
            (u, 9, "`Fn::Sub` variable `Gone` is not defined"),
            (
                DiagnosticKind::UnknownIntrinsic,
                10,
                "unknown intrinsic function `Fn::Foo`"
            ),
            (u, 11, "condition `Undefined` is not defined"),
            (u, 12, "mapping `NoMap` is not defined"),
        ]
    );
}

#[test]
fn resources_without_a_readable_type_are_diagnostics_not_skipped() {
    let d = doc(
        "Resources:\n  Null:\n    Type: null\n  NoType:\n    Properties: {}\n\
         \x20 Listy:\n    Type: [AWS::S3::Bucket]\n  Scalar: 7\n  Fine:\n    Type: AWS::SNS::Topic\n",
    );
    let r = Resolver::new(&d);
    let got = kinds_lines_messages(&r);
    let m = DiagnosticKind::MalformedResource;
    assert_eq!(
        got,
        [
            (
                m,
                2,
                "resource `Null` has a `Type` that is not a string, so no rule checks it"
            ),
            (
                m,
                4,
                "resource `NoType` has no `Type`, so no rule checks it"
            ),
            (
                m,
                6,
                "resource `Listy` has a `Type` that is not a string, so no rule checks it"
            ),
            (
                m,
                8,
                "resource `Scalar` is not a mapping, so no rule checks it"
            ),
        ]
    );
}

#[test]
fn generating_transforms_silence_unknown_names() {
    let d = doc(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n\
         \x20   Properties:\n      Role: !GetAtt FRole.Arn\n      Api: !Ref ServerlessRestApi\n",
    );
    let r = Resolver::new(&d);
    assert!(r.diagnostics().is_empty(), "{:?}", r.diagnostics());
    let role = r
        .resource("F")
        .expect("F")
        .node
        .pointer(&["Properties", "Role"])
        .expect("role");
    assert_eq!(r.sym(role), Sym::reference("FRole", Some("Arn")));
}

#[test]
fn resource_branches_assume_the_resource_exists() {
    let d = doc("Parameters: {Stage: {Type: String}}\n\
         Conditions:\n  IsProd: !Equals [!Ref Stage, prod]\n  Never: !Equals [a, b]\n\
         Resources:\n  A:\n    Type: X\n    Condition: IsProd\n    Properties: {K: !If [IsProd, on-prod, off-prod]}\n\
         \x20 B:\n    Type: X\n    Condition: IsProd\n    Properties: {K: 1}\n\
         \x20 C:\n    Type: X\n    Condition: Never\n");
    let r = Resolver::new(&d);
    let a = r.resource_branches(&r.resource("A").expect("A"));
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].describe(), "IsProd=true");
    assert_eq!(
        a[0].node
            .pointer(&["Properties", "K"])
            .and_then(Node::as_str),
        Some("on-prod")
    );
    let b = r.resource_branches(&r.resource("B").expect("B"));
    assert_eq!(
        b.iter().map(|b| b.describe()).collect::<Vec<_>>(),
        ["IsProd=true"]
    );
    assert!(r.resource_branches(&r.resource("C").expect("C")).is_empty());
}
