//! Infrastructure as code in files: Terraform plans (`terraform show -json`)
//! and CloudFormation templates (JSON or YAML), each resource becoming one
//! [`Resource`] whose body is its own part of the document — so rules see
//! the plan's or template's own shape and findings point at its lines.
//!
//! Terraform: every `resource_changes` entry of a managed resource that the
//! plan creates or updates (deletes and no-ops are not judged), kind = the
//! resource type (`aws_security_group`), name = its address. Attributes the
//! plan marks sensitive (`after_sensitive`/`before_sensitive`) are redacted.
//! CloudFormation: every entry of `Resources`, kind = its `Type`
//! (`AWS::EC2::SecurityGroup`), name = its logical id.

use assay_engine::resource::{PathSegment, Provider, Resource, ResourceId, Source, SpanMap};
use serde_json::Value;

/// A Terraform plan in JSON form.
pub fn is_terraform_plan(v: &Value) -> bool {
    v.get("resource_changes").is_some_and(Value::is_array)
        && (v.get("format_version").is_some() || v.get("terraform_version").is_some())
}

/// A CloudFormation template.
pub fn is_cloudformation(v: &Value) -> bool {
    let typed = v
        .get("Resources")
        .and_then(Value::as_object)
        .is_some_and(|r| {
            r.values().any(|x| {
                x.get("Type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.contains("::"))
            })
        });
    typed || (v.get("AWSTemplateFormatVersion").is_some() && v.get("Resources").is_some())
}

/// Where a document is.
pub struct Doc<'a> {
    /// File path.
    pub file: &'a str,
    /// Index in the stream.
    pub index: usize,
    /// The whole document.
    pub value: &'a Value,
    /// Its spans.
    pub spans: &'a SpanMap,
}

fn resource(doc: &Doc<'_>, path: &[PathSegment], id: ResourceId, body: Value) -> Resource {
    let spans = doc.spans.subtree(doc.value, path);
    let (line, column) = spans.0.first().copied().unwrap_or((1, 1));
    Resource {
        id,
        source: Source::File {
            path: doc.file.to_string(),
            document: doc.index,
            line,
            column,
            spans,
        },
        body,
    }
}

/// Replace every value `mask` marks `true` by the redaction marker.
fn redact(value: &mut Value, mask: &Value) {
    match (value, mask) {
        (v, Value::Bool(true)) if !v.is_null() => {
            *v = Value::String(crate::files::REDACTED.to_string());
        }
        (Value::Object(m), Value::Object(mm)) => {
            for (k, sub) in mm {
                if let Some(v) = m.get_mut(k) {
                    redact(v, sub);
                }
            }
        }
        (Value::Array(a), Value::Array(ma)) => {
            for (v, sub) in a.iter_mut().zip(ma) {
                redact(v, sub);
            }
        }
        _ => {}
    }
}

/// The resources a plan creates or updates.
pub fn terraform(doc: &Doc<'_>) -> Vec<Resource> {
    let Some(changes) = doc.value.get("resource_changes").and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, rc) in changes.iter().enumerate() {
        if rc.get("mode").and_then(Value::as_str) == Some("data") {
            continue;
        }
        let actions: Vec<&str> = rc
            .pointer("/change/actions")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if !actions.iter().any(|a| *a == "create" || *a == "update") {
            continue;
        }
        let Some(kind) = rc.get("type").and_then(Value::as_str) else {
            continue;
        };
        let address = rc
            .get("address")
            .and_then(Value::as_str)
            .unwrap_or(kind)
            .to_string();
        let mut body = rc.clone();
        if let Some(change) = body.get_mut("change").and_then(Value::as_object_mut) {
            for (field, mask) in [("after", "after_sensitive"), ("before", "before_sensitive")] {
                let mask = change.get(mask).cloned().unwrap_or(Value::Null);
                if let Some(v) = change.get_mut(field) {
                    redact(v, &mask);
                }
            }
        }
        let path = [
            PathSegment::Key("resource_changes".into()),
            PathSegment::Index(i),
        ];
        let id = ResourceId {
            provider: Provider::Terraform,
            kind: kind.to_string(),
            scope: rc
                .get("module_address")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            name: address,
        };
        out.push(resource(doc, &path, id, body));
    }
    out
}

