//! Which vendor a record is of: a small copyable value that the normalized event, the tallies and
//! the views carry. It is a position in `formats::LIST`, the one list of vendor formats, so a new
//! format adds no variant here; its id, title and schema come from its descriptor
//! (`Vendor::format`, defined beside the list).

/// A vendor, as its position in the list of formats. Ordered as the list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub(crate) struct Vendor(u8);

impl Vendor {
    /// The vendor at this position of the list (`formats` makes them; nothing else should).
    pub(crate) const fn at(index: usize) -> Vendor {
        // The list is far shorter than 256 formats (a test holds it).
        Vendor(index as u8)
    }

    /// Its position in the list, for tallies kept in arrays.
    pub(crate) fn index(self) -> usize {
        usize::from(self.0)
    }
}
