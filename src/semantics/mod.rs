//! The semantics of the language, defined once.
//!
//! Every operator, rounding mode, allocation step and act effect has one
//! definition here, and every executor calls it: the row evaluator
//! ([`crate::eval`]: one member, a decision at a till, `explain`) and the
//! column executor ([`crate::batch`]: every member at once). An executor
//! may hold values its own way (decimals, or integer columns at one scale)
//! and may compute a kernel its own way for speed, but each decision of the
//! language (a mode's tie rule, the order of an allocation's steps, when an
//! act fails and with what message) is made by a function of this module.
//! docs/architecture.md lists what lives where.

pub mod allocation;
pub mod apportion;
pub mod builtins;
pub mod class_shares;
pub mod effects;
pub mod election;
pub mod meeting;
pub mod operators;
pub mod rounding;
pub mod status;
pub mod time;
pub mod wording;

pub use apportion::{apportion, apportion_fixed};
pub use operators::{arithmetic, compare};
pub use rounding::round;
