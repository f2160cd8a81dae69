//! Property values of the typed CloudFormation layer: a literal or an intrinsic function call.
//!
//! Every scalar field of a generated resource struct is a [`Value<T>`], so a property can hold
//! either the literal CloudFormation expects or any intrinsic that resolves to one at deploy time.
//! Serialization produces exactly the JSON shape CloudFormation documents for each intrinsic.

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// A CloudFormation pseudo parameter, referenced with `{"Ref": "AWS::…"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pseudo {
    /// `AWS::AccountId`
    AccountId,
    /// `AWS::NotificationARNs`
    NotificationArns,
    /// `AWS::NoValue`: removes the property when returned from `Fn::If`.
    NoValue,
    /// `AWS::Partition`
    Partition,
    /// `AWS::Region`
    Region,
    /// `AWS::StackId`
    StackId,
    /// `AWS::StackName`
    StackName,
    /// `AWS::URLSuffix`
    UrlSuffix,
}

impl Pseudo {
    /// The logical name CloudFormation resolves, e.g. `AWS::Region`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::AccountId => "AWS::AccountId",
            Self::NotificationArns => "AWS::NotificationARNs",
            Self::NoValue => "AWS::NoValue",
            Self::Partition => "AWS::Partition",
            Self::Region => "AWS::Region",
            Self::StackId => "AWS::StackId",
            Self::StackName => "AWS::StackName",
            Self::UrlSuffix => "AWS::URLSuffix",
        }
    }
}

/// A CloudFormation intrinsic function call.
#[derive(Clone, Debug, PartialEq)]
pub enum Intrinsic {
    /// `{"Ref": id}`: a resource, parameter or pseudo parameter.
    Ref(String),
    /// `{"Fn::GetAtt": [id, attr]}`
    GetAtt(String, String),
    /// `{"Fn::Sub": s}`, or `{"Fn::Sub": [s, {vars}]}` when `vars` is non-empty.
    Sub(String, Vec<(String, Value<String>)>),
    /// `{"Fn::Join": [sep, [parts]]}`
    Join(String, Vec<Value<String>>),
    /// `{"Fn::Select": [index, list]}`
    Select(u32, Box<Value<serde_json::Value>>),
    /// `{"Fn::If": [condition, then, else]}`
    If(String, Box<serde_json::Value>, Box<serde_json::Value>),
    /// `{"Fn::ImportValue": name}`
    ImportValue(Box<Value<String>>),
    /// `{"Fn::Base64": text}`
    Base64(Box<Value<String>>),
    /// `{"Fn::GetAZs": region}`; an empty region means the stack's region.
    GetAZs(String),
    /// `{"Fn::FindInMap": [map, top_level_key, second_level_key]}`
    FindInMap(String, Box<Value<String>>, Box<Value<String>>),
    /// `{"Fn::Split": [delimiter, source]}`: a list, so it is used inside `Select` or where a
    /// property takes JSON.
    Split(String, Box<Value<String>>),
}

impl Intrinsic {
    /// `{"Ref": "AWS::…"}` for a pseudo parameter.
    pub fn pseudo(pseudo: Pseudo) -> Self {
        Self::Ref(pseudo.name().to_owned())
    }

    /// `{"Ref": id}`
    pub fn reference(logical_id: impl Into<String>) -> Self {
        Self::Ref(logical_id.into())
    }

    /// `{"Fn::GetAtt": [id, attr]}`
    pub fn get_att(logical_id: impl Into<String>, attribute: impl Into<String>) -> Self {
        Self::GetAtt(logical_id.into(), attribute.into())
    }

    /// `{"Fn::Sub": template}` without a variable map.
    pub fn sub(template: impl Into<String>) -> Self {
        Self::Sub(template.into(), Vec::new())
    }

    /// `{"Fn::Join": [separator, [parts]]}`
    pub fn join<I, P>(separator: impl Into<String>, parts: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<Value<String>>,
    {
        Self::Join(
            separator.into(),
            parts.into_iter().map(Into::into).collect(),
        )
    }

    /// `{"Fn::If": [condition, then, else]}` with serializable branches; pass
    /// `Intrinsic::pseudo(Pseudo::NoValue)` to drop the property in one branch.
    pub fn if_(
        condition: impl Into<String>,
        then: impl Into<serde_json::Value>,
        otherwise: impl Into<serde_json::Value>,
    ) -> Self {
        Self::If(
            condition.into(),
            Box::new(then.into()),
            Box::new(otherwise.into()),
        )
    }
}

/// A property value: a literal of type `T` or an intrinsic producing one.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<T> {
    /// A value known at synthesis time.
    Literal(T),
    /// A value CloudFormation resolves at deploy time.
    Intrinsic(Box<Intrinsic>),
}

