//! Catalog search, in memory. Each item keeps its words (name, publisher,
//! keywords, tags, panels and topics weigh most; description words less);
//! each catalog snapshot indexes the words of all its items once: a
//! vocabulary of distinct words, each with the items that use it, and each
//! word's trigrams with the words that have them. A query matches an item
//! when every query word matches one of its words exactly or closely enough
//! by trigrams (typos, prefixes, plurals: `rosbg`, `pointclod`, `Inspektor`,
//! `batteries`). A query word is compared with the vocabulary, not with
//! every item: its trigrams find the few words worth comparing, and only the
//! items of the words that match are scored.

use std::collections::HashMap;

/// Share of a query word's trigrams another word must have for the two to
/// match: the one typo threshold of the catalog, for every kind of item.
pub const TYPO_SIMILARITY: f32 = 0.5;

/// Search words are cut to this many characters …
pub const MAX_QUERY_CHARS: usize = 200;
/// … and to this many words.
const MAX_QUERY_WORDS: usize = 16;

/// How much a field's words count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Weight {
    /// Names, publisher, keywords, tags, panels, topics.
    Primary,
    /// Descriptions.
    Secondary,
}

impl Weight {
    fn factor(self) -> f32 {
        match self {
            Self::Primary => 1.0,
            Self::Secondary => 0.4,
        }
    }
}

type Trigram = [char; 3];

/// An item's distinct words and how much each counts.
#[derive(Debug, Clone, Default)]
pub struct SearchWords {
    words: Vec<(String, Weight)>,
}

impl SearchWords {
    /// Adds the words of `text` with `weight` (a word already present keeps
    /// its higher weight).
    pub fn add(&mut self, text: &str, weight: Weight) {
        for word in words(text) {
            match self.words.iter_mut().find(|(w, _)| *w == word) {
                Some((_, existing)) => {
                    if *existing == Weight::Secondary {
                        *existing = weight;
                    }
                }
                None => self.words.push((word, weight)),
            }
        }
    }
}

/// A word of the vocabulary: how many trigrams it has and which items use
/// it, with the weight it has in each.
#[derive(Debug, Default)]
struct Entry {
    postings: Vec<(u32, f32)>,
}

/// The words of a list of items, indexed for search. Items are named by
/// their position in the list the index was built from.
#[derive(Debug, Default)]
pub struct SearchIndex {
    ids: HashMap<String, u32>,
    entries: Vec<Entry>,
    by_trigram: HashMap<Trigram, Vec<u32>>,
}

impl SearchIndex {
    /// Indexes `items`' words; the `n`th item is item `n` in the scores.
    pub fn new<'a>(items: impl IntoIterator<Item = &'a SearchWords>) -> Self {
        let mut index = Self::default();
        for (item, words) in items.into_iter().enumerate() {
            let item = u32::try_from(item).unwrap_or(u32::MAX);
            for (word, weight) in &words.words {
                let id = match index.ids.get(word.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = u32::try_from(index.entries.len()).unwrap_or(u32::MAX);
                        for trigram in trigrams(word) {
                            index.by_trigram.entry(trigram).or_default().push(id);
                        }
                        index.ids.insert(word.clone(), id);
                        index.entries.push(Entry::default());
                        id
                    }
                };
                index.entries[id as usize]
                    .postings
                    .push((item, weight.factor()));
            }
        }
        index
    }

    /// How well each of the `items` indexed matches `query`: `None` for an
    /// item some query word matches none of the words of.
    pub fn scores(&self, query: &Query, items: usize) -> Vec<Option<f32>> {
        let mut total = vec![0.0f32; items];
        let mut hits = vec![0usize; items];
        // Per query word: the best score of each item, and which are set.
        let mut best = vec![0.0f32; items];
        let mut touched: Vec<usize> = Vec::new();
        let mut shared: HashMap<u32, usize> = HashMap::new();
        for (n, word) in query.words.iter().enumerate() {
            let exact = self.ids.get(word.text.as_str()).copied();
            shared.clear();
            for trigram in &word.trigrams {
                for &id in self.by_trigram.get(trigram).into_iter().flatten() {
                    *shared.entry(id).or_default() += 1;
                }
            }
            let similar = shared.iter().filter_map(|(&id, &count)| {
                let similarity = count as f32 / word.trigrams.len() as f32;
                (Some(id) != exact && similarity >= TYPO_SIMILARITY).then_some((id, similarity))
            });
            for (id, score) in similar.chain(exact.map(|id| (id, 2.0))) {
                for &(item, factor) in &self.entries[id as usize].postings {
                    let Some(slot) = best.get_mut(item as usize) else {
                        continue;
                    };
                    if *slot == 0.0 {
                        touched.push(item as usize);
                    }
                    *slot = slot.max(score * factor);
                }
            }
            for item in touched.drain(..) {
                if hits[item] == n {
                    hits[item] += 1;
                    total[item] += best[item];
                }
                best[item] = 0.0;
            }
        }
        let needed = query.words.len();
        total
            .into_iter()
            .zip(hits)
            .map(|(score, hits)| (hits == needed).then_some(score))
            .collect()
    }
}

