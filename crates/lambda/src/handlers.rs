//! One module per Lambda function, each with a `handle` entry point that takes exactly the
//! resources its function is granted (see [`crate::functions`]) and always answers with a
//! response: errors are converted in [`crate::error`].

pub mod create;
pub mod delete;
pub mod erase;
pub mod export;
pub mod get;
pub mod list;
pub mod update;
