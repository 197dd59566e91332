//! The errors of the vectorize stage.

use geoscout_core::Class;

/// What can go wrong when vectorizing a tile or merging fragments.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A rule names a channel that the probability tile does not have.
    #[error(
        "rule for {class}: channel {channel} is out of range (the tile has {channels} channels)"
    )]
    ChannelOutOfRange {
        /// The class of the rule.
        class: Class,
        /// The channel the rule asked for.
        channel: usize,
        /// The number of channels in the tile.
        channels: usize,
    },
    /// A threshold is not a number in (0, 1].
    #[error("rule for {class}: threshold {threshold} is not in (0, 1]")]
    InvalidThreshold {
        /// The class of the rule.
        class: Class,
        /// The threshold given.
        threshold: f32,
    },
    /// Two rules name the same class.
    #[error("two rules for {0}: give one rule per class")]
    DuplicateClass(Class),
    /// A tile's core reaches past the largest supported pixel coordinate (2^32 - 1).
    #[error(
        "tile {id}: core at ({x0}, {y0}) of {width} x {height} pixels reaches past pixel 4294967295"
    )]
    CoreTooFar {
        /// The tile id.
        id: usize,
        /// Global column of the core's first pixel.
        x0: usize,
        /// Global row of the core's first pixel.
        y0: usize,
        /// Core width in pixels.
        width: usize,
        /// Core height in pixels.
        height: usize,
    },
    /// The same tile (by id or by core origin) was given to a merger twice.
    #[error("tile {id} (core at ({x0}, {y0})) was added twice")]
    DuplicateTile {
        /// The tile id.
        id: usize,
        /// Global column of the core's first pixel.
        x0: usize,
        /// Global row of the core's first pixel.
        y0: usize,
    },
    /// The simplification tolerance is negative or not a number.
    #[error("simplification tolerance {0} is not a finite number >= 0")]
    InvalidTolerance(f64),
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_send_and_sync_for_rayon_workers() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
    }

    #[test]
    fn messages_name_the_class_and_the_problem() {
        let err = Error::ChannelOutOfRange {
            class: Class::DustSource,
            channel: 5,
            channels: 3,
        };
        assert_eq!(
            err.to_string(),
            "rule for dust_source: channel 5 is out of range (the tile has 3 channels)"
        );
    }
}
