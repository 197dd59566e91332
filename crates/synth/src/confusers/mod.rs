//! Look-alikes that must not become leads, where they are not painted with their context
//! elsewhere (sheds and stockpiles come with mine yards, dust net with dust sources, roofs,
//! car parks, plazas and sports fields with towns, fallow and burnt fields with the farmland).

pub(crate) mod river;
pub(crate) mod water;
