//! The expense-tracker app: its stack definition and everything the `stackwright` command
//! line does around a synth (loading config, checking and writing the output).

pub mod app;
pub mod assembly;
pub mod check;
pub mod compliance;
pub mod config_file;
pub mod expense;
pub mod manifest;
pub mod output;
pub mod package;
pub mod release;
pub mod site_files;
