//! A disjoint-set forest over dense `u32` indices, used to join runs into components and
//! fragments into objects.

/// Disjoint sets of the indices `0..len`.
#[derive(Debug, Default)]
pub(crate) struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    /// `len` singleton sets.
    pub(crate) fn new(len: usize) -> UnionFind {
        UnionFind {
            parent: (0..len as u32).collect(),
        }
    }

    /// The representative of `i`'s set (with path halving).
    pub(crate) fn find(&mut self, mut i: u32) -> u32 {
        while self.parent[i as usize] != i {
            let grandparent = self.parent[self.parent[i as usize] as usize];
            self.parent[i as usize] = grandparent;
            i = grandparent;
        }
        i
    }

    /// Joins the sets of `a` and `b`; the smaller representative wins, so that the
    /// representative of a set is its smallest index.
    pub(crate) fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra < rb {
            self.parent[rb as usize] = ra;
        } else if rb < ra {
            self.parent[ra as usize] = rb;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_indices_share_the_smallest_representative() {
        let mut sets = UnionFind::new(6);
        sets.union(4, 2);
        sets.union(5, 4);
        sets.union(1, 3);
        assert_eq!([0, 1, 2, 3, 4, 5].map(|i| sets.find(i)), [0, 1, 2, 1, 2, 2]);
    }
}
