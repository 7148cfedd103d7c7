//! Live AWS: EC2 and AWS Config, region by region (concurrently), through
//! the AWS SDK with the standard credential chain (environment, profiles,
//! SSO, web identity, IMDS), `AWS_ENDPOINT_URL` honoured, adaptive retries on
//! throttling and pagination everywhere. A region or service that fails is
//! reported and the rest is still collected.
//!
//! Every resource's body is the object in the AWS API's own shape
//! (PascalCase, as `describe-*` prints it) and its kind is the CloudFormation
//! type name (`AWS::EC2::SecurityGroup`), so one rule judges a plan, a
//! template and the live account alike.

use assay_engine::resource::{Provider, Resource, ResourceId, Source};
use assay_engine::Diagnostic;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_ec2::types as ec2;
use futures::StreamExt;
use serde_json::{json, Map, Value};

/// What to collect.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Named profile (default: the standard chain).
    pub profile: Option<String>,
    /// Regions (empty: every region enabled for the account).
    pub regions: Vec<String>,
    /// Regions collected at once.
    pub concurrency: usize,
}

/// What came back.
#[derive(Debug, Default)]
pub struct Collection {
    /// Every resource collected.
    pub resources: Vec<Resource>,
    /// Regions or services that failed (the collection is partial).
    pub errors: Vec<Diagnostic>,
    /// The regions collected.
    pub regions: Vec<String>,
}

/// Why nothing could be collected.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// Regions could not be listed (no credentials, no network, …).
    #[error("cannot list the account's regions: {0}")]
    Regions(String),
}

/// The SDK configuration for `opts` (profile, credentials chain, `AWS_ENDPOINT_URL`) in `region`.
pub async fn config(opts: &Options, region: Option<&str>) -> aws_config::SdkConfig {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(RetryConfig::adaptive().with_max_attempts(8));
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = region {
        loader = loader.region(Region::new(r.to_string()));
    }
    loader.load().await
}

/// An error with its chain of causes, on one line.
pub fn err_text<E: std::error::Error>(e: &E) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

/// Collect the account.
pub async fn collect(opts: &Options) -> Result<Collection, AwsError> {
    let regions = if opts.regions.is_empty() {
        let base = config(opts, None).await;
        let fallback = base
            .region()
            .map_or("us-east-1".to_string(), ToString::to_string);
        let base = config(opts, Some(&fallback)).await;
        let out = aws_sdk_ec2::Client::new(&base)
            .describe_regions()
            .send()
            .await
            .map_err(|e| AwsError::Regions(err_text(&e)))?;
        let mut r: Vec<String> = out
            .regions()
            .iter()
            .filter_map(|r| r.region_name().map(str::to_string))
            .collect();
        r.sort();
        r
    } else {
        let mut r = opts.regions.clone();
        r.sort();
        r.dedup();
        r
    };
    let per_region: Vec<(Vec<Resource>, Vec<Diagnostic>)> = futures::stream::iter(
        regions
            .iter()
            .map(|r| async move { collect_region(opts, r).await }),
    )
    .buffer_unordered(opts.concurrency.max(1))
    .collect()
    .await;
    let mut out = Collection {
        regions,
        ..Collection::default()
    };
    for (res, errs) in per_region {
        out.resources.extend(res);
        out.errors.extend(errs);
    }
    out.resources.sort_by(|a, b| a.id.cmp(&b.id));
    out.errors.sort();
    Ok(out)
}

fn resource(region: &str, kind: &str, id: &str, body: Value) -> Resource {
    Resource {
        id: ResourceId {
            provider: Provider::Aws,
            kind: kind.to_string(),
            scope: region.to_string(),
            name: id.to_string(),
        },
        source: Source::Live {
            endpoint: format!("aws://{region}"),
        },
        body,
    }
}

