//! A stack: the construct tree below it, its resources, parameters, outputs and assets, and the
//! stack-wide aspects (tags, removal policy) applied when it is rendered.
//!
//! Resources enter the stack already typed (a struct of the `cfn` layer) and are stored as the
//! JSON of their `Properties`; everything that is decided stack-wide (tags, removal policies,
//! grants folded into role policies, raw overrides) is applied at render time in
//! [`crate::template`], so the order in which constructs are created never changes the output.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value as Json};

use crate::asset::{Asset, AssetRef};
use crate::cfn::{Resource, TagStyle};
use crate::error::{Result, SynthError};
use crate::iam::{PolicyDocument, PolicyStatement};
use crate::logical_id::{ConstructPath, LogicalId};
use crate::output::Output;
use crate::parameter::{Parameter, ParameterRef};
use crate::removal::RemovalPolicy;
use crate::tags::{DEFAULT_REQUIRED_TAGS, Tags};
use crate::waiver::{MIN_REASON_CHARS, Waiver};

/// Stack-wide settings.
#[derive(Debug, Clone)]
pub struct StackProps {
    /// The template's `Description`. Default: `-` no description.
    pub description: Option<String>,
    /// Tags applied to every taggable resource. Default: none (which fails the required-tag
    /// check unless `required_tags` is emptied).
    pub tags: Tags,
    /// Tag keys every taggable resource must carry. Default: `project`, `environment`,
    /// `owner`, `cost-center`.
    pub required_tags: Vec<String>,
    /// What happens to stateful resources on deletion or replacement. Default:
    /// [`RemovalPolicy::Retain`].
    pub removal_policy: RemovalPolicy,
}

impl Default for StackProps {
    fn default() -> Self {
        Self {
            description: None,
            tags: Tags::new(),
            required_tags: DEFAULT_REQUIRED_TAGS
                .iter()
                .map(|k| (*k).to_owned())
                .collect(),
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

impl StackProps {
    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the stack-wide tags.
    pub fn tags(mut self, tags: Tags) -> Self {
        self.tags = tags;
        self
    }

    /// Replaces the list of required tag keys.
    pub fn required_tags<K: Into<String>>(mut self, keys: impl IntoIterator<Item = K>) -> Self {
        self.required_tags = keys.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the removal policy of stateful resources.
    pub fn removal_policy(mut self, policy: RemovalPolicy) -> Self {
        self.removal_policy = policy;
        self
    }
}

/// One resource of the stack, as stored until rendering.
#[derive(Debug, Clone)]
pub(crate) struct ResourceEntry {
    pub(crate) id: LogicalId,
    pub(crate) path: ConstructPath,
    pub(crate) type_name: &'static str,
    pub(crate) tags: TagStyle,
    pub(crate) attributes: &'static [&'static str],
    pub(crate) properties: Map<String, Json>,
    pub(crate) depends_on: BTreeSet<LogicalId>,
    pub(crate) stateful: bool,
    pub(crate) overrides: Vec<(String, Option<Json>)>,
    /// Logical ids whose rendered JSON is hashed into this resource's id (API deployments).
    pub(crate) id_hash_of: Vec<LogicalId>,
    /// What of the `id_hash_of` members is hashed.
    pub(crate) id_hash_scope: HashScope,
    /// Always `Retain` on deletion and replacement, whatever the stack's removal policy.
    pub(crate) always_retained: bool,
    /// Accepted linter findings, rendered into the resource's `Metadata`.
    pub(crate) waivers: Vec<Waiver>,
}

/// Which part of a member's rendered JSON a hashed logical id covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashScope {
    /// The whole resource: properties, dependencies, metadata.
    Resource,
    /// Only the `Properties`, without `Tags`: what the resource *is*, not how it is labelled.
    Configuration,
}

/// A node of the construct tree, for listings and the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstructNode {
    /// The construct's path below the stack.
    pub path: ConstructPath,
    /// What kind of construct it is, e.g. `Table` or `AWS::DynamoDB::Table`.
    pub kind: &'static str,
}

/// A CloudFormation stack under construction.
#[derive(Debug, Clone)]
pub struct Stack {
    pub(crate) name: String,
    pub(crate) props: StackProps,
    pub(crate) nodes: Vec<ConstructNode>,
    node_index: HashMap<ConstructPath, usize>,
    current: ConstructPath,
    pub(crate) resources: Vec<ResourceEntry>,
    resource_index: HashMap<LogicalId, usize>,
    pub(crate) pinned_ids: BTreeMap<String, LogicalId>,
    pub(crate) parameters: Vec<Parameter>,
    pub(crate) outputs: Vec<Output>,
    pub(crate) assets: Vec<AssetRef>,
    pub(crate) role_policies: BTreeMap<LogicalId, Vec<(String, PolicyDocument)>>,
}

impl Stack {
    /// A new, empty stack.
    ///
    /// # Errors
    /// [`SynthError::InvalidProperty`] when `name` is not a valid CloudFormation stack name
    /// (a letter, then letters, digits or `-`, at most 128 characters), and
    /// [`SynthError::InvalidTag`] when a tag breaks the AWS tagging rules.
    pub fn new(name: impl Into<String>, props: StackProps) -> Result<Self> {
        let name = name.into();
        validate_stack_name(&name)?;
        props.tags.validate(&name)?;
        Ok(Self {
            name,
            props,
            nodes: Vec::new(),
            node_index: HashMap::new(),
            current: ConstructPath::root(),
            resources: Vec::new(),
            resource_index: HashMap::new(),
            pinned_ids: BTreeMap::new(),
            parameters: Vec::new(),
            outputs: Vec::new(),
            assets: Vec::new(),
            role_policies: BTreeMap::new(),
        })
    }

