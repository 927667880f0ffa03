//! Ranking: which catalog items suit a recording, and why.
//!
//! This module holds the types and the indexes built from the catalog;
//! `query` reads a recording, `score` ranks, `reasons` explains, `learned`
//! maps feedback onto the catalog (each an `impl` of the types here, which
//! keep their fields private to this module and its children).
//!
//! Content first. A layout is scored by how its topics match the
//! recording's (a cosine over topic keys weighted like TF-IDF: a key many
//! layouts name, or one nearly every recording has, counts less; a match
//! under another namespace or by the last segment counts less than the
//! same name) and by how many of its data panels the recording can fill (a
//! schema-to-panel table, or the topic names when schemas are empty). An
//! extension is scored by its keywords and description terms found among
//! the recording's words (a noisy-OR: each match adds, none takes away).
//! Then what was learned from feedback moves the content score by a bounded
//! amount ([`Learned`]). Both indexes are inverted, so one query costs the
//! postings of the recording's keys, not the size of the catalog.

mod learned;
mod query;
mod reasons;
mod score;

use std::collections::{BTreeMap, BinaryHeap, HashMap};

use sora_common::events::types::ContentKind;
use sora_common::features::McapFeatures;

use super::vocab::{
    Family, is_ubiquitous, name_families, panel_family, schema_families, schema_key, topic_key,
    topic_keys, topic_words,
};

/// How much a ubiquitous topic key (`/tf`, `/rosout`) counts, against 1.
const UBIQUITOUS: f32 = 0.35;
/// A layout's score: its topic match, raised by up to this share when the
/// recording fills its panels...
const PANEL_LIFT: f32 = 0.3;
/// ...plus this much for filled panels alone (a layout whose topics are
/// named otherwise can still show the data)...
const PANEL_ONLY: f32 = 0.1;
/// ...or this much for a layout that names no topics at all.
const PANELS_NO_TOPICS: f32 = 0.3;
/// How much a keyword match says for an extension, and a description term.
const KEYWORD_STRENGTH: f32 = 0.6;
const TERM_STRENGTH: f32 = 0.3;
/// An extension's best score, against a layout's 1: a layout that was made
/// for these topics says more than an extension about their kind of data.
const EXTENSION_CEILING: f32 = 0.8;
/// Below this score an item is not recommended: it has nothing to say for it.
const MIN_SCORE: f32 = 0.02;
/// Most feature tokens learned from one recording.
pub const MAX_TOKENS: usize = 256;

/// One item as the index keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogItem {
    pub kind: ContentKind,
    pub id: String,
    pub version: Option<String>,
    pub name: String,
    pub panels: Vec<String>,
    pub topics: Vec<String>,
    pub keywords: Vec<String>,
    pub terms: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
struct TopicPosting {
    item: u32,
    level: f32,
}

/// Parts of content ranking that can be turned off, to measure what each
/// brings (the offline evaluation's ablations). All on in the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Topic keys weighted like TF-IDF (off: every key weighs 1).
    pub idf: bool,
    /// Matches under another namespace or by the last segments (off: only
    /// the same name matches).
    pub partial_topics: bool,
    /// The panel part of a layout's score.
    pub panels: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            idf: true,
            partial_topics: true,
            panels: true,
        }
    }
}

/// The content index of the catalog.
#[derive(Debug, Default)]
pub struct Catalog {
    rules: Rules,
    items: Vec<CatalogItem>,
    by_key: HashMap<(ContentKind, String), u32>,
    topic_postings: HashMap<String, Vec<TopicPosting>>,
    key_weights: HashMap<String, f32>,
    unseen_weight: f32,
    layout_norms: Vec<f32>,
    needs: Vec<Vec<(Family, String)>>,
    /// Per item, its data panels' families as bits ([`family_bit`]).
    need_masks: Vec<u8>,
    /// Per item, compact: its kind and whether it names topics (the items
    /// themselves are large; the ranking pass reads only these).
    kinds: Vec<ContentKind>,
    has_topics: Vec<bool>,
    /// Word → (extension, ln(1 − what the word says for it)).
    word_postings: HashMap<String, Vec<(u32, f32)>>,
}

/// Which items an answer may hold.
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    pub layouts: bool,
    pub extensions: bool,
    /// Positions of installed extensions.
    pub excluded: std::collections::HashSet<u32>,
}

impl Wanted {
    /// Every item.
    pub fn all() -> Self {
        Self {
            layouts: true,
            extensions: true,
            excluded: Default::default(),
        }
    }

    fn admits(&self, n: u32, kind: ContentKind) -> bool {
        let kind_wanted = match kind {
            ContentKind::Layout => self.layouts,
            ContentKind::Extension => self.extensions,
        };
        kind_wanted && (self.excluded.is_empty() || !self.excluded.contains(&n))
    }
}

