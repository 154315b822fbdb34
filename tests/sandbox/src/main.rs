//! The sandbox server (filled in by the sandbox issue).
fn main() {}