    /// The stack name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The stack-wide settings.
    pub fn props(&self) -> &StackProps {
        &self.props
    }

    /// The removal policy applied to stateful resources.
    pub fn removal_policy(&self) -> RemovalPolicy {
        self.props.removal_policy
    }

    /// The construct tree, in creation order.
    pub fn constructs(&self) -> &[ConstructNode] {
        &self.nodes
    }

    /// Logical id, type and construct path of every resource, in creation order.
    pub fn resources(&self) -> impl Iterator<Item = (&LogicalId, &'static str, &ConstructPath)> {
        self.resources.iter().map(|r| (&r.id, r.type_name, &r.path))
    }

    /// Runs `build` with constructs created under a group node `id` (e.g. `Backend`), so their
    /// paths, and so their logical ids, carry the group's name.
    ///
    /// # Errors
    /// Whatever `build` returns, or [`SynthError::DuplicatePath`] for a reused group id.
    pub fn scoped<T>(&mut self, id: &str, build: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let group = self.add_construct(id, "Group")?;
        let outer = std::mem::replace(&mut self.current, group);
        let result = build(self);
        self.current = outer;
        result
    }

    /// Registers a construct node `id` in the current scope and returns its path.
    ///
    /// # Errors
    /// [`SynthError::InvalidId`] or [`SynthError::DuplicatePath`].
    pub fn add_construct(&mut self, id: &str, kind: &'static str) -> Result<ConstructPath> {
        let parent = self.current.clone();
        self.add_construct_at(&parent, id, kind)
    }

    /// Registers a construct node `id` below `parent` (a construct's own children).
    ///
    /// # Errors
    /// [`SynthError::InvalidId`] or [`SynthError::DuplicatePath`].
    pub fn add_construct_at(
        &mut self,
        parent: &ConstructPath,
        id: &str,
        kind: &'static str,
    ) -> Result<ConstructPath> {
        let path = parent.child(id)?;
        if self.node_index.contains_key(&path) {
            return Err(SynthError::DuplicatePath {
                path: self.full_path(&path),
            });
        }
        self.node_index.insert(path.clone(), self.nodes.len());
        self.nodes.push(ConstructNode {
            path: path.clone(),
            kind,
        });
        Ok(path)
    }