impl<T> Value<T> {
    /// The literal, when the value is known at synthesis time.
    pub fn literal(&self) -> Option<&T> {
        match self {
            Self::Literal(value) => Some(value),
            Self::Intrinsic(_) => None,
        }
    }

    /// The intrinsic, when the value is resolved at deploy time.
    pub fn intrinsic(&self) -> Option<&Intrinsic> {
        match self {
            Self::Literal(_) => None,
            Self::Intrinsic(intrinsic) => Some(intrinsic),
        }
    }
}

// A blanket `impl<T> From<T> for Value<T>` would overlap with `From<Intrinsic>` at
// `T = Intrinsic`, so literals convert through one impl per property type instead.
macro_rules! literal_from {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Value<$ty> {
            fn from(value: $ty) -> Self {
                Self::Literal(value)
            }
        }
    )*};
}

literal_from!(String, bool, i64, f64, serde_json::Value);

impl From<&str> for Value<String> {
    fn from(value: &str) -> Self {
        Self::Literal(value.to_owned())
    }
}

impl From<&String> for Value<String> {
    fn from(value: &String) -> Self {
        Self::Literal(value.clone())
    }
}

impl<T> From<Intrinsic> for Value<T> {
    fn from(intrinsic: Intrinsic) -> Self {
        Self::Intrinsic(Box::new(intrinsic))
    }
}

impl From<Intrinsic> for serde_json::Value {
    fn from(intrinsic: Intrinsic) -> Self {
        to_json(&intrinsic)
    }
}

impl<T: Serialize> From<Value<T>> for serde_json::Value {
    fn from(value: Value<T>) -> Self {
        to_json(&value)
    }
}

fn to_json(value: &impl Serialize) -> serde_json::Value {
    // Serializing these types only writes strings, numbers, sequences and string-keyed maps,
    // which cannot fail; `Null` is unreachable but keeps the conversion panic-free.
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

impl<T: Serialize> Serialize for Value<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Literal(value) => value.serialize(serializer),
            Self::Intrinsic(intrinsic) => intrinsic.serialize(serializer),
        }
    }
}

impl Serialize for Intrinsic {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Self::Ref(id) => map.serialize_entry("Ref", id)?,
            Self::GetAtt(id, attr) => map.serialize_entry("Fn::GetAtt", &(id, attr))?,
            Self::Sub(template, vars) if vars.is_empty() => {
                map.serialize_entry("Fn::Sub", template)?;
            }
            Self::Sub(template, vars) => {
                map.serialize_entry("Fn::Sub", &(template, Pairs(vars)))?;
            }
            Self::Join(sep, parts) => map.serialize_entry("Fn::Join", &(sep, parts))?,
            Self::Select(index, list) => map.serialize_entry("Fn::Select", &(index, list))?,
            Self::If(cond, then, otherwise) => {
                map.serialize_entry("Fn::If", &(cond, then, otherwise))?;
            }
            Self::ImportValue(name) => map.serialize_entry("Fn::ImportValue", name)?,
            Self::Base64(text) => map.serialize_entry("Fn::Base64", text)?,
            Self::GetAZs(region) => map.serialize_entry("Fn::GetAZs", region)?,
            Self::FindInMap(name, top, second) => {
                map.serialize_entry("Fn::FindInMap", &(name, top, second))?;
            }
            Self::Split(sep, source) => map.serialize_entry("Fn::Split", &(sep, source))?,
        }
        map.end()
    }
}

/// Ordered key/value pairs serialized as a JSON object, so `Fn::Sub` variables keep the order
/// they were given in.
struct Pairs<'a>(&'a [(String, Value<String>)]);

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Collects list items for a generated setter, converting each element.
pub(crate) fn into_list<T>(items: impl IntoIterator<Item = impl Into<T>>) -> Vec<T> {
    items.into_iter().map(Into::into).collect()
}

