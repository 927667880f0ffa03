//! Catalog search, in memory: an item's words (name, publisher, keywords,
//! tags, panels and topics weigh most; description words less) are indexed
//! with their trigrams once, when the item enters the catalog. A query
//! matches an item when every query word matches one of its words exactly or
//! closely enough by trigrams (typos, prefixes, plurals: `rosbg`,
//! `pointclod`, `Inspektor`, `batteries`).

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

#[derive(Debug, Clone)]
struct Word {
    text: String,
    weight: Weight,
    trigrams: Vec<Trigram>,
}

type Trigram = [char; 3];

/// An item's words, ready to be searched.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    words: Vec<Word>,
}

impl SearchIndex {
    /// Adds the words of `text` with `weight` (a word already present keeps
    /// its higher weight).
    pub fn add(&mut self, text: &str, weight: Weight) {
        for word in words(text) {
            match self.words.iter_mut().find(|w| w.text == word) {
                Some(existing) => {
                    if existing.weight == Weight::Secondary {
                        existing.weight = weight;
                    }
                }
                None => self.words.push(Word {
                    trigrams: trigrams(&word),
                    text: word,
                    weight,
                }),
            }
        }
    }

    /// How well `query` matches, or `None` when some query word matches
    /// nothing.
    pub fn score(&self, query: &Query) -> Option<f32> {
        let mut total = 0.0;
        for word in &query.words {
            let best = self
                .words
                .iter()
                .filter_map(|candidate| {
                    let weight = candidate.weight.factor();
                    if candidate.text == word.text {
                        return Some(2.0 * weight);
                    }
                    let similarity = similarity(&word.trigrams, &candidate.trigrams);
                    (similarity >= TYPO_SIMILARITY).then_some(similarity * weight)
                })
                .fold(None, |best: Option<f32>, s| {
                    Some(best.map_or(s, |b| b.max(s)))
                })?;
            total += best;
        }
        Some(total)
    }
}

/// A parsed search query: its lower-case words.
#[derive(Debug, Clone)]
pub struct Query {
    words: Vec<Word>,
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
        let words: Vec<Word> = seen
            .into_iter()
            .map(|text| Word {
                trigrams: trigrams(&text),
                text,
                weight: Weight::Primary,
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

/// The share of `query`'s trigrams found in `candidate`'s (both sorted): a
/// query word that is a prefix of, or one typo away from, a longer word
/// still shares most of its trigrams with it.
fn similarity(query: &[Trigram], candidate: &[Trigram]) -> f32 {
    if query.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < query.len() && j < candidate.len() {
        match query[i].cmp(&candidate[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f32 / query.len() as f32
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn index(primary: &str, secondary: &str) -> SearchIndex {
        let mut index = SearchIndex::default();
        index.add(primary, Weight::Primary);
        index.add(secondary, Weight::Secondary);
        index
    }

    fn matches(index: &SearchIndex, q: &str) -> bool {
        index.score(&Query::parse(q).unwrap()).is_some()
    }

    #[test]
    fn typos_prefixes_and_plurals_match() {
        let inspector = index(
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
        let battery = index(
            "battery-gauge Battery Gauge power",
            "Shows the charge of the robot's batteries",
        );
        assert!(matches(&battery, "batteries"));
        assert!(matches(&battery, "battery"));
        assert!(matches(&index("camera tools", ""), "camra"));
        assert!(matches(&index("pointcloud-tools", ""), "pointclod"));
    }

    #[test]
    fn exact_and_primary_words_rank_higher() {
        let q = Query::parse("lidar").unwrap();
        let named = index("lidar tools", "").score(&q).unwrap();
        let described = index("tools", "for lidar scans").score(&q).unwrap();
        let typo = index("lidr tools", "").score(&Query::parse("lidar").unwrap());
        assert!(named > described);
        assert!(typo.is_none_or(|t| t < named));
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
