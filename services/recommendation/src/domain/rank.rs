//! Ranking: which catalog items suit a recording, and why.
//!
//! Long because: the two scorers and their inverted indexes share one
//! `Catalog` and its private state; split it along the scorers (layouts,
//! extensions, learning) when one of them next changes.
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

    /// What a recording is, read once per query.
    pub fn recording(&self, features: &McapFeatures) -> Recording {
        let topics: Vec<RecordingTopic> = features
            .topics
            .iter()
            .map(|t| {
                let key = topic_key(&t.topic);
                let schema = t
                    .schema_name
                    .as_deref()
                    .filter(|s| !s.trim().is_empty())
                    .map(schema_key);
                let mut families = match &schema {
                    Some(schema) => schema_families(schema),
                    None => Vec::new(),
                };
                if families.is_empty() && schema.is_none() {
                    families = name_families(&key);
                }
                RecordingTopic {
                    name: t.topic.clone(),
                    schema_name: t.schema_name.clone().filter(|s| !s.trim().is_empty()),
                    keys: keys_by(self.rules, &t.topic),
                    weight: self.key_weight(&key),
                    key,
                    schema,
                    families,
                }
            })
            .collect();
        let norm = topics
            .iter()
            .map(|t| t.weight * t.weight)
            .sum::<f32>()
            .sqrt();
        // Each family is shown by its most specific topic: a PointCloud2
        // (3D only) rather than a JointState (3D and Plot).
        let mut families: BTreeMap<Family, usize> = BTreeMap::new();
        for (n, topic) in topics.iter().enumerate() {
            for family in &topic.families {
                let kept = families.entry(*family).or_insert(n);
                if topic.families.len() < topics[*kept].families.len() {
                    *kept = n;
                }
            }
        }
        // A word is credited to the topic that names it; words of a family
        // (`lidar` for 3D) to the family's topic.
        let mut words: BTreeMap<String, Option<usize>> = BTreeMap::new();
        if let Some(profile) = features.profile.as_deref().filter(|p| !p.is_empty()) {
            words.insert(profile.to_lowercase(), None);
        }
        for (n, topic) in topics.iter().enumerate() {
            for word in topic_words(&topic.key, topic.schema.as_deref()) {
                words.entry(word).or_insert(Some(n));
            }
        }
        for (family, n) in &families {
            for word in family.words() {
                words.entry((*word).to_owned()).or_insert(Some(*n));
            }
        }
        let tokens = self.tokens(&topics, &families);
        let family_mask = families.keys().fold(0u8, |m, f| m | family_bit(*f));
        Recording {
            topics,
            norm,
            families,
            family_mask,
            words,
            tokens,
        }
    }

    /// The feature tokens learning keys on, each with how much it says:
    /// topics (weighted like their keys), schemas and panel families.
    fn tokens(
        &self,
        topics: &[RecordingTopic],
        families: &BTreeMap<Family, usize>,
    ) -> Vec<(String, f32)> {
        let mut tokens: BTreeMap<String, f32> = BTreeMap::new();
        for topic in topics {
            tokens.insert(format!("t:{}", topic.key), topic.weight);
            if let Some(schema) = &topic.schema {
                tokens.insert(format!("s:{schema}"), 0.5);
            }
        }
        for family in families.keys() {
            tokens.insert(format!("f:{family:?}").to_lowercase(), 0.25);
        }
        // Past the bound, schemas and families are kept before topics, in
        // name order: the same tokens whatever the catalog, so that what is
        // learned and what is asked agree.
        let mut tokens: Vec<(String, f32)> = tokens.into_iter().collect();
        if tokens.len() > MAX_TOKENS {
            tokens.sort_by_key(|(token, _)| (token.starts_with("t:"), token.clone()));
            tokens.truncate(MAX_TOKENS);
        }
        tokens
    }

    /// Gathers, per item, the evidence `recording` gives for it: topic
    /// matches, filled panels, matched words.
    fn gather(&self, recording: &Recording, scratch: &mut Scratch) {
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
    fn panel_share(&self, i: usize, recording: &Recording) -> f32 {
        let needs = self.need_masks[i];
        if needs == 0 {
            return 0.0;
        }
        (needs & recording.family_mask).count_ones() as f32 / needs.count_ones() as f32
    }

    /// Item `i`'s content score from the evidence gathered in `scratch`.
    fn content_of(&self, i: usize, recording: &Recording, scratch: &Scratch) -> f32 {
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

    fn rank_in(
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

    /// Why item `n` suits `recording`, in words: its best-matching topics
    /// and the panels the recording fills, or the keywords it matched.
    fn reasons(&self, n: u32, recording: &Recording) -> Vec<String> {
        let item = &self.items[n as usize];
        let mut reasons = Vec::new();
        let panel_name = |panel: &str| {
            if panel.to_ascii_lowercase().ends_with("panel") {
                panel.to_owned()
            } else {
                format!("{panel} panel")
            }
        };
        let describe = |r: &RecordingTopic| match &r.schema_name {
            Some(schema) => format!("{} ({schema})", r.name),
            None => r.name.clone(),
        };
        match item.kind {
            ContentKind::Layout => {
                let needs = &self.needs[n as usize];
                let mut filled: Vec<Family> = Vec::new();
                for (r, layout_topic, _) in self.topic_matches(n, recording).into_iter().take(3) {
                    let r = &recording.topics[r];
                    let panel = needs.iter().find(|(f, _)| r.families.contains(f));
                    let same = topic_key(layout_topic) == r.key;
                    let reason = match (panel, same) {
                        (Some((family, panel)), true) => {
                            filled.push(*family);
                            format!("{} fits its {}", describe(r), panel_name(panel))
                        }
                        (Some((family, panel)), false) => {
                            filled.push(*family);
                            format!(
                                "{} fits its {} (as {layout_topic})",
                                describe(r),
                                panel_name(panel)
                            )
                        }
                        (None, true) => format!("shares the topic {}", describe(r)),
                        (None, false) => {
                            format!("{} matches its topic {layout_topic}", describe(r))
                        }
                    };
                    reasons.push(reason);
                }
                for (family, panel) in needs {
                    if reasons.len() >= 4 {
                        break;
                    }
                    if filled.contains(family) {
                        continue;
                    }
                    if let Some(r) = recording.families.get(family) {
                        reasons.push(format!(
                            "its {} can show {}",
                            panel_name(panel),
                            describe(&recording.topics[*r])
                        ));
                    }
                }
            }
            ContentKind::Extension => {
                for keyword in item.keywords.iter().chain(&item.terms) {
                    if reasons.len() >= 3 {
                        break;
                    }
                    let Some(source) = recording.words.get(keyword) else {
                        continue;
                    };
                    let what = if item.keywords.contains(keyword) {
                        "keyword"
                    } else {
                        "description term"
                    };
                    let reason = match source {
                        Some(r) => format!(
                            "its {what} \"{keyword}\" matches {}",
                            describe(&recording.topics[*r])
                        ),
                        None => format!("its {what} \"{keyword}\" matches the recording's profile"),
                    };
                    if !reasons.contains(&reason) {
                        reasons.push(reason);
                    }
                }
            }
        }
        reasons
    }

    /// Item `n`'s topics matched by the recording's, strongest first:
    /// (recording topic, layout topic, strength).
    fn topic_matches<'a>(&'a self, n: u32, recording: &Recording) -> Vec<(usize, &'a str, f32)> {
        let item = &self.items[n as usize];
        let layout_keys: Vec<(&str, Vec<(String, f32)>)> = item
            .topics
            .iter()
            .map(|t| (t.as_str(), keys_by(self.rules, t)))
            .collect();
        let mut matches = Vec::new();
        for (ri, r) in recording.topics.iter().enumerate() {
            let mut best: Option<(&str, f32)> = None;
            for (layout_topic, keys) in &layout_keys {
                for (key, level_r) in &r.keys {
                    if let Some((_, level_l)) = keys.iter().find(|(k, _)| k == key) {
                        let weight = self.key_weight(key);
                        let value = level_r * level_l * weight * weight;
                        if best.is_none_or(|(_, v)| value > v) {
                            best = Some((layout_topic, value));
                        }
                    }
                }
            }
            if let Some((topic, value)) = best {
                matches.push((ri, topic, value));
            }
        }
        matches.sort_by(|a, b| b.2.total_cmp(&a.2));
        matches
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
    fn bonus(&self, catalog: &Catalog, recording: &Recording, sums: &mut Vec<f32>) {
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
