//! AWS actions through the real SDK: the narrowest call a rule asked for
//! (one permission, one instance option, one account setting).

use assay_collectors::aws::Options;
use aws_sdk_ec2::types::{
    HttpTokensState, IpPermission, IpRange, Ipv6Range, PrefixListId, UserIdGroupPair,
};
use serde_json::{json, Value};

/// Actions this executor performs (the planner leaves others as plan-only).
pub const SUPPORTED: &[&str] = crate::plan::AWS_ACTIONS;

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

fn n(v: &Value, k: &str) -> Option<i32> {
    v.get(k)
        .and_then(Value::as_i64)
        .and_then(|x| i32::try_from(x).ok())
}

fn list<'a>(v: &'a Value, k: &str) -> impl Iterator<Item = &'a Value> {
    v.get(k).and_then(Value::as_array).into_iter().flatten()
}

/// An `IpPermission` from its JSON form (as collected and as rules write it).
pub fn permission(p: &Value) -> IpPermission {
    IpPermission::builder()
        .set_ip_protocol(s(p, "IpProtocol"))
        .set_from_port(n(p, "FromPort"))
        .set_to_port(n(p, "ToPort"))
        .set_ip_ranges(Some(
            list(p, "IpRanges")
                .map(|r| {
                    IpRange::builder()
                        .set_cidr_ip(s(r, "CidrIp"))
                        .set_description(s(r, "Description"))
                        .build()
                })
                .collect(),
        ))
        .set_ipv6_ranges(Some(
            list(p, "Ipv6Ranges")
                .map(|r| {
                    Ipv6Range::builder()
                        .set_cidr_ipv6(s(r, "CidrIpv6"))
                        .set_description(s(r, "Description"))
                        .build()
                })
                .collect(),
        ))
        .set_user_id_group_pairs(Some(
            list(p, "UserIdGroupPairs")
                .map(|g| {
                    UserIdGroupPair::builder()
                        .set_group_id(s(g, "GroupId"))
                        .set_user_id(s(g, "UserId"))
                        .build()
                })
                .collect(),
        ))
        .set_prefix_list_ids(Some(
            list(p, "PrefixListIds")
                .map(|x| {
                    PrefixListId::builder()
                        .set_prefix_list_id(s(x, "PrefixListId"))
                        .build()
                })
                .collect(),
        ))
        .build()
}

fn err<E: std::error::Error>(e: &E) -> String {
    assay_collectors::aws::err_text(e)
}

/// Perform `action` with `params` in `region`; returns what the API said.
pub async fn execute(
    opts: &Options,
    region: &str,
    action: &str,
    params: &Value,
) -> Result<Value, String> {
    let conf = assay_collectors::aws::config(opts, Some(region)).await;
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let group = s(params, "GroupId");
    let perms: Vec<IpPermission> = list(params, "IpPermissions").map(permission).collect();
    let rule_ids: Option<Vec<String>> = params
        .get("SecurityGroupRuleIds")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        });
    match action {
        "ec2:RevokeSecurityGroupIngress" => {
            let out = ec2
                .revoke_security_group_ingress()
                .set_group_id(group)
                .set_ip_permissions((!perms.is_empty()).then_some(perms))
                .set_security_group_rule_ids(rule_ids)
                .send()
                .await
                .map_err(|e| err(&e))?;
            if out.r#return() == Some(false) {
                return Err("the API did not revoke the permission".into());
            }
            Ok(
                json!({"Return": out.r#return(), "UnknownIpPermissions": out.unknown_ip_permissions().len()}),
            )
        }
        "ec2:RevokeSecurityGroupEgress" => {
            let out = ec2
                .revoke_security_group_egress()
                .set_group_id(group)
                .set_ip_permissions((!perms.is_empty()).then_some(perms))
                .set_security_group_rule_ids(rule_ids)
                .send()
                .await
                .map_err(|e| err(&e))?;
            Ok(json!({"Return": out.r#return()}))
        }
        "ec2:AuthorizeSecurityGroupIngress" => {
            let out = ec2
                .authorize_security_group_ingress()
                .set_group_id(group)
                .set_ip_permissions(Some(perms))
                .send()
                .await
                .map_err(|e| err(&e))?;
            Ok(json!({"Return": out.r#return(), "Rules": out.security_group_rules().len()}))
        }
        "ec2:AuthorizeSecurityGroupEgress" => {
            let out = ec2
                .authorize_security_group_egress()
                .set_group_id(group)
                .set_ip_permissions(Some(perms))
                .send()
                .await
                .map_err(|e| err(&e))?;
            Ok(json!({"Return": out.r#return()}))
        }
        "ec2:ModifyInstanceMetadataOptions" => {
            let tokens = s(params, "HttpTokens").unwrap_or_else(|| "required".into());
            let out = ec2
                .modify_instance_metadata_options()
                .set_instance_id(s(params, "InstanceId"))
                .http_tokens(HttpTokensState::from(tokens.as_str()))
                .send()
                .await
                .map_err(|e| err(&e))?;
            Ok(json!({"InstanceId": out.instance_id(),
                      "HttpTokens": out.instance_metadata_options().and_then(|m| m.http_tokens()).map(|t| t.as_str())}))
        }
        "ec2:EnableEbsEncryptionByDefault" => {
            let out = ec2
                .enable_ebs_encryption_by_default()
                .send()
                .await
                .map_err(|e| err(&e))?;
            Ok(json!({"EbsEncryptionByDefault": out.ebs_encryption_by_default()}))
        }
        "ec2:DisableEbsEncryptionByDefault" => {
            let out = ec2
                .disable_ebs_encryption_by_default()
                .send()
                .await
                .map_err(|e| err(&e))?;
            Ok(json!({"EbsEncryptionByDefault": out.ebs_encryption_by_default()}))
        }
        other => Err(format!("action `{other}` has no executor yet")),
    }
}
