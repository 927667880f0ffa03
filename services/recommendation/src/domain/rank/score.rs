//! Scoring and ranking: the evidence per item, the content score, the
//! learned bonus blended in, the best kept in a bounded heap.

use super::*;

impl Catalog {
    /// Gathers, per item, the evidence `recording` gives for it: topic
    /// matches, filled panels, matched words.
    pub(super) fn gather(&self, recording: &Recording, scratch: &mut Scratch) {
        let n = self.items.len();
        scratch.reset(n);
        let Scratch {
            topic,
            words,
            best,
            touched,
            ..
        } = scratch;
        for r in &recording.topics {
            for (key, level_r) in &r.keys {
                let Some(postings) = self.topic_postings.get(key) else {
                    continue;
                };
                let weight = self.key_weight(key);
                let base = level_r * weight * weight;
                for p in postings {
                    let value = base * p.level;
                    let slot = &mut best[p.item as usize];
                    if *slot == 0.0 {
                        touched.push(p.item);
                    }
                    if value > *slot {
                        *slot = value;
                    }
                }
            }
            // Each recording topic counts once per layout: its best match.
            for item in touched.drain(..) {
                let slot = &mut best[item as usize];
                topic[item as usize] += *slot;
                *slot = 0.0;
            }
        }
        for word in recording.words.keys() {
            for (item, log_miss) in self.word_postings.get(word).into_iter().flatten() {
                words[*item as usize] += log_miss;
            }
        }
    }

    /// The share of item `i`'s data panels the recording fills.
    pub(super) fn panel_share(&self, i: usize, recording: &Recording) -> f32 {
        let needs = self.need_masks[i];
        if needs == 0 {
            return 0.0;
        }
        (needs & recording.family_mask).count_ones() as f32 / needs.count_ones() as f32
    }

    /// Item `i`'s content score from the evidence gathered in `scratch`.
    pub(super) fn content_of(&self, i: usize, recording: &Recording, scratch: &Scratch) -> f32 {
        match self.kinds[i] {
            ContentKind::Layout => {
                let topic = scratch.topic[i];
                let panel = self.panel_share(i, recording);
                let norms = self.layout_norms[i] * recording.norm;
                let cosine = if norms > 0.0 {
                    (topic / norms).min(1.0)
                } else {
                    0.0
                };
                let has_panels = self.rules.panels && !self.needs[i].is_empty();
                match (!self.has_topics[i], has_panels) {
                    (false, true) => {
                        cosine * (1.0 - PANEL_LIFT + PANEL_LIFT * panel) + PANEL_ONLY * panel
                    }
                    (false, false) => cosine,
                    (true, true) => PANELS_NO_TOPICS * panel,
                    (true, false) => 0.0,
                }
            }
            ContentKind::Extension => EXTENSION_CEILING * (1.0 - scratch.words[i].exp()),
        }
    }

    /// Which items of `kinds` may be recommended, without the extensions
    /// of `installed` (ids, lower case).
    pub fn wanted<'a>(
        &self,
        kinds: &[ContentKind],
        installed: impl Iterator<Item = &'a str>,
    ) -> Wanted {
        Wanted {
            layouts: kinds.contains(&ContentKind::Layout),
            extensions: kinds.contains(&ContentKind::Extension),
            excluded: installed
                .filter_map(|id| self.position(ContentKind::Extension, id))
                .collect(),
        }
    }

    /// The best `limit` items for `recording`, best first, each with its
    /// reasons; `wanted` says which items may be recommended at all.
    pub fn rank(
        &self,
        recording: &Recording,
        learned: &Learned,
        limit: usize,
        wanted: &Wanted,
    ) -> Vec<Ranked> {
        SCRATCH.with_borrow_mut(|scratch| self.rank_in(scratch, recording, learned, limit, wanted))
    }

    pub(super) fn rank_in(
        &self,
        scratch: &mut Scratch,
        recording: &Recording,
        learned: &Learned,
        limit: usize,
        wanted: &Wanted,
    ) -> Vec<Ranked> {
        self.gather(recording, scratch);
        learned.bonus(self, recording, &mut scratch.bonus);
        // The best `limit` in one pass: a heap whose top is the worst kept.
        let mut kept: BinaryHeap<Kept> = BinaryHeap::with_capacity(limit + 1);
        for i in 0..self.items.len() {
            let bonus = scratch.bonus[i];
            if scratch.topic[i] == 0.0
                && self.need_masks[i] & recording.family_mask == 0
                && scratch.words[i] == 0.0
                && bonus == 0.0
            {
                continue;
            }
            // Filled panels alone cannot beat a full list of better items.
            if scratch.topic[i] == 0.0
                && scratch.words[i] == 0.0
                && bonus == 0.0
                && kept.len() == limit
                && kept
                    .peek()
                    .is_some_and(|worst| worst.score > PANELS_NO_TOPICS)
            {
                continue;
            }
            let score = self.content_of(i, recording, scratch) + bonus;
            if score < MIN_SCORE || !wanted.admits(i as u32, self.kinds[i]) {
                continue;
            }
            let candidate = Kept { score, n: i as u32 };
            if kept.len() < limit {
                kept.push(candidate);
            } else if kept.peek().is_some_and(|worst| candidate < *worst) {
                kept.pop();
                kept.push(candidate);
            }
        }
        kept.into_sorted_vec()
            .into_iter()
            .map(|Kept { score, n }| {
                let mut reasons = self.reasons(n, recording);
                if scratch.bonus[n as usize] >= 0.05 {
                    reasons.push("chosen by users with similar recordings".to_owned());
                } else if reasons.is_empty() {
                    reasons.push("suits recordings like this one".to_owned());
                }
                Ranked {
                    item: n,
                    score,
                    reasons,
                }
            })
            .collect()
    }
}