async fn collect_region(opts: &Options, region: &str) -> (Vec<Resource>, Vec<Diagnostic>) {
    let conf = config(opts, Some(region)).await;
    let ec2c = aws_sdk_ec2::Client::new(&conf);
    let cfg = aws_sdk_config::Client::new(&conf);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let endpoint = format!("aws://{region}");
    let mut fail = |service: &str, e: String| {
        errors
            .push(Diagnostic::new(format!("{service} in {region}: {e}")).in_file(endpoint.clone()));
    };

    macro_rules! pages {
        ($call:expr, $items:ident) => {{
            let mut all = Vec::new();
            let mut stream = $call.into_paginator().send();
            let mut failed = None;
            while let Some(page) = stream.next().await {
                match page {
                    Ok(p) => all.extend(p.$items().iter().cloned()),
                    Err(e) => {
                        failed = Some(err_text(&e));
                        break;
                    }
                }
            }
            match failed {
                Some(e) => Err(e),
                None => Ok(all),
            }
        }};
    }

    match pages!(ec2c.describe_security_groups(), security_groups) {
        Ok(groups) => {
            for g in groups {
                let id = g.group_id().unwrap_or_default().to_string();
                out.push(resource(
                    region,
                    "AWS::EC2::SecurityGroup",
                    &id,
                    security_group(&g),
                ));
            }
        }
        Err(e) => fail("ec2:DescribeSecurityGroups", e),
    }
    match pages!(ec2c.describe_instances(), reservations) {
        Ok(reservations) => {
            for r in reservations {
                for i in r.instances() {
                    let id = i.instance_id().unwrap_or_default().to_string();
                    out.push(resource(region, "AWS::EC2::Instance", &id, instance(i)));
                }
            }
        }
        Err(e) => fail("ec2:DescribeInstances", e),
    }
    match pages!(ec2c.describe_volumes(), volumes) {
        Ok(volumes) => {
            for v in volumes {
                let id = v.volume_id().unwrap_or_default().to_string();
                out.push(resource(region, "AWS::EC2::Volume", &id, volume(&v)));
            }
        }
        Err(e) => fail("ec2:DescribeVolumes", e),
    }
    match pages!(ec2c.describe_vpcs(), vpcs) {
        Ok(vpcs) => {
            for v in vpcs {
                let id = v.vpc_id().unwrap_or_default().to_string();
                let body = json!({"VpcId": id, "CidrBlock": v.cidr_block(), "IsDefault": v.is_default(),
                    "State": v.state().map(|s| s.as_str()), "Tags": tags(v.tags())});
                out.push(resource(region, "AWS::EC2::VPC", &id, body));
            }
        }
        Err(e) => fail("ec2:DescribeVpcs", e),
    }
    match pages!(ec2c.describe_subnets(), subnets) {
        Ok(subnets) => {
            for s in subnets {
                let id = s.subnet_id().unwrap_or_default().to_string();
                let body = json!({"SubnetId": id, "VpcId": s.vpc_id(), "CidrBlock": s.cidr_block(),
                    "AvailabilityZone": s.availability_zone(), "MapPublicIpOnLaunch": s.map_public_ip_on_launch(),
                    "Tags": tags(s.tags())});
                out.push(resource(region, "AWS::EC2::Subnet", &id, body));
            }
        }
        Err(e) => fail("ec2:DescribeSubnets", e),
    }
    match pages!(ec2c.describe_network_acls(), network_acls) {
        Ok(acls) => {
            for a in acls {
                let id = a.network_acl_id().unwrap_or_default().to_string();
                let entries: Vec<Value> = a.entries().iter().map(|e| json!({
                    "RuleNumber": e.rule_number(), "Protocol": e.protocol(), "RuleAction": e.rule_action().map(|r| r.as_str()),
                    "Egress": e.egress(), "CidrBlock": e.cidr_block(), "Ipv6CidrBlock": e.ipv6_cidr_block(),
                    "PortRange": e.port_range().map(|p| json!({"From": p.from(), "To": p.to()})),
                })).collect();
                let body = json!({"NetworkAclId": id, "VpcId": a.vpc_id(), "IsDefault": a.is_default(), "Entries": entries});
                out.push(resource(region, "AWS::EC2::NetworkAcl", &id, body));
            }
        }
        Err(e) => fail("ec2:DescribeNetworkAcls", e),
    }
    match pages!(ec2c.describe_flow_logs(), flow_logs) {
        Ok(logs) => {
            for f in logs {
                let id = f.flow_log_id().unwrap_or_default().to_string();
                let body = json!({"FlowLogId": id, "ResourceId": f.resource_id(), "TrafficType": f.traffic_type().map(|t| t.as_str()),
                    "LogDestinationType": f.log_destination_type().map(|t| t.as_str()), "FlowLogStatus": f.flow_log_status()});
                out.push(resource(region, "AWS::EC2::FlowLog", &id, body));
            }
        }
        Err(e) => fail("ec2:DescribeFlowLogs", e),
    }
    match ec2c.get_ebs_encryption_by_default().send().await {
        Ok(r) => out.push(resource(
            region,
            "AWS::EC2::EBSEncryptionByDefault",
            region,
            json!({"EbsEncryptionByDefault": r.ebs_encryption_by_default()}),
        )),
        Err(e) => fail("ec2:GetEbsEncryptionByDefault", err_text(&e)),
    }
    collect_config(&cfg, region, &mut out, &mut fail).await;
    (out, errors)
}

