//! `secchain init`: look at a repository and write a commented starting pipeline (and,
//! when asked, a CI workflow). Nothing existing is replaced without `--force`.

pub mod ci;
pub mod detect;
pub mod pipeline;
