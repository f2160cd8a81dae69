//! Rules on KMS keys.

pub(crate) mod key_rotation_off;
