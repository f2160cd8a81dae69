//! The standalone `policy-lint` binary for teams that only lint.

fn main() {}
