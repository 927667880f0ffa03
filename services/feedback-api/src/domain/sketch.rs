//! Unique installs per day as a HyperLogLog sketch: 4,096 one-byte registers
//! (±1.6%), mergeable across days by taking each register's maximum, so a
//! year's unique installs come from 365 small rows, and no install's hash
//! outlives the events' retention. The input is already a keyed hash
//! (uniformly distributed), so the sketch does not hash again; the crates
//! that exist hash their input themselves and keep their own formats, where
//! this needs a plain byte layout PostgreSQL stores as `bytea`.

/// log2 of the number of registers.
const PRECISION: u32 = 12;
const REGISTERS: usize = 1 << PRECISION;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sketch {
    registers: Vec<u8>,
}

impl Default for Sketch {
    fn default() -> Self {
        Self {
            registers: vec![0; REGISTERS],
        }
    }
}

impl Sketch {
    /// A stored sketch; bytes of another length (none are written) count as
    /// an empty one.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        if bytes.len() == REGISTERS {
            Self {
                registers: bytes.to_vec(),
            }
        } else {
            Self::default()
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.registers
    }

    /// Adds a uniformly distributed 64-bit hash.
    pub fn add(&mut self, hash: u64) {
        let index = (hash >> (64 - PRECISION)) as usize;
        let rest = hash << PRECISION;
        let rank = (rest.leading_zeros() + 1).min(64 - PRECISION + 1) as u8;
        if let Some(register) = self.registers.get_mut(index) {
            *register = (*register).max(rank);
        }
    }

    pub fn merge(&mut self, other: &Sketch) {
        for (mine, theirs) in self.registers.iter_mut().zip(&other.registers) {
            *mine = (*mine).max(*theirs);
        }
    }

    /// The estimated number of distinct hashes added.
    pub fn estimate(&self) -> u64 {
        let m = REGISTERS as f64;
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let sum: f64 = self
            .registers
            .iter()
            .map(|&r| 2f64.powi(-i32::from(r)))
            .sum();
        let raw = alpha * m * m / sum;
        let zeros = self.registers.iter().filter(|&&r| r == 0).count();
        let estimate = if raw <= 2.5 * m && zeros > 0 {
            // Few distinct values: linear counting is exact enough.
            m * (m / zeros as f64).ln()
        } else {
            raw
        };
        estimate.round() as u64
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// SplitMix64: uniform test hashes.
    fn hash(n: u64) -> u64 {
        let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    #[test]
    fn small_counts_are_exact_and_large_ones_close() {
        let mut sketch = Sketch::default();
        assert_eq!(sketch.estimate(), 0);
        for n in 0..3 {
            sketch.add(hash(n));
            sketch.add(hash(n));
        }
        assert_eq!(sketch.estimate(), 3);
        let mut large = Sketch::default();
        for n in 0..100_000 {
            large.add(hash(n));
        }
        let error = (large.estimate() as f64 - 100_000.0).abs() / 100_000.0;
        assert!(error < 0.05, "{}", large.estimate());
    }

    #[test]
    fn merging_counts_the_union() {
        let (mut monday, mut tuesday) = (Sketch::default(), Sketch::default());
        for n in 0..600 {
            monday.add(hash(n));
        }
        for n in 400..1000 {
            tuesday.add(hash(n));
        }
        let stored = Sketch::from_bytes(tuesday.as_bytes());
        monday.merge(&stored);
        let error = (monday.estimate() as f64 - 1000.0).abs() / 1000.0;
        assert!(error < 0.05, "{}", monday.estimate());
        assert_eq!(Sketch::from_bytes(b"short"), Sketch::default());
    }
}
