//! Terraform JSON configuration (`*.tf.json`).
