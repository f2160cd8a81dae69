#!/usr/bin/env python3
"""Writes a CloudFormation template of N resources to stdout, for speed
measurements: buckets with TLS-only policies, tables, log groups, and Lambda
roles with inline policies on the tables (the same mix as the divan bench)."""
import json
import sys


def resource(i):
    kind = i % 5
    if kind == 0:
        pab = {k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")}
        return "Bucket%d" % i, {"Type": "AWS::S3::Bucket", "Properties": {"PublicAccessBlockConfiguration": pab}}
    if kind == 1:
        bucket = "Bucket%d" % (i - 1)
        statement = {
            "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [{"Fn::GetAtt": [bucket, "Arn"]}, {"Fn::Sub": "${%s.Arn}/*" % bucket}],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
        props = {"Bucket": {"Ref": bucket}, "PolicyDocument": {"Statement": [statement]}}
        return "Policy%d" % i, {"Type": "AWS::S3::BucketPolicy", "Properties": props}
    if kind == 2:
        props = {"KeySchema": [{"AttributeName": "userId", "KeyType": "HASH"}], "SSESpecification": {"SSEEnabled": True}}
        return "Table%d" % i, {"Type": "AWS::DynamoDB::Table", "Properties": props}
    if kind == 3:
        return "Logs%d" % i, {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}}
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    grant = {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": {"Fn::GetAtt": ["Table%d" % (i - 2), "Arn"]}}
    props = {"AssumeRolePolicyDocument": trust, "Policies": [{"PolicyName": "data", "PolicyDocument": {"Statement": [grant]}}]}
    return "Role%d" % i, {"Type": "AWS::IAM::Role", "Properties": props}


n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
json.dump({"Resources": dict(resource(i) for i in range(n))}, sys.stdout, indent=1)
sys.stdout.write("\n")
