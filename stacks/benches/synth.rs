//! Synthesis benchmarks: the expense stack as `stackwright synth` builds it from the committed
//! configs, and generated stacks of 1,000 and 10,000 resources, to show that the cost grows
//! linearly with the number of resources.
//!
//! Every benchmark times the whole in-memory pipeline a user waits for: building the construct
//! tree, synthesizing the template and rendering it to the bytes that would be written. Only
//! the file writes are left out. `cargo bench -p stackwright` measures; `cargo test` runs each
//! benchmark once, which keeps them compiling and working.

use divan::Bencher;
use divan::counter::ItemsCount;
use stackwright::app;
use stackwright::assembly::RenderedStack;
use synth::constructs::{
    Function, FunctionProps, Key, KeyProps, LogGroup, LogGroupProps, Table, TableProps,
};
use synth::perms::DynamoAction;
use synth::{App, Asset, Stack, StackProps, SynthError, Tags};

fn main() {
    divan::main();
}

#[divan::bench(args = ["dev", "prod"])]
fn expense_stack(bencher: Bencher, env: &str) {
    let path = app::env_config_path(env).expect("the environment has a committed config");
    let config = app::load_config(&path)
        .expect("the committed config loads")
        .config;
    bencher.bench(|| app::synthesize(&config).expect("the expense stack synthesizes"));
}

#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn generated_stack(bencher: Bencher, resources: usize) {
    bencher.counter(ItemsCount::new(resources)).bench(|| {
        let app = generated_app(resources).expect("the generated stack builds");
        render(&app)
    });
}

/// Synthesizes and renders every stack, as `stackwright synth` does before writing.
fn render(app: &App) -> Vec<RenderedStack> {
    let stacks = app.synthesize().expect("the generated stack synthesizes");
    stacks
        .into_iter()
        .map(|stack| RenderedStack::new(stack.name, stack.template, Vec::new()))
        .collect()
}

/// A stack of exactly `resources` resources: as many units as fit, then single log groups.
///
/// A unit is a table and a function (with its role and log group) granted read access to it,
/// so logical ids, cross-references, IAM policies and tags are all exercised, not only the
/// plain emission of resources.
fn generated_app(resources: usize) -> Result<App, SynthError> {
    let mut stack = Stack::new("generated", StackProps::default().tags(required_tags()))?;
    let key = Key::new(&mut stack, "SharedKey", KeyProps::default())?;
    let before = count(&stack);
    add_unit(&mut stack, &key, 0)?;
    let unit_size = count(&stack) - before;

    let units = (resources - before) / unit_size;
    for unit in 1..units {
        add_unit(&mut stack, &key, unit)?;
    }
    for pad in 0..resources - count(&stack) {
        LogGroup::new(&mut stack, &format!("Pad{pad}"), LogGroupProps::default())?;
    }
    assert_eq!(
        count(&stack),
        resources,
        "the generator builds exactly the requested size"
    );

    let mut app = App::new();
    app.add_stack(stack)?;
    Ok(app)
}

fn add_unit(stack: &mut Stack, key: &Key, unit: usize) -> Result<(), SynthError> {
    let table = Table::new(stack, &format!("Table{unit}"), TableProps::default())?;
    let code = stack.add_asset(Asset::placeholder(format!("handler-{unit}"), "benchmark"))?;
    let props = FunctionProps::new(code)
        .environment_key(key)
        .env("TABLE_NAME", table.name());
    let function = Function::new(stack, &format!("Handler{unit}"), props)?;
    table.grant(
        stack,
        &function,
        &[DynamoAction::GetItem, DynamoAction::Query],
    )
}

fn count(stack: &Stack) -> usize {
    stack.resources().count()
}

fn required_tags() -> Tags {
    [
        ("project", "bench"),
        ("environment", "bench"),
        ("owner", "bench"),
        ("cost-center", "bench"),
    ]
    .into_iter()
    .collect()
}