    /// Adds a typed resource as child `id` of `parent` and returns its logical id.
    ///
    /// # Errors
    /// [`SynthError::InvalidId`], [`SynthError::DuplicatePath`],
    /// [`SynthError::LogicalIdCollision`] or [`SynthError::Serialize`].
    pub fn add_resource<R: Resource>(
        &mut self,
        parent: &ConstructPath,
        id: &str,
        resource: &R,
    ) -> Result<LogicalId> {
        let path = self.add_construct_at(parent, id, R::TYPE)?;
        let properties = self.properties_of(&path, resource)?;
        let logical_id = self.logical_id_for(&path);
        if let Some(&other) = self.resource_index.get(&logical_id) {
            return Err(SynthError::LogicalIdCollision {
                logical_id: logical_id.to_string(),
                path: self.full_path(&path),
                other: self.full_path(&self.resources[other].path),
            });
        }
        self.resource_index
            .insert(logical_id.clone(), self.resources.len());
        self.resources.push(ResourceEntry {
            id: logical_id.clone(),
            path,
            type_name: R::TYPE,
            tags: R::TAGS,
            attributes: R::ATTRIBUTES,
            properties,
            depends_on: BTreeSet::new(),
            stateful: false,
            overrides: Vec::new(),
            id_hash_of: Vec::new(),
            id_hash_scope: HashScope::Resource,
            always_retained: false,
            waivers: Vec::new(),
        });
        Ok(logical_id)
    }

    fn properties_of<R: Resource>(
        &self,
        path: &ConstructPath,
        resource: &R,
    ) -> Result<Map<String, Json>> {
        match serde_json::to_value(resource) {
            Ok(Json::Object(map)) => Ok(map),
            Ok(_) => Ok(Map::new()),
            Err(err) => Err(SynthError::Serialize {
                path: self.full_path(path),
                reason: err.to_string(),
            }),
        }
    }

    fn logical_id_for(&self, path: &ConstructPath) -> LogicalId {
        self.pinned_ids
            .get(&path.to_string())
            .cloned()
            .unwrap_or_else(|| path.logical_id())
    }

    /// Pins the logical id of the resource at `path` (below the stack, e.g.
    /// `Expenses/Resource`), overriding the derived one. Call it before the construct is
    /// created; used to keep a resource's id when its construct is renamed or moved.
    ///
    /// # Errors
    /// [`SynthError::InvalidLogicalId`] when `logical_id` is not alphanumeric or too long.
    pub fn pin_logical_id(&mut self, path: &str, logical_id: &str) -> Result<()> {
        let id = LogicalId::parse(logical_id).map_err(|reason| SynthError::InvalidLogicalId {
            path: path.to_owned(),
            logical_id: logical_id.to_owned(),
            reason,
        })?;
        self.pinned_ids.insert(path.to_owned(), id);
        Ok(())
    }

    /// Records a waiver of a linter finding on a resource; it lands in the
    /// resource's `Metadata` so the linter and the report see it.
    ///
    /// # Errors
    /// [`SynthError::InvalidProperty`] when the resource does not exist or
    /// the reason is shorter than [`MIN_REASON_CHARS`].
    pub fn add_waiver(&mut self, id: &LogicalId, waiver: Waiver) -> Result<()> {
        if waiver.reason.trim().chars().count() < MIN_REASON_CHARS {
            return Err(SynthError::InvalidProperty {
                path: id.to_string(),
                field: "waiver.reason",
                reason: format!(
                    "a waiver of `{}` needs a reason a reviewer can check",
                    waiver.rule
                ),
            });
        }
        match self.entry_mut(id) {
            Some(entry) => {
                entry.waivers.push(waiver);
                Ok(())
            }
            None => Err(SynthError::InvalidProperty {
                path: id.to_string(),
                field: "waiver",
                reason: "no resource has this logical id".to_owned(),
            }),
        }
    }

    /// Marks a resource as stateful: the stack's removal policy applies to it.
    pub fn mark_stateful(&mut self, id: &LogicalId) {
        if let Some(entry) = self.entry_mut(id) {
            entry.stateful = true;
        }
    }

    /// Adds an explicit `DependsOn`, for orderings CloudFormation cannot infer from references.
    pub fn add_dependency(&mut self, from: &LogicalId, on: &LogicalId) {
        if let Some(entry) = self.entry_mut(from) {
            entry.depends_on.insert(on.clone());
        }
    }

