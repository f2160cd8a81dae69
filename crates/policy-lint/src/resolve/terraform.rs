//! Terraform JSON `${…}` interpolations as [`crate::sym::Sym`]s.