/// The resources of a template.
pub fn cloudformation(doc: &Doc<'_>) -> Vec<Resource> {
    let Some(resources) = doc.value.get("Resources").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (logical_id, r) in resources {
        let Some(kind) = r.get("Type").and_then(Value::as_str) else {
            continue;
        };
        let path = [
            PathSegment::Key("Resources".into()),
            PathSegment::Key(logical_id.clone()),
        ];
        let id = ResourceId {
            provider: Provider::Cloudformation,
            kind: kind.to_string(),
            scope: String::new(),
            name: logical_id.clone(),
        };
        out.push(resource(doc, &path, id, r.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use assay_engine::yaml::{parse_stream, YamlLimits};

    #[test]
    fn plans_yield_created_and_updated_resources_with_secrets_redacted() {
        let text = r#"{
  "format_version": "1.2",
  "terraform_version": "1.9.0",
  "resource_changes": [
    {"address": "aws_security_group.web", "mode": "managed", "type": "aws_security_group", "name": "web",
     "change": {"actions": ["create"], "before": null,
                "after": {"ingress": [{"from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}]}}},
    {"address": "aws_db_instance.db", "mode": "managed", "type": "aws_db_instance", "name": "db",
     "change": {"actions": ["update"], "before": {"password": "old"}, "after": {"password": "hunter2", "port": 5432},
                "after_sensitive": {"password": true}, "before_sensitive": {"password": true}}},
    {"address": "aws_s3_bucket.gone", "mode": "managed", "type": "aws_s3_bucket", "name": "gone",
     "change": {"actions": ["delete"], "before": {}, "after": null}},
    {"address": "data.aws_ami.x", "mode": "data", "type": "aws_ami", "name": "x",
     "change": {"actions": ["read"], "after": {}}}
  ]
}"#;
        let stream = parse_stream(text, &YamlLimits::default());
        let d = stream.documents.first().unwrap();
        assert!(is_terraform_plan(&d.value));
        let rs = terraform(&Doc {
            file: "plan.json",
            index: 0,
            value: &d.value,
            spans: &d.spans,
        });
        let names: Vec<&str> = rs.iter().map(|r| r.id.name.as_str()).collect();
        assert_eq!(names, vec!["aws_security_group.web", "aws_db_instance.db"]);
        let db = rs.get(1).unwrap();
        assert_eq!(db.body["change"]["after"]["password"], "<redacted>");
        assert_eq!(db.body["change"]["before"]["password"], "<redacted>");
        assert_eq!(db.body["change"]["after"]["port"], 5432);
        let sg = rs.first().unwrap();
        let loc = sg.locate(&[
            PathSegment::Key("change".into()),
            PathSegment::Key("after".into()),
            PathSegment::Key("ingress".into()),
            PathSegment::Index(0),
            PathSegment::Key("cidr_blocks".into()),
            PathSegment::Index(0),
        ]);
        assert_eq!(serde_json::to_value(&loc).unwrap()["line"], 7);
    }

    #[test]
    fn templates_yield_one_resource_per_logical_id() {
        let text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Web:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n  Vol:\n    Type: AWS::EC2::Volume\n    Properties: {Encrypted: !Ref Enc}\n";
        let stream = parse_stream(text, &YamlLimits::default());
        let d = stream.documents.first().unwrap();
        assert!(is_cloudformation(&d.value));
        let rs = cloudformation(&Doc {
            file: "t.yaml",
            index: 0,
            value: &d.value,
            spans: &d.spans,
        });
        assert_eq!(rs.len(), 2);
        let web = rs.first().unwrap();
        assert_eq!(
            (web.id.kind.as_str(), web.id.name.as_str()),
            ("AWS::EC2::SecurityGroup", "Web")
        );
        let loc = web.locate(&[
            PathSegment::Key("Properties".into()),
            PathSegment::Key("SecurityGroupIngress".into()),
            PathSegment::Index(0),
            PathSegment::Key("CidrIp".into()),
        ]);
        let loc = serde_json::to_value(&loc).unwrap();
        assert_eq!(
            (loc["line"].as_u64(), loc["column"].as_u64()),
            (Some(7), Some(55))
        );
        assert_eq!(
            rs.get(1).unwrap().body["Properties"]["Encrypted"],
            serde_json::json!({"Ref": "Enc"})
        );
    }
}
