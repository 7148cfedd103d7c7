"""Seed a moto server with an account worth scanning.

Usage: python seed.py ENDPOINT_URL   (credentials and region from the environment)
Prints the ids it created as JSON.
"""
import json
import sys

import boto3

url = sys.argv[1]
ec2 = boto3.client("ec2", endpoint_url=url, region_name="us-east-1")
s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1")

vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
open_sg = ec2.create_security_group(GroupName="bastion", Description="ssh from anywhere", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(
    GroupId=open_sg,
    IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
    ],
)
closed_sg = ec2.create_security_group(GroupName="internal", Description="vpc only", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(
    GroupId=closed_sg,
    IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}],
)
legacy = ec2.run_instances(
    ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet,
    MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
)["Instances"][0]["InstanceId"]
hardened = ec2.run_instances(
    ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet,
    MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
)["Instances"][0]["InstanceId"]
plain = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10, Encrypted=False)["VolumeId"]
secret = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10, Encrypted=True)["VolumeId"]
s3.create_bucket(Bucket="acme-audit-logs")
# A second region, collected concurrently.
eu = boto3.client("ec2", endpoint_url=url, region_name="eu-west-1")
eu_sg = eu.create_security_group(GroupName="rdp", Description="rdp from anywhere")["GroupId"]
eu.authorize_security_group_ingress(
    GroupId=eu_sg,
    IpPermissions=[{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
)
print(json.dumps({
    "vpc": vpc, "open_sg": open_sg, "closed_sg": closed_sg, "legacy": legacy, "hardened": hardened,
    "plain": plain, "secret": secret, "eu_sg": eu_sg,
}))
