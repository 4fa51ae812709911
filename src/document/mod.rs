//! The rulebook as a legal document (`rochdale doc`): the registered rules
//! for a registrar, and the amendment pack for a general meeting. The
//! document is built once, as a model ([`model::Document`],
//! [`amendment::AmendmentPack`]), from the checked program, its wording
//! filled by [`crate::semantics::wording`]; writers only lay it out. The
//! writer here is HTML, for the command line and the WASM build alike; a
//! PDF writer (typst) is to come and lays out the same model.

pub mod amendment;
pub mod html;
pub mod model;

pub use amendment::{AmendmentPack, amendment_pack};
pub use html::{amendment_html, rulebook_html};
pub use model::{Document, build};