impl Catalog {
    pub fn new(items: Vec<CatalogItem>) -> Self {
        Self::with_rules(items, Rules::default())
    }

    pub fn with_rules(items: Vec<CatalogItem>, rules: Rules) -> Self {
        let layouts = items
            .iter()
            .filter(|i| i.kind == ContentKind::Layout)
            .count();
        let mut key_df: HashMap<String, u32> = HashMap::new();
        let mut topic_postings: HashMap<String, Vec<TopicPosting>> = HashMap::new();
        let mut word_df: HashMap<String, u32> = HashMap::new();
        for (n, item) in items.iter().enumerate() {
            for topic in &item.topics {
                for (key, level) in keys_by(rules, topic) {
                    let postings = topic_postings.entry(key).or_default();
                    postings.push(TopicPosting {
                        item: n as u32,
                        level,
                    });
                }
            }
            if item.kind == ContentKind::Extension {
                let mut words: Vec<&String> = item.keywords.iter().chain(&item.terms).collect();
                words.sort();
                words.dedup();
                for word in words {
                    *word_df.entry(word.clone()).or_default() += 1;
                }
            }
        }
        for (key, postings) in &topic_postings {
            let mut holders: Vec<u32> = postings.iter().map(|p| p.item).collect();
            holders.dedup();
            key_df.insert(key.clone(), holders.len() as u32);
        }
        let n = layouts.max(1) as f32;
        let key_weights: HashMap<String, f32> = key_df
            .into_iter()
            .map(|(key, df)| {
                let weight = (1.0 + n / df as f32).ln() * ubiquity(&key);
                (key, weight)
            })
            .collect();
        let unseen_weight = (1.0 + n).ln();

        let layout_norms = items
            .iter()
            .map(|item| {
                item.topics
                    .iter()
                    .map(|t| {
                        let weight = if rules.idf {
                            key_weights.get(&topic_key(t)).copied().unwrap_or(0.0)
                        } else {
                            1.0
                        };
                        weight * weight
                    })
                    .sum::<f32>()
                    .sqrt()
            })
            .collect();

        let mut needs = Vec::with_capacity(items.len());
        let mut need_masks = Vec::with_capacity(items.len());
        for item in &items {
            let mut families: Vec<(Family, String)> = Vec::new();
            for panel in &item.panels {
                if let Some(family) = panel_family(panel).filter(|f| *f != Family::Raw)
                    && !families.iter().any(|(f, _)| *f == family)
                {
                    families.push((family, panel.clone()));
                }
            }
            need_masks.push(families.iter().fold(0u8, |m, (f, _)| m | family_bit(*f)));
            needs.push(families);
        }

        let extensions = (items.len() - layouts).max(1) as f32;
        let mut word_postings: HashMap<String, Vec<(u32, f32)>> = HashMap::new();
        for (n, item) in items.iter().enumerate() {
            if item.kind != ContentKind::Extension {
                continue;
            }
            let mut add = |word: &String, strength: f32| {
                let df = word_df.get(word).copied().unwrap_or(1) as f32;
                // 1 for a word only this extension has, less for common ones.
                let rarity = (1.0 + extensions / df).ln() / (1.0 + extensions).ln();
                let postings = word_postings.entry(word.clone()).or_default();
                if postings.last().is_some_and(|(i, _)| *i == n as u32) {
                    return;
                }
                let strength = strength * rarity.clamp(0.2, 1.0);
                postings.push((n as u32, (1.0 - strength).ln()));
            };
            for word in &item.keywords {
                add(word, KEYWORD_STRENGTH);
            }
            for word in &item.terms {
                add(word, TERM_STRENGTH);
            }
        }

        let kinds = items.iter().map(|i| i.kind).collect();
        let has_topics = items.iter().map(|i| !i.topics.is_empty()).collect();
        let by_key = items
            .iter()
            .enumerate()
            .map(|(n, item)| ((item.kind, item.id.clone()), n as u32))
            .collect();
        Self {
            rules,
            items,
            by_key,
            topic_postings,
            key_weights,
            unseen_weight,
            layout_norms,
            needs,
            need_masks,
            kinds,
            has_topics,
            word_postings,
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Layouts and extensions indexed.
    pub fn counts(&self) -> (usize, usize) {
        let layouts = self
            .items
            .iter()
            .filter(|i| i.kind == ContentKind::Layout)
            .count();
        (layouts, self.items.len() - layouts)
    }

    pub fn item(&self, n: u32) -> &CatalogItem {
        &self.items[n as usize]
    }

    pub fn position(&self, kind: ContentKind, id: &str) -> Option<u32> {
        self.by_key.get(&(kind, id.to_owned())).copied()
    }

    /// How much a topic key counts: rare keys more, ubiquitous ones less.
    fn key_weight(&self, key: &str) -> f32 {
        if !self.rules.idf {
            return 1.0;
        }
        self.key_weights
            .get(key)
            .copied()
            .unwrap_or_else(|| self.unseen_weight * ubiquity(key))
    }
}

/// A topic's keys under `rules`.
fn keys_by(rules: Rules, topic: &str) -> Vec<(String, f32)> {
    let mut keys = topic_keys(topic);
    if !rules.partial_topics {
        keys.truncate(1);
    }
    keys
}

/// A family as one bit of a mask (there are eight).
fn family_bit(family: Family) -> u8 {
    1 << (family as u8)
}

fn ubiquity(key: &str) -> f32 {
    if is_ubiquitous(key) { UBIQUITOUS } else { 1.0 }
}

/// An item kept among the best. By the heap's reckoning "greater" is worse (a lower score, or an equal score and a
/// later position), so the heap's top is the one to drop.
#[derive(Debug, Clone, Copy)]
struct Kept {
    score: f32,
    n: u32,
}

impl Ord for Kept {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(self.n.cmp(&other.n))
    }
}

impl PartialOrd for Kept {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Kept {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Kept {}

/// Per-item buffers of one ranking, kept per thread: a catalog of 10,000
/// items would otherwise cost a few fresh allocations (and their page
/// faults) per request.
#[derive(Debug, Default)]
struct Scratch {
    topic: Vec<f32>,
    words: Vec<f32>,
    best: Vec<f32>,
    touched: Vec<u32>,
    bonus: Vec<f32>,
}

impl Scratch {
    /// Zeroed buffers for `n` items.
    fn reset(&mut self, n: usize) {
        for buffer in [&mut self.topic, &mut self.words, &mut self.best] {
            buffer.clear();
            buffer.resize(n, 0.0);
        }
        self.touched.clear();
        self.bonus.clear();
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// One topic of the recording being ranked for.
#[derive(Debug)]
pub struct RecordingTopic {
    name: String,
    schema_name: Option<String>,
    key: String,
    keys: Vec<(String, f32)>,
    schema: Option<String>,
    families: Vec<Family>,
    weight: f32,
}

/// A recording as the ranking reads it.
#[derive(Debug)]
pub struct Recording {
    topics: Vec<RecordingTopic>,
    norm: f32,
    /// The panel families it fills, each with the first topic that fills it.
    families: BTreeMap<Family, usize>,
    /// The same, as bits ([`family_bit`]).
    family_mask: u8,
    /// Its words, each with the topic it came from (none: the profile).
    words: BTreeMap<String, Option<usize>>,
    /// Feature tokens for learning, with their weights.
    tokens: Vec<(String, f32)>,
}

impl Recording {
    /// The tokens learning keys on, without their weights.
    pub fn tokens(&self) -> Vec<String> {
        self.tokens.iter().map(|(t, _)| t.clone()).collect()
    }
}

/// One recommended item.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub item: u32,
    pub score: f32,
    pub reasons: Vec<String>,
}

/// How learned weights move scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Blend {
    /// Most learning adds to (or takes from) a content score.
    pub max_bonus: f32,
    /// Feedback a token needs before it says half of what it can: a token
    /// with weight `w` for an item, and `total` over all items, says
    /// `w / (total + prior)`.
    pub prior: f32,
    /// A learned weight halves in this many days without new feedback.
    pub half_life_days: f32,
}

impl Default for Blend {
    fn default() -> Self {
        Self {
            max_bonus: 0.6,
            prior: 10.0,
            half_life_days: 30.0,
        }
    }
}

/// What was learned from feedback, by feature token: for each token, the
/// share of its (decayed) feedback that went to each item. A token seen
/// with many items, like an unrelated topic many recordings carry, says
/// little for each; one seen with one item says much for it.
#[derive(Debug, Default)]
pub struct Learned {
    postings: HashMap<String, Vec<(u32, f32)>>,
    blend: Blend,
}

/// The feature tokens learning keys on for `features`: `t:` topics, `s:`
/// schemas, `f:` panel families, as [`Recording::tokens`] lists them.
pub fn feature_tokens(features: &McapFeatures) -> Vec<String> {
    Catalog::default().recording(features).tokens()
}

/// What one feedback event teaches: how much it says for its item, by type
/// (0 for types that teach nothing).
pub fn reward(feedback_type: &str, rating: Option<u8>) -> f32 {
    match feedback_type {
        "recommendation_accepted" | "layout_applied" | "extension_installed" => 1.0,
        "recommendation_dismissed" => -0.5,
        "extension_uninstalled" => -0.5,
        "recommendation_shown" => -0.05,
        "rating" => rating.map_or(0.0, |r| (f32::from(r.clamp(1, 5)) - 3.0) / 2.0),
        _ => 0.0,
    }
}