/// Collects map entries for a generated setter; keys are sorted, so output is deterministic.
pub(crate) fn into_map<V>(
    entries: impl IntoIterator<Item = (impl Into<String>, impl Into<V>)>,
) -> BTreeMap<String, V> {
    entries
        .into_iter()
        .map(|(key, value)| (key.into(), value.into()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ser(value: impl Serialize) -> serde_json::Value {
        serde_json::to_value(value).unwrap()
    }

    fn ser_str(value: impl Serialize) -> String {
        serde_json::to_string(&value).unwrap()
    }

    #[test]
    fn ref_and_pseudo_parameters() {
        assert_eq!(
            ser(Intrinsic::reference("Bucket")),
            json!({"Ref": "Bucket"})
        );
        assert_eq!(
            ser(Intrinsic::pseudo(Pseudo::Partition)),
            json!({"Ref": "AWS::Partition"})
        );
        assert_eq!(
            ser(Intrinsic::pseudo(Pseudo::UrlSuffix)),
            json!({"Ref": "AWS::URLSuffix"})
        );
        assert_eq!(
            ser(Intrinsic::pseudo(Pseudo::NotificationArns)),
            json!({"Ref": "AWS::NotificationARNs"})
        );
    }

    #[test]
    fn get_att_is_a_two_element_list() {
        let value = Intrinsic::get_att("Table", "StreamArn");
        assert_eq!(ser_str(value), r#"{"Fn::GetAtt":["Table","StreamArn"]}"#);
    }

    #[test]
    fn sub_without_variables_is_a_plain_string() {
        let value = Intrinsic::sub("arn:${AWS::Partition}:s3:::${Bucket}/*");
        assert_eq!(
            ser(value),
            json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/*"})
        );
    }

    #[test]
    fn sub_with_variables_keeps_their_order() {
        let vars = vec![
            ("Zone".to_owned(), Value::from("z")),
            ("Api".to_owned(), Intrinsic::reference("RestApi").into()),
        ];
        let value = Intrinsic::Sub("${Api}.${Zone}".to_owned(), vars);
        assert_eq!(
            ser_str(value),
            r#"{"Fn::Sub":["${Api}.${Zone}",{"Zone":"z","Api":{"Ref":"RestApi"}}]}"#
        );
    }

    #[test]
    fn join_nests_the_parts_list() {
        let value = Intrinsic::join(
            "",
            [
                Value::from("arn:"),
                Intrinsic::pseudo(Pseudo::Partition).into(),
            ],
        );
        assert_eq!(
            ser(value),
            json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}]]})
        );
    }

    #[test]
    fn select_takes_an_integer_index_and_any_list() {
        let azs: Value<serde_json::Value> = Intrinsic::GetAZs(String::new()).into();
        let value = Intrinsic::Select(1, Box::new(azs));
        assert_eq!(ser(value), json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]}));
    }

    #[test]
    fn select_over_split() {
        let split = Intrinsic::Split(",".to_owned(), Box::new(Intrinsic::reference("Ids").into()));
        let value = Intrinsic::Select(0, Box::new(split.into()));
        assert_eq!(
            ser(value),
            json!({"Fn::Select": [0, {"Fn::Split": [",", {"Ref": "Ids"}]}]})
        );
    }

    #[test]
    fn if_with_no_value_branch() {
        let value = Intrinsic::if_("IsProd", "retain", Intrinsic::pseudo(Pseudo::NoValue));
        assert_eq!(
            ser(value),
            json!({"Fn::If": ["IsProd", "retain", {"Ref": "AWS::NoValue"}]})
        );
    }

    #[test]
    fn import_value_base64_and_get_azs() {
        let import = Intrinsic::ImportValue(Box::new(Intrinsic::sub("${Env}-VpcId").into()));
        assert_eq!(
            ser(import),
            json!({"Fn::ImportValue": {"Fn::Sub": "${Env}-VpcId"}})
        );
        let base64 = Intrinsic::Base64(Box::new("#!/bin/sh".into()));
        assert_eq!(ser(base64), json!({"Fn::Base64": "#!/bin/sh"}));
        let azs = Intrinsic::GetAZs("eu-west-1".to_owned());
        assert_eq!(ser(azs), json!({"Fn::GetAZs": "eu-west-1"}));
    }

    #[test]
    fn find_in_map_is_a_three_element_list() {
        let value = Intrinsic::FindInMap(
            "RegionMap".to_owned(),
            Box::new(Intrinsic::pseudo(Pseudo::Region).into()),
            Box::new("Ami".into()),
        );
        assert_eq!(
            ser(value),
            json!({"Fn::FindInMap": ["RegionMap", {"Ref": "AWS::Region"}, "Ami"]})
        );
    }

    #[test]
    fn literals_serialize_bare() {
        assert_eq!(ser(Value::from("x")), json!("x"));
        assert_eq!(ser(Value::from(true)), json!(true));
        assert_eq!(ser(Value::from(30_i64)), json!(30));
        assert_eq!(ser(Value::from(0.5_f64)), json!(0.5));
    }

    #[test]
    fn accessors_tell_literals_from_intrinsics() {
        let literal = Value::from("x");
        assert_eq!(literal.literal().map(String::as_str), Some("x"));
        assert!(literal.intrinsic().is_none());
        let reference: Value<bool> = Intrinsic::reference("Flag").into();
        assert_eq!(
            reference.intrinsic(),
            Some(&Intrinsic::Ref("Flag".to_owned()))
        );
    }

    #[test]
    fn conversions_into_json() {
        let json: serde_json::Value = Value::from(7_i64).into();
        assert_eq!(json, json!(7));
        let json: serde_json::Value = Intrinsic::get_att("Fn", "Arn").into();
        assert_eq!(json, json!({"Fn::GetAtt": ["Fn", "Arn"]}));
    }

    #[test]
    fn generated_struct_uses_cloudformation_names() {
        use crate::cfn::s3::{Bucket, bucket};
        use crate::cfn::{Resource, TagStyle};

        let by_default = bucket::ServerSideEncryptionByDefault::new("aws:kms")
            .kms_master_key_id(Intrinsic::get_att("Key", "Arn"));
        let rule = bucket::ServerSideEncryptionRule::default()
            .server_side_encryption_by_default(by_default)
            .bucket_key_enabled(true);
        let block = bucket::PublicAccessBlockConfiguration::default()
            .block_public_acls(true)
            .block_public_policy(true)
            .ignore_public_acls(true)
            .restrict_public_buckets(true);
        let bucket = Bucket::default()
            .bucket_encryption(bucket::BucketEncryption::new([rule]))
            .public_access_block_configuration(block)
            .tags([bucket::Tag::new("app", Intrinsic::reference("AppName"))]);
        assert_eq!(
            ser(&bucket),
            json!({
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [{
                    "BucketKeyEnabled": true,
                    "ServerSideEncryptionByDefault": {
                        "KMSMasterKeyID": {"Fn::GetAtt": ["Key", "Arn"]},
                        "SSEAlgorithm": "aws:kms"
                    }
                }]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": true,
                    "BlockPublicPolicy": true,
                    "IgnorePublicAcls": true,
                    "RestrictPublicBuckets": true
                },
                "Tags": [{"Key": "app", "Value": {"Ref": "AppName"}}]
            })
        );
        assert_eq!(Bucket::TYPE, "AWS::S3::Bucket");
        assert_eq!(Bucket::TAGS, TagStyle::List("Tags"));
        assert!(Bucket::has_attribute("Arn") && Bucket::has_attribute("RegionalDomainName"));
        assert!(!Bucket::has_attribute("BucketName"));
    }

    #[test]
    fn required_fields_always_serialize() {
        use crate::cfn::dynamodb::{Table, table};

        let table = Table::new([table::KeySchema::new("pk", "HASH")])
            .billing_mode("PAY_PER_REQUEST")
            .attribute_definitions([table::AttributeDefinition::new("pk", "S")]);
        assert_eq!(
            ser_str(&table),
            concat!(
                r#"{"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"#,
                r#""BillingMode":"PAY_PER_REQUEST","#,
                r#""KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}"#
            )
        );
    }

    #[test]
    fn map_tags_and_maps_of_values() {
        use crate::cfn::cognito::UserPool;
        use crate::cfn::lambda::{Function, function};
        use crate::cfn::{Resource, TagStyle};

        assert_eq!(UserPool::TAGS, TagStyle::Map("UserPoolTags"));
        let pool = UserPool::default().user_pool_tags([("team", "core")]);
        assert_eq!(ser(&pool), json!({"UserPoolTags": {"team": "core"}}));

        let env = function::Environment::default()
            .variables([("TABLE", Value::from(Intrinsic::reference("Table")))]);
        let code = function::Code::default().zip_file("exports.handler = async () => {};");
        let func = Function::new(code, Intrinsic::get_att("Role", "Arn")).environment(env);
        assert_eq!(
            ser(&func),
            json!({
                "Code": {"ZipFile": "exports.handler = async () => {};"},
                "Environment": {"Variables": {"TABLE": {"Ref": "Table"}}},
                "Role": {"Fn::GetAtt": ["Role", "Arn"]}
            })
        );
    }
}