/// AWS Config: recorders with their status, and the configuration items of
/// the resources it has discovered (types beyond EC2: S3, IAM, RDS, …).
async fn collect_config(
    cfg: &aws_sdk_config::Client,
    region: &str,
    out: &mut Vec<Resource>,
    fail: &mut impl FnMut(&str, String),
) {
    let statuses = match cfg.describe_configuration_recorder_status().send().await {
        Ok(s) => s
            .configuration_recorders_status()
            .iter()
            .map(|s| (s.name().unwrap_or_default().to_string(), json!({"Recording": s.recording(), "LastStatus": s.last_status().map(|x| x.as_str())})))
            .collect::<Map<String, Value>>(),
        Err(e) => {
            fail("config:DescribeConfigurationRecorderStatus", err_text(&e));
            Map::new()
        }
    };
    match cfg.describe_configuration_recorders().send().await {
        Ok(r) => {
            let recorders: Vec<Value> = r
                .configuration_recorders()
                .iter()
                .map(|rec| {
                    let name = rec.name().unwrap_or_default().to_string();
                    json!({"Name": name, "RoleARN": rec.role_arn(),
                        "RecordingGroup": rec.recording_group().map(|g| json!({"AllSupported": g.all_supported(), "IncludeGlobalResourceTypes": g.include_global_resource_types()})),
                        "Status": statuses.get(&name).cloned().unwrap_or(Value::Null)})
                })
                .collect();
            // One pseudo-resource per region, so "Config is recording" is
            // decidable even when there is no recorder at all.
            out.push(resource(
                region,
                "AWS::Config::ConfigurationRecorders",
                region,
                json!({"Region": region, "ConfigurationRecorders": recorders}),
            ));
        }
        Err(e) => fail("config:DescribeConfigurationRecorders", err_text(&e)),
    }
    for rtype in [
        aws_sdk_config::types::ResourceType::Bucket,
        aws_sdk_config::types::ResourceType::Role,
        aws_sdk_config::types::ResourceType::DbInstance,
        aws_sdk_config::types::ResourceType::User,
    ] {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let r = cfg
                .list_discovered_resources()
                .resource_type(rtype.clone())
                .set_next_token(token.clone())
                .send()
                .await;
            match r {
                Ok(page) => {
                    for id in page.resource_identifiers() {
                        if let Some(rid) = id.resource_id() {
                            keys.push(
                                aws_sdk_config::types::ResourceKey::builder()
                                    .resource_type(rtype.clone())
                                    .resource_id(rid)
                                    .build(),
                            );
                        }
                    }
                    token = page.next_token().map(str::to_string);
                    if token.is_none() {
                        break;
                    }
                }
                Err(e) => {
                    fail("config:ListDiscoveredResources", err_text(&e));
                    break;
                }
            }
        }
        for chunk in keys.chunks(100) {
            let keys: Vec<_> = chunk
                .iter()
                .filter_map(|k| k.as_ref().ok().cloned())
                .collect();
            match cfg
                .batch_get_resource_config()
                .set_resource_keys(Some(keys))
                .send()
                .await
            {
                Ok(r) => {
                    for item in r.base_configuration_items() {
                        let kind = item
                            .resource_type()
                            .map_or("AWS::Config::Resource", |t| t.as_str());
                        let id = item.resource_id().unwrap_or_default();
                        let configuration = item
                            .configuration()
                            .and_then(|c| serde_json::from_str::<Value>(c).ok())
                            .unwrap_or(Value::Null);
                        let supplementary: Map<String, Value> = item
                            .supplementary_configuration()
                            .map(|m| {
                                m.iter()
                                    .map(|(k, v)| {
                                        (
                                            k.clone(),
                                            serde_json::from_str(v)
                                                .unwrap_or(Value::String(v.clone())),
                                        )
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        let body = json!({"ResourceType": kind, "ResourceId": id, "ResourceName": item.resource_name(),
                            "Arn": item.arn(), "AwsRegion": item.aws_region(), "AccountId": item.account_id(),
                            "Configuration": configuration, "SupplementaryConfiguration": supplementary});
                        out.push(resource(region, kind, id, body));
                    }
                }
                Err(e) => {
                    // The resources still exist: keep them, without their
                    // configuration, and say the collection is partial.
                    fail(
                        "config:BatchGetResourceConfig",
                        format!(
                            "{}; the resources are listed without their configuration",
                            err_text(&e)
                        ),
                    );
                    for k in chunk.iter().filter_map(|k| k.as_ref().ok()) {
                        let kind = k.resource_type().as_str();
                        let id = k.resource_id();
                        let body = json!({"ResourceType": kind, "ResourceId": id, "Configuration": null,
                            "SupplementaryConfiguration": {}});
                        out.push(resource(region, kind, id, body));
                    }
                }
            }
        }
    }
}

fn tags(t: &[ec2::Tag]) -> Value {
    Value::Array(
        t.iter()
            .map(|t| json!({"Key": t.key(), "Value": t.value()}))
            .collect(),
    )
}

fn permission(p: &ec2::IpPermission) -> Value {
    json!({
        "IpProtocol": p.ip_protocol(),
        "FromPort": p.from_port(),
        "ToPort": p.to_port(),
        "IpRanges": p.ip_ranges().iter().map(|r| json!({"CidrIp": r.cidr_ip(), "Description": r.description()})).collect::<Vec<_>>(),
        "Ipv6Ranges": p.ipv6_ranges().iter().map(|r| json!({"CidrIpv6": r.cidr_ipv6(), "Description": r.description()})).collect::<Vec<_>>(),
        "UserIdGroupPairs": p.user_id_group_pairs().iter().map(|g| json!({"GroupId": g.group_id(), "UserId": g.user_id()})).collect::<Vec<_>>(),
        "PrefixListIds": p.prefix_list_ids().iter().map(|x| json!({"PrefixListId": x.prefix_list_id()})).collect::<Vec<_>>(),
    })
}

fn security_group(g: &ec2::SecurityGroup) -> Value {
    json!({
        "GroupId": g.group_id(), "GroupName": g.group_name(), "Description": g.description(),
        "VpcId": g.vpc_id(), "OwnerId": g.owner_id(),
        "IpPermissions": g.ip_permissions().iter().map(permission).collect::<Vec<_>>(),
        "IpPermissionsEgress": g.ip_permissions_egress().iter().map(permission).collect::<Vec<_>>(),
        "Tags": tags(g.tags()),
    })
}

fn instance(i: &ec2::Instance) -> Value {
    json!({
        "InstanceId": i.instance_id(), "InstanceType": i.instance_type().map(|t| t.as_str()),
        "ImageId": i.image_id(), "State": i.state().map(|s| json!({"Name": s.name().map(|n| n.as_str())})),
        "SubnetId": i.subnet_id(), "VpcId": i.vpc_id(), "PublicIpAddress": i.public_ip_address(),
        "PrivateIpAddress": i.private_ip_address(), "IamInstanceProfile": i.iam_instance_profile().map(|p| json!({"Arn": p.arn()})),
        "MetadataOptions": i.metadata_options().map(|m| json!({
            "HttpTokens": m.http_tokens().map(|t| t.as_str()),
            "HttpEndpoint": m.http_endpoint().map(|t| t.as_str()),
            "HttpPutResponseHopLimit": m.http_put_response_hop_limit(),
        })),
        "SecurityGroups": i.security_groups().iter().map(|g| json!({"GroupId": g.group_id(), "GroupName": g.group_name()})).collect::<Vec<_>>(),
        "BlockDeviceMappings": i.block_device_mappings().iter().map(|b| json!({"DeviceName": b.device_name(), "Ebs": b.ebs().map(|e| json!({"VolumeId": e.volume_id()}))})).collect::<Vec<_>>(),
        "Tags": tags(i.tags()),
    })
}

fn volume(v: &ec2::Volume) -> Value {
    json!({
        "VolumeId": v.volume_id(), "Encrypted": v.encrypted(), "KmsKeyId": v.kms_key_id(),
        "Size": v.size(), "VolumeType": v.volume_type().map(|t| t.as_str()),
        "AvailabilityZone": v.availability_zone(), "State": v.state().map(|s| s.as_str()),
        "Attachments": v.attachments().iter().map(|a| json!({"InstanceId": a.instance_id()})).collect::<Vec<_>>(),
        "Tags": tags(v.tags()),
    })
}
