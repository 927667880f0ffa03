//! What was learned from feedback, mapped onto the catalog.

use super::*;

impl Learned {
    /// `weights` as (token, kind, item id, weight, updated at in unix
    /// seconds), decayed to `now` and mapped onto `catalog`; weights of
    /// items no longer in it are left out.
    pub fn new<'a>(
        catalog: &Catalog,
        weights: impl Iterator<Item = (&'a str, ContentKind, &'a str, f32, i64)>,
        blend: Blend,
        now: i64,
    ) -> Self {
        let half_life = blend.half_life_days.max(0.001) * 86_400.0;
        let mut decayed: HashMap<&'a str, Vec<(u32, f32)>> = HashMap::new();
        for (token, kind, id, weight, at) in weights {
            if let Some(n) = catalog.position(kind, id) {
                let age = (now - at).max(0) as f32;
                decayed
                    .entry(token)
                    .or_default()
                    .push((n, weight * (-age / half_life).exp2()));
            }
        }
        let postings = decayed
            .into_iter()
            .map(|(token, items)| {
                let total: f32 = items.iter().map(|(_, w)| w.abs()).sum::<f32>() + blend.prior;
                let shares = items.into_iter().map(|(n, w)| (n, w / total)).collect();
                (token.to_owned(), shares)
            })
            .collect();
        Self { postings, blend }
    }

    /// Tokens with anything learned.
    pub fn tokens(&self) -> usize {
        self.postings.len()
    }

    /// What learning adds to each item's score for `recording`: the
    /// token-weighted mean of the shares, times the most it may add.
    pub(super) fn bonus(&self, catalog: &Catalog, recording: &Recording, sums: &mut Vec<f32>) {
        sums.clear();
        sums.resize(catalog.len(), 0.0);
        let total: f32 = recording.tokens.iter().map(|(_, w)| w).sum();
        if self.postings.is_empty() || total <= 0.0 {
            return;
        }
        for (token, weight) in &recording.tokens {
            for (item, share) in self.postings.get(token).into_iter().flatten() {
                sums[*item as usize] += weight * share;
            }
        }
        let scale = self.blend.max_bonus / total;
        for sum in sums.iter_mut() {
            *sum *= scale;
        }
    }
}
