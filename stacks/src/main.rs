//! The `stackwright` command line: synthesizes the expense-tracker stacks.

fn main() {}