    /// Makes a resource's logical id end in a hash of the rendered JSON of `members`, so any
    /// change to them renames (and so replaces) the resource. API Gateway needs this: a
    /// `Deployment` is a snapshot and is only re-deployed when it is replaced.
    pub(crate) fn hash_id_over(&mut self, id: &LogicalId, members: Vec<LogicalId>) {
        if let Some(entry) = self.entry_mut(id) {
            entry.id_hash_of = members;
            entry.id_hash_scope = HashScope::Resource;
        }
    }

    /// Makes a resource's logical id end in a hash of `member`'s properties except its tags,
    /// so a change to what `member` is renames the resource and a re-tag does not. A Lambda
    /// `Version` needs this: CloudFormation publishes a version only when the resource is new.
    pub(crate) fn hash_id_over_configuration(&mut self, id: &LogicalId, member: &LogicalId) {
        if let Some(entry) = self.entry_mut(id) {
            entry.id_hash_of = vec![member.clone()];
            entry.id_hash_scope = HashScope::Configuration;
        }
    }

    /// Keeps a resource when CloudFormation deletes or replaces it, even in a stack whose
    /// removal policy is `Destroy`: a superseded Lambda `Version` must outlive its resource
    /// so the alias can be moved back to it.
    pub(crate) fn retain_always(&mut self, id: &LogicalId) {
        if let Some(entry) = self.entry_mut(id) {
            entry.always_retained = true;
        }
    }

    /// Escape hatch: sets a raw value at a dotted property path of a resource, e.g.
    /// `Properties.DistributionConfig.HttpVersion` (list items by index:
    /// `Properties.Origins.0.Id`). Overrides are applied after everything else and listed in
    /// the template's `Metadata` (`stackwright:overrides`), so the linter and the compliance
    /// report can see every hand-made change.
    ///
    /// # Errors
    /// [`SynthError::InvalidOverride`] for an unknown resource or a path outside
    /// `Properties`, `Metadata`, `DependsOn`, `Condition`, `DeletionPolicy` and
    /// `UpdateReplacePolicy`.
    pub fn add_override(&mut self, id: &LogicalId, pointer: &str, value: Json) -> Result<()> {
        self.push_override(id, pointer, Some(value))
    }

    /// Escape hatch: removes the value at a dotted property path; recorded like
    /// [`Stack::add_override`].
    ///
    /// # Errors
    /// As [`Stack::add_override`].
    pub fn add_deletion_override(&mut self, id: &LogicalId, pointer: &str) -> Result<()> {
        self.push_override(id, pointer, None)
    }

    fn push_override(&mut self, id: &LogicalId, pointer: &str, value: Option<Json>) -> Result<()> {
        const TOP: [&str; 6] = [
            "Properties",
            "Metadata",
            "DependsOn",
            "Condition",
            "DeletionPolicy",
            "UpdateReplacePolicy",
        ];
        let top = pointer.split('.').next().unwrap_or_default();
        let invalid = |reason| SynthError::InvalidOverride {
            path: id.to_string(),
            pointer: pointer.to_owned(),
            reason,
        };
        if !TOP.contains(&top) || pointer.split('.').any(str::is_empty) {
            return Err(invalid(
                "must start with a resource attribute such as `Properties.`",
            ));
        }
        let entry = self
            .entry_mut(id)
            .ok_or_else(|| invalid("no such resource in this stack"))?;
        entry.overrides.push((pointer.to_owned(), value));
        Ok(())
    }

    /// Adds a statement to the inline policy `policy_name` of the IAM role `role`. Grants use
    /// this; the statements are folded into the role's `Policies` at render time.
    pub fn add_role_statement(
        &mut self,
        role: &LogicalId,
        policy_name: &str,
        statement: PolicyStatement,
    ) {
        let policies = self.role_policies.entry(role.clone()).or_default();
        match policies.iter_mut().find(|(name, _)| name == policy_name) {
            Some((_, document)) => document.add(statement),
            None => policies.push((policy_name.to_owned(), PolicyDocument::new([statement]))),
        }
    }

