//! Tests of the YAML loader: short forms, typing, anchors, limits, errors.

use super::*;

fn parse_ok(text: &str) -> (Node, Vec<Diagnostic>) {
    parse(Path::new("t.yaml"), text, &Limits::default()).unwrap()
}

fn json(text: &str) -> serde_json::Value {
    parse_ok(text).0.to_json()
}

fn parse_err(text: &str) -> String {
    parse(Path::new("t.yaml"), text, &Limits::default())
        .unwrap_err()
        .to_string()
}

#[test]
fn short_forms_become_long_forms() {
    let got = json(
        "a: !Ref X\nb: !GetAtt T.Arn\nc: !GetAtt DB.Endpoint.Address\nd: !Sub '${A}'\n\
         e: !If [C, !Ref AWS::NoValue, 1]\nf: !Condition IsProd\ng: !GetAZs\n\
         h: !Transform {Name: M}\ni: !GetAtt [T, Arn]\n",
    );
    let want = serde_json::json!({
        "a": {"Ref": "X"},
        "b": {"Fn::GetAtt": ["T", "Arn"]},
        "c": {"Fn::GetAtt": ["DB", "Endpoint.Address"]},
        "d": {"Fn::Sub": "${A}"},
        "e": {"Fn::If": ["C", {"Ref": "AWS::NoValue"}, 1]},
        "f": {"Condition": "IsProd"},
        "g": {"Fn::GetAZs": ""},
        "h": {"Fn::Transform": {"Name": "M"}},
        "i": {"Fn::GetAtt": ["T", "Arn"]},
    });
    assert_eq!(got, want);
}

#[test]
fn tagged_scalar_arguments_stay_strings() {
    assert_eq!(
        json("a: !Ref 123"),
        serde_json::json!({"a": {"Ref": "123"}})
    );
    assert_eq!(
        json("a: !Base64 true"),
        serde_json::json!({"a": {"Fn::Base64": "true"}})
    );
}

#[test]
fn plain_scalars_follow_cloudformation_yaml_1_1() {
    let got =
        json("a: yes\nb: Off\nc: ~\nd:\ne: 012345678901\nf: 1.10\ng: -3e5\nh: '1'\ni: 0x1F\nj: .5");
    let want = serde_json::json!({
        "a": true, "b": false, "c": null, "d": null, "e": "012345678901",
        "f": 1.10, "g": -3e5, "h": "1", "i": "0x1F", "j": ".5",
    });
    assert_eq!(got, want);
    let (root, _) = parse_ok("f: 1.10");
    assert_eq!(root.get("f").unwrap().value, Value::Number("1.10".into()));
}

#[test]
fn core_tags_retype() {
    let got = json("a: !!str 12\nb: !!int 7\nc: !!bool yes\nd: !!int nope");
    assert_eq!(
        got,
        serde_json::json!({"a": "12", "b": 7, "c": true, "d": "nope"})
    );
}

#[test]
fn locations_are_one_based() {
    let (root, _) = parse_ok("Resources:\n  B:\n    Type: !Ref X\n");
    let (key, b) = root
        .get("Resources")
        .unwrap()
        .as_object()
        .unwrap()
        .get_entry("B")
        .unwrap();
    assert_eq!(key.loc, Loc::new(2, 3));
    let ty = b.get("Type").unwrap();
    assert_eq!(ty.loc, Loc::new(3, 11));
    assert_eq!(ty.get("Ref").unwrap().loc, Loc::new(3, 11));
}

#[test]
fn unknown_tags_are_reported_and_value_kept() {
    let (root, diags) = parse_ok("a: !Foo bar\nb: !!binary aGk=\n");
    assert_eq!(root.to_json(), serde_json::json!({"a": "bar", "b": "aGk="}));
    assert_eq!(diags.len(), 2);
    assert_eq!(diags[0].kind, DiagnosticKind::UnknownTag);
    assert_eq!(diags[0].loc, Loc::new(1, 4));
    assert!(diags[0].message.contains("`!Foo`"));
    assert!(diags[1].message.contains("`!!binary`"));
}

