use super::*;
use assay_engine::finding::{Location, ResourceRef};
use assay_engine::resource::ResourceId;

fn live(kind: &str, name: &str, body: Value) -> Resource {
    Resource {
        id: ResourceId {
            provider: Provider::Kubernetes,
            kind: kind.into(),
            scope: "shop".into(),
            name: name.into(),
        },
        source: Source::Live {
            endpoint: "k8s://ctx".into(),
        },
        body,
    }
}

fn finding(r: &Resource, rule: &str, fix: Value) -> Finding {
    Finding {
        rule: rule.into(),
        title: "".into(),
        severity: Severity::High,
        status: Status::Fail,
        message: "m".into(),
        resource: ResourceRef::from(&r.id),
        location: Location::Live {
            endpoint: "k8s://ctx".into(),
            pointer: String::new(),
        },
        path: None,
        frameworks: Default::default(),
        remediation: "".into(),
        fix: Some(fix),
        waiver: None,
        baseline: false,
        fingerprint: rule.into(),
    }
}

fn deployment() -> Resource {
    live(
        "apps/v1/Deployment",
        "web",
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "7"},
            "spec": {"template": {"spec": {"containers": [
                {"name": "side", "image": "s:1"},
                {"name": "app", "image": "a:1", "securityContext": {"privileged": true}}
            ]}}}
        }),
    )
}

#[test]
fn fixes_of_one_object_combine_into_one_minimal_apply() {
    let d = deployment();
    let f1 = finding(
        &d,
        "K8S-PSS-003",
        json!([{"op": "replace", "path": "/spec/template/spec/containers/1/securityContext/privileged", "value": false}]),
    );
    let f2 = finding(
        &d,
        "K8S-PSS-014",
        json!([{"op": "add", "path": "/spec/template/spec/containers/1/securityContext", "value": {}},
                                               {"op": "add", "path": "/spec/template/spec/containers/1/securityContext/allowPrivilegeEscalation", "value": false}]),
    );
    let p = plan(&[f1, f2], &[d], &Selector::default());
    assert!(p.skipped.is_empty(), "{p:?}");
    let [Change::Kubernetes(c)] = p.changes.as_slice() else {
        panic!("{p:?}")
    };
    assert_eq!(c.rules, vec!["K8S-PSS-003", "K8S-PSS-014"]);
    assert_eq!(
        c.apply,
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "7"},
            "spec": {"template": {"spec": {"containers": [{"name": "app", "securityContext": {"allowPrivilegeEscalation": false, "privileged": false}}]}}}
        })
    );
    // The rollback restores `privileged: true` and leaves out the field that did not exist.
    assert_eq!(
        c.rollback["spec"],
        json!({"template": {"spec": {"containers": [{"name": "app", "securityContext": {"privileged": true}}]}}})
    );
    assert_eq!(
        c.fields["/spec/template/spec/containers/1/securityContext/allowPrivilegeEscalation"],
        (Value::Null, json!(false))
    );
    let text = render(&p, 0);
    assert!(
        text.contains("/spec/template/spec/containers/1/securityContext/privileged: true → false"),
        "{text}"
    );
}

#[test]
fn owned_pods_are_fixed_at_the_owner_and_compliant_objects_not_at_all() {
    let pod = live(
        "v1/Pod",
        "web-abc",
        json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-abc", "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5d", "controller": true}]},
        "spec": {"containers": [{"name": "app", "securityContext": {"privileged": true}}]}}),
    );
    let f = finding(
        &pod,
        "K8S-PSS-003",
        json!([{"op": "replace", "path": "/spec/containers/0/securityContext/privileged", "value": false}]),
    );
    let p = plan(&[f], &[pod], &Selector::default());
    assert!(p.changes.is_empty());
    assert!(
        p.skipped[0].reason.contains("managed by ReplicaSet web-5d"),
        "{p:?}"
    );
    // Already compliant: the fix changes nothing, so nothing is planned (idempotent).
    let d = deployment();
    let f = finding(
        &d,
        "X",
        json!([{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "s:1"}]),
    );
    assert!(plan(&[f], &[d], &Selector::default()).changes.is_empty());
}

#[test]
fn selectors_filter_findings() {
    let d = deployment();
    let f = finding(
        &d,
        "K8S-PSS-003",
        json!([{"op": "replace", "path": "/spec/template/spec/containers/1/securityContext/privileged", "value": false}]),
    );
    let none = Selector {
        rules: vec!["OTHER".into()],
        ..Selector::default()
    };
    assert!(
        plan(std::slice::from_ref(&f), std::slice::from_ref(&d), &none)
            .changes
            .is_empty()
    );
    let crit = Selector {
        min_severity: Some(Severity::Critical),
        ..Selector::default()
    };
    assert!(
        plan(std::slice::from_ref(&f), std::slice::from_ref(&d), &crit)
            .changes
            .is_empty()
    );
    let res = Selector {
        resource: Some("shop/web".into()),
        ..Selector::default()
    };
    assert_eq!(plan(&[f], &[d], &res).changes.len(), 1);
}

#[test]
fn aws_fixes_carry_their_before_state_and_inverse() {
    let sg = Resource {
        id: ResourceId {
            provider: Provider::Aws,
            kind: "AWS::EC2::SecurityGroup".into(),
            scope: "123456789012/eu-west-1".into(),
            name: "sg-1".into(),
        },
        source: Source::Live {
            endpoint: "aws://eu-west-1".into(),
        },
        body: json!({"GroupId": "sg-1"}),
    };
    let perm = json!({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]});
    let f = finding(
        &sg,
        "AWS-EC2-001",
        json!({"action": "ec2:RevokeSecurityGroupIngress", "params": {"GroupId": "sg-1", "IpPermissions": [perm.clone()]}}),
    );
    let p = plan(&[f.clone(), f], &[sg], &Selector::default());
    let [Change::Aws(a)] = p.changes.as_slice() else {
        panic!("{p:?}")
    };
    assert_eq!(a.region, "eu-west-1");
    assert_eq!(
        a.rollback.as_ref().unwrap().0,
        "ec2:AuthorizeSecurityGroupIngress"
    );
    assert_eq!(a.before, json!({"IpPermissions": [perm]}));
}