#[derive(Debug, Clone)]
struct QueryWord {
    text: String,
    trigrams: Vec<Trigram>,
}

/// A parsed search query: its lower-case words.
#[derive(Debug, Clone)]
pub struct Query {
    words: Vec<QueryWord>,
}

impl Query {
    /// The query in `q`, or `None` when it has no words.
    pub fn parse(q: &str) -> Option<Self> {
        let cut: String = q.chars().take(MAX_QUERY_CHARS).collect();
        let mut seen = Vec::new();
        for word in words(&cut) {
            if !seen.contains(&word) && seen.len() < MAX_QUERY_WORDS {
                seen.push(word);
            }
        }
        let words: Vec<QueryWord> = seen
            .into_iter()
            .map(|text| QueryWord {
                trigrams: trigrams(&text),
                text,
            })
            .collect();
        (!words.is_empty()).then_some(Self { words })
    }
}

/// Lower-case runs of letters and digits: `rosbag-inspector` is two words,
/// `/camera/image_raw` three.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// The word's trigrams as pg_trgm makes them: padded with two spaces in
/// front and one behind, sorted and unique.
fn trigrams(word: &str) -> Vec<Trigram> {
    let padded: Vec<char> = "  "
        .chars()
        .chain(word.chars())
        .chain(" ".chars())
        .collect();
    let mut set: Vec<Trigram> = padded.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
    set.sort_unstable();
    set.dedup();
    set
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn item(primary: &str, secondary: &str) -> SearchWords {
        let mut words = SearchWords::default();
        words.add(primary, Weight::Primary);
        words.add(secondary, Weight::Secondary);
        words
    }

    /// The score of a one-item catalog.
    fn score(item: &SearchWords, q: &str) -> Option<f32> {
        SearchIndex::new([item]).scores(&Query::parse(q).unwrap(), 1)[0]
    }

    fn matches(item: &SearchWords, q: &str) -> bool {
        score(item, q).is_some()
    }

    #[test]
    fn typos_prefixes_and_plurals_match() {
        let inspector = item(
            "rosbag-inspector Rosbag Inspector botworks ros statistics",
            "Inspect message statistics of recordings",
        );
        for q in [
            "rosbg",
            "Inspektor",
            "rosbag inspector",
            "statistic",
            "recordings",
            "insp",
        ] {
            assert!(matches(&inspector, q), "{q}");
        }
        for q in ["zzzzqqq", "lidar", "rosbag lidar"] {
            assert!(!matches(&inspector, q), "{q}");
        }
        let battery = item(
            "battery-gauge Battery Gauge power",
            "Shows the charge of the robot's batteries",
        );
        assert!(matches(&battery, "batteries"));
        assert!(matches(&battery, "battery"));
        assert!(matches(&item("camera tools", ""), "camra"));
        assert!(matches(&item("pointcloud-tools", ""), "pointclod"));
    }

    #[test]
    fn exact_and_primary_words_rank_higher() {
        let named = score(&item("lidar tools", ""), "lidar").unwrap();
        let described = score(&item("tools", "for lidar scans"), "lidar").unwrap();
        let typo = score(&item("lidr tools", ""), "lidar");
        assert!(named > described);
        assert!(typo.is_none_or(|t| t < named));
    }

    #[test]
    fn every_query_word_must_match_in_a_catalog_of_many() {
        let items = [
            item("lidar tools", ""),
            item("camera tools", "for lidar and camera"),
            item("camera", ""),
            item("rosbag inspector", ""),
        ];
        let index = SearchIndex::new(&items);
        let scores = |q: &str| index.scores(&Query::parse(q).unwrap(), items.len());
        let matched = |q: &str| -> Vec<usize> {
            scores(q)
                .iter()
                .enumerate()
                .filter_map(|(n, s)| s.map(|_| n))
                .collect()
        };
        assert_eq!(matched("lidar"), [0, 1]);
        assert_eq!(matched("camra"), [1, 2]);
        assert_eq!(matched("lidar camera"), [1]);
        assert_eq!(matched("camera camera tools"), [1]);
        assert!(matched("lidar rosbag").is_empty());
        assert_eq!(matched("insp"), [3]);
        let lidar = scores("lidar");
        assert!(lidar[0] > lidar[1], "a name outweighs a description");
    }

    #[test]
    fn queries_are_bounded() {
        assert!(Query::parse("  -- ").is_none());
        let long = "word ".repeat(1000);
        assert_eq!(Query::parse(&long).unwrap().words.len(), 1);
        let many: String = (0..100).map(|i| format!("w{i} ")).collect();
        assert_eq!(Query::parse(&many).unwrap().words.len(), MAX_QUERY_WORDS);
    }
}
