use super::*;
use crate::resource::{PathSegment, Position};
use serde_json::json;

fn parse(text: &str) -> YamlStream {
    parse_stream(text, &YamlLimits::default())
}

fn key(k: &str) -> PathSegment {
    PathSegment::Key(k.to_string())
}

#[test]
fn positions_point_at_keys_and_items() {
    let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx\n    - name: b\n      securityContext:\n        privileged: true\n";
    let s = parse(text);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let doc = s.documents.first().unwrap();
    let path = [
        key("spec"),
        key("containers"),
        PathSegment::Index(1),
        key("securityContext"),
        key("privileged"),
    ];
    assert_eq!(
        doc.spans.locate(&doc.value, &path),
        Some(Position { line: 9, column: 9 })
    );
    // Past the end of what exists: the deepest ancestor.
    let missing = [
        key("spec"),
        key("containers"),
        PathSegment::Index(0),
        key("securityContext"),
    ];
    assert_eq!(
        doc.spans.locate(&doc.value, &missing),
        Some(Position { line: 5, column: 7 })
    );
    assert_eq!(doc.spans.0.len(), crate::resource::node_count(&doc.value));
}

#[test]
fn multi_document_streams_keep_indices_and_lines() {
    let s = parse("a: 1\n---\n---\nb: 2\n---\n# only a comment\n---\nc: [1, 2]\n");
    let got: Vec<(usize, u32)> = s.documents.iter().map(|d| (d.index, d.line)).collect();
    assert_eq!(got, vec![(0, 1), (2, 4), (4, 8)]);
}

#[test]
fn kubernetes_scalar_rules() {
    let s = parse("a: yes\nb: off\nc: 0644\nd: 0x1F\ne: 1.5\nf: '0644'\ng: ~\nh: 1_000\ni: -3\nj: .inf\nk: !!str 12\nl: 1e3\n");
    let v = &s.documents.first().unwrap().value;
    assert_eq!(
        v,
        &json!({"a": true, "b": false, "c": 420, "d": 31, "e": 1.5, "f": "0644", "g": null,
                "h": 1000, "i": -3, "j": ".inf", "k": "12", "l": 1000.0})
    );
}

#[test]
fn json_documents_parse_with_positions() {
    let text = "{\n\t\"kind\": \"Pod\",\n\t\"spec\": {\"hostPID\": true}\n}\n";
    let s = parse(text);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let doc = s.documents.first().unwrap();
    assert_eq!(
        doc.spans.locate(&doc.value, &[key("spec"), key("hostPID")]),
        Some(Position {
            line: 3,
            column: 11
        })
    );
}

#[test]
fn duplicate_keys_are_errors() {
    let s = parse("a: 1\nb: 2\na: 3\n");
    let e = s.errors.first().unwrap();
    assert!(e.message.contains("duplicate key `a`"), "{e:?}");
    assert_eq!(e.line, 3);
}

#[test]
fn merge_keys_follow_yaml_semantics() {
    let text = "base: &b\n  x: 1\n  y: 2\nuse:\n  y: 9\n  <<: *b\n  z: 3\n";
    let s = parse(text);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let doc = s.documents.first().unwrap();
    assert_eq!(doc.value["use"], json!({"y": 9, "x": 1, "z": 3}));
    assert_eq!(doc.spans.0.len(), crate::resource::node_count(&doc.value));
    assert_eq!(
        doc.spans.locate(&doc.value, &[key("use"), key("z")]),
        Some(Position { line: 7, column: 3 })
    );
    assert_eq!(
        doc.spans.locate(&doc.value, &[key("use"), key("x")]),
        Some(Position { line: 6, column: 3 })
    );
}

#[test]
fn billion_laughs_is_rejected_quickly() {
    let mut text = String::from(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let prev = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev},*a{prev}]\n"
        ));
    }
    let s = parse(&text);
    assert!(s.documents.is_empty());
    let e = s.errors.first().unwrap();
    assert!(e.message.contains("alias expansion exceeds"), "{e:?}");
}

#[test]
fn deep_nesting_is_rejected() {
    let text = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let s = parse(&text);
    assert!(s.documents.is_empty());
    assert!(!s.errors.is_empty());
}

#[test]
fn a_bad_document_does_not_lose_the_others() {
    let text = "kind: A\n---\nkind: B\n  bad: [\n---\nkind: C\n";
    let s = parse(text);
    let kinds: Vec<&str> = s
        .documents
        .iter()
        .map(|d| d.value["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["A", "C"]);
    let e = s.errors.first().unwrap();
    assert_eq!(e.index, 1);
    assert_eq!(e.line, 4);
    let c = s.documents.get(1).unwrap();
    assert_eq!((c.index, c.line), (2, 6));
}

#[test]
fn locate_accepts_numeric_keys_either_way() {
    let s = parse("a:\n  - x: 1\n  - y: 2\nm:\n  \"0\": z\n");
    let doc = s.documents.first().unwrap();
    let by_key = [key("a"), key("1"), key("y")];
    let by_index = [key("a"), PathSegment::Index(1), key("y")];
    let want = Some(Position { line: 3, column: 5 });
    assert_eq!(doc.spans.locate(&doc.value, &by_key), want);
    assert_eq!(doc.spans.locate(&doc.value, &by_index), want);
    assert_eq!(
        doc.spans
            .locate(&doc.value, &[key("m"), PathSegment::Index(0)]),
        Some(Position { line: 5, column: 3 })
    );
    assert!(doc.spans.array_items(&doc.value, &[key("nope")]).is_empty());
    let items = doc.spans.array_items(&doc.value, &[key("a")]);
    let lens: Vec<usize> = items.iter().map(|s| s.0.len()).collect();
    assert_eq!(lens, vec![2, 2]);
    assert_eq!(items[1].0[0], (3, 5));
}

#[test]
fn cloudformation_short_form_intrinsics_become_long_form_with_positions() {
    let text = "Resources:\n  SG:\n    Properties:\n      VpcId: !Ref Vpc\n      Desc: !Sub \"${AWS::StackName}\"\n      Arn: !GetAtt [Role, Arn]\n      Plain: x\n";
    let stream = parse_stream(text, &YamlLimits::default());
    assert!(stream.errors.is_empty(), "{:?}", stream.errors);
    let doc = stream.documents.first().unwrap();
    let props = &doc.value["Resources"]["SG"]["Properties"];
    assert_eq!(props["VpcId"], serde_json::json!({"Ref": "Vpc"}));
    assert_eq!(
        props["Desc"],
        serde_json::json!({"Fn::Sub": "${AWS::StackName}"})
    );
    assert_eq!(
        props["Arn"],
        serde_json::json!({"Fn::GetAtt": ["Role", "Arn"]})
    );
    let at = |path: &[&str]| {
        let p: Vec<PathSegment> = path
            .iter()
            .map(|k| PathSegment::Key((*k).to_string()))
            .collect();
        let pos = doc.spans.locate(&doc.value, &p).unwrap();
        (pos.line, pos.column)
    };
    assert_eq!(
        at(&["Resources", "SG", "Properties", "VpcId", "Ref"]),
        (4, 7)
    );
    assert_eq!(at(&["Resources", "SG", "Properties", "Plain"]), (7, 7));
    assert_eq!(doc.spans.0.len(), crate::resource::node_count(&doc.value));
}