#[test]
fn duplicate_keys_keep_the_last() {
    let (root, diags) = parse_ok("a: 1\nb: 2\na: 3\n");
    assert_eq!(root.to_json(), serde_json::json!({"a": 3, "b": 2}));
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].loc, Loc::new(3, 1));
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let (root, diags) = parse_ok(
        "base: &b {x: 1, y: 2}\ncopy: *b\nmerged:\n  z: 0\n  <<: *b\n  y: 3\n\
         multi:\n  <<: [{p: 1}, {p: 2, q: 2}]\n",
    );
    let want = serde_json::json!({
        "base": {"x": 1, "y": 2},
        "copy": {"x": 1, "y": 2},
        "merged": {"z": 0, "x": 1, "y": 3},
        "multi": {"p": 1, "q": 2},
    });
    assert_eq!(root.to_json(), want);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].kind, DiagnosticKind::YamlAlias);
    assert_eq!(root.get("copy").unwrap().loc, Loc::new(2, 7));
}

#[test]
fn alias_bomb_is_stopped() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let start = std::time::Instant::now();
    let err = parse_err(&text);
    assert!(
        err.contains("yaml aliases expand to more than 100000 values"),
        "{err}"
    );
    assert!(start.elapsed().as_secs() < 2);
}

#[test]
fn deep_nesting_is_an_error() {
    let flow = format!("a: {}", "[".repeat(100_000));
    let err = parse_err(&flow);
    assert!(
        err.contains("nesting deeper than") || err.contains("invalid yaml"),
        "{err}"
    );
    let block: String = (0..300)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    assert!(parse_err(&block).contains("nesting deeper than 256 levels"));
}

#[test]
fn syntax_errors_are_located() {
    assert_eq!(
        parse_err("a: [1, 2\n"),
        "t.yaml:2:1: invalid yaml: while parsing a flow sequence, expected ',' or ']'"
    );
    assert!(parse_err("a: 1\n---\nb: 2\n").contains("more than one yaml document"));
    assert!(parse_err("? [a]\n: b\n").contains("mapping keys must be plain strings"));
    assert!(parse_err("a: *nope\n").starts_with("t.yaml:1:4: invalid yaml"));
}

#[test]
fn crlf_and_non_ascii() {
    let (root, _) = parse_ok("a: \"été ☺\"\r\nb: 月報\r\n");
    assert_eq!(
        root.to_json(),
        serde_json::json!({"a": "été ☺", "b": "月報"})
    );
    assert_eq!(root.get("b").unwrap().loc, Loc::new(2, 4));
}

#[test]
fn json_numbers() {
    for ok in ["0", "-0", "1.5", "1e5", "1E+5", "-12.5e-3"] {
        assert!(is_json_number(ok), "{ok}");
    }
    for bad in [
        "", "-", "01", "1.", ".5", "1e", "+1", "1_000", "0x1", "1.5.5",
    ] {
        assert!(!is_json_number(bad), "{bad}");
    }
}

#[test]
fn tagged_keys_are_errors() {
    assert_eq!(
        json("a: [ ! \"Ref\": x, ! 1 ]"),
        serde_json::json!({"a": [{"Ref": "x"}, "1"]})
    );
    let err = parse_err("a: [ !ImportValue Fn::Sub: x ]\n");
    assert_eq!(
        err,
        "t.yaml:1:6: a mapping key cannot carry a tag (`!ImportValue`)"
    );
}

#[test]
fn under_indented_flow_closer_is_accepted() {
    let text = "a:\n  b:\n    c: [\n      x,\n      y\n    ]\n    d: 1\n";
    let (root, _) = parse_ok(text);
    assert_eq!(
        root.to_json(),
        serde_json::json!({"a": {"b": {"c": ["x", "y"], "d": 1}}})
    );
    assert_eq!(root.pointer(&["a", "b", "d"]).unwrap().loc, Loc::new(7, 8));
    assert!(parse_err("a:\n  b: [\n x\n  ]\n").contains("invalid"));
}
