//! The expense-tracker app: its stack definition and everything the `stackwright` command
//! line does around a synth (loading config, checking and writing the output).

pub mod expense;