    /// Appends a statement to the policy document held in property `property` of resource `id`
    /// (a bucket or topic policy whose statements arrive after it is created).
    pub(crate) fn append_statement(
        &mut self,
        id: &LogicalId,
        property: &str,
        statement: PolicyStatement,
    ) {
        let Some(entry) = self.entry_mut(id) else {
            return;
        };
        let Ok(statement) = serde_json::to_value(&statement) else {
            return;
        };
        if let Some(Json::Array(list)) = entry
            .properties
            .get_mut(property)
            .and_then(|document| document.get_mut("Statement"))
        {
            list.push(statement);
        }
    }

    /// Declares a template parameter and returns a typed reference to it.
    ///
    /// # Errors
    /// [`SynthError::DuplicateName`] or [`SynthError::InvalidLogicalId`].
    pub fn add_parameter(&mut self, parameter: Parameter) -> Result<ParameterRef> {
        self.check_name(
            "parameter",
            &parameter.name,
            self.parameters.iter().map(|p| &p.name),
        )?;
        let reference = ParameterRef::new(&parameter.name);
        self.parameters.push(parameter);
        Ok(reference)
    }

    /// The parameter called `name`, if declared.
    pub fn parameter(&self, name: &str) -> Option<ParameterRef> {
        self.parameters
            .iter()
            .find(|p| p.name == name)
            .map(|p| ParameterRef::new(&p.name))
    }

    /// Declares a template output.
    ///
    /// # Errors
    /// [`SynthError::DuplicateName`] or [`SynthError::InvalidLogicalId`].
    pub fn add_output(&mut self, output: Output) -> Result<()> {
        self.check_name("output", &output.name, self.outputs.iter().map(|o| &o.name))?;
        self.outputs.push(output);
        Ok(())
    }

    /// Registers a deployment asset (e.g. Lambda code) and returns its reference.
    ///
    /// # Errors
    /// [`SynthError::DuplicateName`] when an asset of the same id exists.
    pub fn add_asset(&mut self, asset: Asset) -> Result<AssetRef> {
        self.check_name("asset", &asset.id, self.assets.iter().map(|a| &a.id))?;
        let bucket = match self.parameter(crate::asset::BUCKET_PARAMETER) {
            Some(bucket) => bucket,
            None => self.add_parameter(crate::asset::bucket_parameter())?,
        };
        let asset_ref = AssetRef::new(asset, &bucket);
        self.assets.push(asset_ref.clone());
        Ok(asset_ref)
    }

    fn check_name<'a>(
        &self,
        kind: &'static str,
        name: &str,
        existing: impl IntoIterator<Item = &'a String>,
    ) -> Result<()> {
        if kind != "asset" {
            LogicalId::parse(name).map_err(|reason| SynthError::InvalidLogicalId {
                path: format!("{}/{kind}s", self.name),
                logical_id: name.to_owned(),
                reason,
            })?;
        }
        if existing.into_iter().any(|n| n == name) {
            return Err(SynthError::DuplicateName {
                kind,
                name: name.to_owned(),
                scope: self.name.clone(),
            });
        }
        Ok(())
    }

    /// The full path of a construct, stack name first, for messages.
    pub(crate) fn full_path(&self, path: &ConstructPath) -> String {
        format!("{}/{path}", self.name)
    }

    fn entry_mut(&mut self, id: &LogicalId) -> Option<&mut ResourceEntry> {
        self.resource_index.get(id).map(|&i| &mut self.resources[i])
    }

    /// Renders the stack as a CloudFormation template (see [`crate::template`]).
    ///
    /// # Errors
    /// Any check of the render step: missing required tags, dangling references, invalid
    /// overrides.
    pub fn to_template(&self) -> Result<Json> {
        crate::template::render(self)
    }
}

fn validate_stack_name(name: &str) -> Result<()> {
    let valid = name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid {
        Ok(())
    } else {
        Err(SynthError::InvalidProperty {
            path: name.to_owned(),
            field: "name",
            reason: "a stack name is a letter, then letters, digits or `-`, at most 128 \
                     characters"
                .to_owned(),
        })
    }
}
