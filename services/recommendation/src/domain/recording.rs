//! The features of an MCAP recording (DESIGN.md §6), read from its bytes as
//! they arrive: a whole file, or only its end — the summary section and the
//! footer, as a client that read the file's tail sends it. Records are read
//! in order with the `mcap` crate's sans-io reader; messages are counted per
//! channel as they pass, and a Statistics record (the summary's), when there
//! is one, gives the counts and the time span instead. A file that ends
//! early (truncated, or with no summary) keeps what was counted until its
//! data ended.
//!
//! Chunks are not decompressed when they need not be: a chunk's message
//! index records (which follow it) give its messages' channels and times.
//! A chunk is decompressed only when it has no message indexes, or when
//! they name a channel not defined yet (its Channel record is inside), and
//! only after reserving its declared size from a [`MemoryBudget`] all
//! requests share: a few KiB of zstd that declare 60 MB cost 60 MB of the
//! budget, not 60 MB per request. No chunk larger than the record limit is
//! decompressed at all.
//!
//! Long because: the reader is one state machine over the sans-io reader
//! (whole file or tail, chunks by their indexes or opened); half the file
//! is its tests against every fixture recording.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use mcap::records::{Record, op};
use mcap::sans_io::{LinearReadEvent, LinearReader, LinearReaderOptions};
use sora_common::features::{MAX_TOPICS, McapFeatures, TopicFeature};

/// The first bytes of every MCAP file.
const MAGIC: &[u8] = b"\x89MCAP0\r\n";

/// Why a body is not a recording this reader can use.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NotRecording {
    #[error("the body is not an MCAP file or the end of one")]
    NotMcap,
    #[error("the recording is damaged: {0}")]
    Damaged(String),
    #[error("the recording has more than {MAX_TOPICS} channels")]
    TooManyChannels,
    /// The shared memory budget stayed spent for the whole wait.
    #[error("the service is reading too many recordings at once")]
    Busy,
}

/// Memory for decompressing chunks, shared by every request (a permit is a
/// KiB): a chunk is decompressed once its declared size is reserved, and
/// the reservation ends with it.
#[derive(Clone)]
pub struct MemoryBudget {
    permits: Arc<tokio::sync::Semaphore>,
    wait: Duration,
}

impl MemoryBudget {
    /// `bytes` in all; a reservation waits at most `wait` for its share.
    pub fn new(bytes: u64, wait: Duration) -> Self {
        let kib = usize::try_from(bytes / 1024)
            .unwrap_or(usize::MAX)
            .min(tokio::sync::Semaphore::MAX_PERMITS);
        Self {
            permits: Arc::new(tokio::sync::Semaphore::new(kib)),
            wait,
        }
    }

    /// What is left now, in bytes.
    pub fn available(&self) -> u64 {
        self.permits.available_permits() as u64 * 1024
    }

    /// Reserves `bytes`, waiting while others hold the budget. Called from
    /// a blocking thread (the reader runs on one), never from async code.
    fn reserve(&self, bytes: u64) -> Result<tokio::sync::OwnedSemaphorePermit, NotRecording> {
        let kib = u32::try_from(bytes.div_ceil(1024)).map_err(|_| NotRecording::Busy)?;
        if let Ok(permit) = self.permits.clone().try_acquire_many_owned(kib) {
            return Ok(permit);
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Err(NotRecording::Busy);
        };
        let permits = self.permits.clone();
        runtime
            .block_on(tokio::time::timeout(
                self.wait,
                permits.acquire_many_owned(kib),
            ))
            .ok()
            .and_then(Result::ok)
            .ok_or(NotRecording::Busy)
    }
}

/// What the reader gathered of one channel.
#[derive(Debug)]
struct ChannelSeen {
    topic: String,
    schema_id: u16,
    message_encoding: String,
}

/// Everything read so far, apart from the reader's buffers.
#[derive(Debug, Default)]
struct Seen {
    profile: Option<String>,
    library: Option<String>,
    schemas: BTreeMap<u16, (String, String)>,
    channels: BTreeMap<u16, ChannelSeen>,
    counted: BTreeMap<u16, u64>,
    first_log_time: Option<u64>,
    last_log_time: Option<u64>,
    statistics: Option<(BTreeMap<u16, u64>, u64, u64)>,
    records: u64,
    decompressed: u64,
    /// While a chunk is read: the channels its indexes counted already.
    counted_by_index: Vec<u16>,
}

/// The records inside `chunk` (a chunk record's body), read as if they
/// stood in the data section, once the budget holds its declared size.
fn decompress(
    chunk: &[u8],
    seen: &mut Seen,
    budget: &MemoryBudget,
    record_limit: usize,
    counted_by_index: Vec<u16>,
) -> Result<(), NotRecording> {
    let Record::Chunk { header, .. } = mcap::parse_record(op::CHUNK, chunk)
        .map_err(|error| NotRecording::Damaged(error.to_string()))?
    else {
        return Err(NotRecording::Damaged("a chunk that is not one".to_owned()));
    };
    if header.uncompressed_size > record_limit as u64 {
        return Err(NotRecording::Damaged(format!(
            "a chunk of {} bytes decompressed is larger than {record_limit}",
            header.uncompressed_size
        )));
    }
    let _reserved = budget.reserve(header.uncompressed_size)?;
    seen.decompressed += 1;
    let options = LinearReaderOptions::default()
        .with_skip_start_magic(true)
        .with_skip_end_magic(true)
        .with_record_length_limit(record_limit);
    let mut reader = LinearReader::new_with_options(options);
    let mut input = Vec::with_capacity(chunk.len() + 9);
    input.push(op::CHUNK);
    input.extend_from_slice(&(chunk.len() as u64).to_le_bytes());
    input.extend_from_slice(chunk);
    let mut input = input.as_slice();
    let mut told_end = false;
    seen.counted_by_index = counted_by_index;
    let read = read_chunk(&mut reader, &mut input, &mut told_end, seen);
    seen.counted_by_index.clear();
    read
}

fn read_chunk(
    reader: &mut LinearReader,
    input: &mut &[u8],
    told_end: &mut bool,
    seen: &mut Seen,
) -> Result<(), NotRecording> {
    while let Some(event) = reader.next_event() {
        match event {
            Ok(LinearReadEvent::ReadRequest(_)) if !input.is_empty() => {
                reader.insert(input.len()).copy_from_slice(input);
                reader.notify_read(input.len());
                *input = &[];
            }
            Ok(LinearReadEvent::ReadRequest(_)) if !*told_end => {
                reader.notify_read(0);
                *told_end = true;
            }
            Ok(LinearReadEvent::ReadRequest(_)) => break,
            Ok(LinearReadEvent::Record { opcode, data }) => seen.record(opcode, data)?,
            Err(mcap::McapError::UnexpectedEof) if *told_end => break,
            Err(error) => return Err(NotRecording::Damaged(error.to_string())),
        }
    }
    Ok(())
}

/// A chunk read but not opened, and the channels its indexes named.
struct Pending {
    chunk: Vec<u8>,
    indexed: Vec<u16>,
}

impl Pending {
    /// Opens the chunk if its indexes do not say all that is needed: no
    /// indexes (a file cut short may lose them), or a channel whose
    /// definition is inside. Messages of indexed channels are not counted
    /// twice.
    fn settle(
        self,
        seen: &mut Seen,
        budget: &MemoryBudget,
        limit: usize,
    ) -> Result<(), NotRecording> {
        if self.indexed.is_empty()
            || self
                .indexed
                .iter()
                .any(|id| !seen.channels.contains_key(id))
        {
            return decompress(&self.chunk, seen, budget, limit, self.indexed);
        }
        Ok(())
    }
}

/// Reads a recording fed to it piece by piece.
pub struct RecordingReader {
    /// The reader, once the first bytes told a whole file from a tail.
    reader: Option<LinearReader>,
    /// The first bytes, until there are enough to tell.
    head: Vec<u8>,
    record_limit: usize,
    seen: Seen,
    /// The last chunk, until its message indexes (or their absence) are seen.
    pending: Option<Pending>,
    budget: MemoryBudget,
}

impl RecordingReader {
    /// A reader refusing any record larger than `record_limit` bytes (a
    /// chunk, compressed or decompressed, is one record), decompressing
    /// within `budget`.
    pub fn new(record_limit: usize, budget: MemoryBudget) -> Self {
        Self {
            reader: None,
            head: Vec::new(),
            record_limit,
            seen: Seen::default(),
            pending: None,
            budget,
        }
    }

    /// How many chunks had to be decompressed.
    pub fn decompressed(&self) -> u64 {
        self.seen.decompressed
    }

    /// Reads `bytes`, the next part of the body.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), NotRecording> {
        if self.reader.is_none() {
            self.head.extend_from_slice(bytes);
            if self.head.len() < MAGIC.len() {
                return Ok(());
            }
            let head = std::mem::take(&mut self.head);
            self.reader = Some(self.start(&head)?);
            return self.pump(&head, false);
        }
        self.pump(bytes, false)
    }

    /// The body has ended: the features read, or why there are none.
    pub fn finish(mut self) -> Result<McapFeatures, NotRecording> {
        if self.reader.is_none() {
            let head = std::mem::take(&mut self.head);
            if head.len() < MAGIC.len() {
                return Err(NotRecording::NotMcap);
            }
            self.reader = Some(self.start(&head)?);
            self.pump(&head, false)?;
        }
        self.pump(&[], true)?;
        if let Some(pending) = self.pending.take() {
            pending.settle(&mut self.seen, &self.budget, self.record_limit)?;
        }
        Ok(self.seen.features())
    }

    /// A reader for a whole file (it starts with the magic) or for the end
    /// of one (it starts with a summary record).
    fn start(&self, head: &[u8]) -> Result<LinearReader, NotRecording> {
        let options = LinearReaderOptions::default()
            .with_record_length_limit(self.record_limit)
            .with_emit_chunks(true);
        if head.starts_with(MAGIC) {
            return Ok(LinearReader::new_with_options(options));
        }
        let summary_record = [
            op::SCHEMA,
            op::CHANNEL,
            op::STATISTICS,
            op::CHUNK_INDEX,
            op::ATTACHMENT_INDEX,
            op::METADATA_INDEX,
            op::SUMMARY_OFFSET,
            op::FOOTER,
        ];
        if summary_record.contains(&head[0]) {
            return Ok(LinearReader::new_with_options(
                options.with_skip_start_magic(true),
            ));
        }
        Err(NotRecording::NotMcap)
    }

    /// Hands `bytes` to the reader and takes every record it can give; at
    /// the end, tells it there is no more.
    fn pump(&mut self, bytes: &[u8], at_end: bool) -> Result<(), NotRecording> {
        let Some(reader) = self.reader.as_mut() else {
            return Ok(());
        };
        let mut input = bytes;
        let mut told_end = false;
        loop {
            match reader.next_event() {
                None => return Ok(()),
                Some(Ok(LinearReadEvent::ReadRequest(_))) => {
                    if !input.is_empty() {
                        reader.insert(input.len()).copy_from_slice(input);
                        reader.notify_read(input.len());
                        input = &[];
                    } else if at_end && !told_end {
                        reader.notify_read(0);
                        told_end = true;
                    } else {
                        return Ok(());
                    }
                }
                Some(Ok(LinearReadEvent::Record { opcode, data })) => {
                    if opcode == op::MESSAGE_INDEX {
                        let channel = self.seen.message_index(data)?;
                        if let Some(pending) = self.pending.as_mut() {
                            pending.indexed.push(channel);
                        }
                        continue;
                    }
                    if let Some(pending) = self.pending.take() {
                        pending.settle(&mut self.seen, &self.budget, self.record_limit)?;
                    }
                    if opcode == op::CHUNK {
                        self.seen.chunk(data)?;
                        self.pending = Some(Pending {
                            chunk: data.to_vec(),
                            indexed: Vec::new(),
                        });
                    } else {
                        self.seen.record(opcode, data)?;
                    }
                }
                Some(Err(mcap::McapError::UnexpectedEof)) if self.seen.records > 0 => {
                    // Truncated: what was read until the data ended stands.
                    return Ok(());
                }
                Some(Err(error)) => {
                    return Err(if self.seen.records == 0 {
                        NotRecording::NotMcap
                    } else {
                        NotRecording::Damaged(error.to_string())
                    });
                }
            }
        }
    }
}

impl Seen {
    /// A chunk, not opened: its time span.
    fn chunk(&mut self, data: &[u8]) -> Result<(), NotRecording> {
        self.records += 1;
        // Message start and end time lead the record, little-endian.
        let (Some(start), Some(end)) = (data.get(..8), data.get(8..16)) else {
            return Err(NotRecording::Damaged(
                "a chunk record is too short".to_owned(),
            ));
        };
        let time = |bytes: &[u8]| {
            let mut buffer = [0u8; 8];
            buffer.copy_from_slice(bytes);
            u64::from_le_bytes(buffer)
        };
        let (start, end) = (time(start), time(end));
        // A chunk without messages says 0 and 0.
        if (start, end) != (0, 0) {
            self.log_time(start);
            self.log_time(end);
        }
        Ok(())
    }

    /// A chunk's message index for one channel: its messages counted; the
    /// channel.
    fn message_index(&mut self, data: &[u8]) -> Result<u16, NotRecording> {
        self.records += 1;
        let Record::MessageIndex(index) = mcap::parse_record(op::MESSAGE_INDEX, data)
            .map_err(|error| NotRecording::Damaged(error.to_string()))?
        else {
            return Err(NotRecording::Damaged(
                "a message index that is not one".to_owned(),
            ));
        };
        *self.counted.entry(index.channel_id).or_default() += index.records.len() as u64;
        for entry in &index.records {
            self.log_time(entry.log_time);
        }
        Ok(index.channel_id)
    }

    fn log_time(&mut self, log_time: u64) {
        self.first_log_time = Some(self.first_log_time.map_or(log_time, |t| t.min(log_time)));
        self.last_log_time = Some(self.last_log_time.map_or(log_time, |t| t.max(log_time)));
    }

    fn record(&mut self, opcode: u8, data: &[u8]) -> Result<(), NotRecording> {
        self.records += 1;
        if opcode == op::MESSAGE {
            // Counted without parsing the record: channel id (2 bytes),
            // sequence (4), log time (8), little-endian.
            let (Some(channel), Some(log_time)) = (data.get(..2), data.get(6..14)) else {
                return Err(NotRecording::Damaged(
                    "a message record is too short".to_owned(),
                ));
            };
            let channel = u16::from_le_bytes([channel[0], channel[1]]);
            if self.counted_by_index.contains(&channel) {
                return Ok(());
            }
            let mut time = [0u8; 8];
            time.copy_from_slice(log_time);
            let log_time = u64::from_le_bytes(time);
            *self.counted.entry(channel).or_default() += 1;
            self.log_time(log_time);
            return Ok(());
        }
        let record = mcap::parse_record(opcode, data)
            .map_err(|error| NotRecording::Damaged(error.to_string()))?;
        match record {
            Record::Header(header) => {
                self.profile = Some(header.profile);
                self.library = Some(header.library);
            }
            Record::Schema { header, .. } => {
                self.schemas
                    .insert(header.id, (header.name, header.encoding));
            }
            Record::Channel(channel) => {
                if !self.channels.contains_key(&channel.id) && self.channels.len() >= MAX_TOPICS {
                    return Err(NotRecording::TooManyChannels);
                }
                self.channels.insert(
                    channel.id,
                    ChannelSeen {
                        topic: channel.topic,
                        schema_id: channel.schema_id,
                        message_encoding: channel.message_encoding,
                    },
                );
            }
            Record::Statistics(statistics) => {
                self.statistics = Some((
                    statistics.channel_message_counts,
                    statistics.message_start_time,
                    statistics.message_end_time,
                ));
            }
            _ => {}
        }
        Ok(())
    }

    fn features(self) -> McapFeatures {
        let (counts, span) = match self.statistics {
            Some((counts, start, end)) => (counts, (end >= start).then(|| end - start)),
            None => {
                let span = self
                    .first_log_time
                    .zip(self.last_log_time)
                    .map(|(first, last)| last - first);
                (self.counted, span)
            }
        };
        let non_empty = |text: String| Some(text).filter(|t| !t.is_empty());
        let topics = self
            .channels
            .into_iter()
            .map(|(id, channel)| {
                let schema = self.schemas.get(&channel.schema_id);
                TopicFeature {
                    topic: channel.topic,
                    schema_name: schema.and_then(|(name, _)| non_empty(name.clone())),
                    schema_encoding: schema.and_then(|(_, encoding)| non_empty(encoding.clone())),
                    message_encoding: non_empty(channel.message_encoding),
                    message_count: Some(counts.get(&id).copied().unwrap_or(0)),
                }
            })
            .collect();
        McapFeatures {
            profile: self.profile,
            library: self.library,
            duration_ns: span,
            topics,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::path::PathBuf;

    use super::*;

    /// One recording as `fixtures/SOURCES.md` describes it (from the
    /// official reader's streaming read).
    #[derive(Debug)]
    struct Expected {
        file: String,
        profile: String,
        library: String,
        has_summary: bool,
        span_ms: u64,
        /// (topic, schema name, schema encoding, message encoding, count)
        topics: Vec<(String, String, String, String, u64)>,
        /// "649 channels …": how many, when they are not all listed.
        channel_count: Option<usize>,
    }

    fn fixtures() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
    }

    fn between<'a>(line: &'a str, start: &str, end: &str) -> &'a str {
        let from = line.find(start).unwrap() + start.len();
        let to = from + line[from..].find(end).unwrap();
        &line[from..to]
    }

    fn expected() -> Vec<Expected> {
        let sources = std::fs::read_to_string(fixtures().join("SOURCES.md")).unwrap();
        sources
            .lines()
            .filter(|line| line.starts_with("- `") && line.contains(".mcap` ("))
            .map(|line| {
                let from = line.find("Topics: ").unwrap() + "Topics: ".len();
                let topics_text = match line[from..].find(". Note") {
                    Some(end) => &line[from..from + end],
                    None => line[from..].trim_end_matches('.'),
                };
                // "649 channels with schema S [a/b], e.g. t1 (n1); t2 (n2), ..."
                let (channel_count, topics) = match topics_text.split_once(" channels with schema ")
                {
                    Some((count, rest)) => {
                        let (schema, rest) = rest.split_once(" [").unwrap();
                        let (encodings, rest) = rest.split_once("], e.g. ").unwrap();
                        let (schema_encoding, message_encoding) =
                            encodings.split_once('/').unwrap();
                        let topics = rest
                            .trim_end_matches('.')
                            .trim_end_matches(", ")
                            .split("; ")
                            .map(|topic| {
                                let (name, count) = topic.rsplit_once(" (").unwrap();
                                (
                                    name.to_owned(),
                                    schema.to_owned(),
                                    schema_encoding.to_owned(),
                                    message_encoding.to_owned(),
                                    count.trim_end_matches(')').parse().unwrap(),
                                )
                            })
                            .collect();
                        (Some(count.parse().unwrap()), topics)
                    }
                    None => {
                        let topics = topics_text
                            .split("; ")
                            .map(|topic| {
                                let (name, rest) = topic.split_once(": ").unwrap();
                                let (schema, rest) = rest.split_once(" [").unwrap();
                                let (encodings, count) = rest.split_once("] (").unwrap();
                                let (schema_encoding, message_encoding) =
                                    encodings.split_once('/').unwrap();
                                (
                                    name.to_owned(),
                                    schema.to_owned(),
                                    schema_encoding.to_owned(),
                                    message_encoding.to_owned(),
                                    count.trim_end_matches(')').parse().unwrap(),
                                )
                            })
                            .collect();
                        (None, topics)
                    }
                };
                let span: f64 = between(line, "log-time span: ", " s").parse().unwrap();
                Expected {
                    file: between(line, "- `", "`").to_owned(),
                    profile: between(line, "Profile: '", "'").to_owned(),
                    library: between(line, "library: '", "'").to_owned(),
                    has_summary: between(line, "summary section: ", ";") == "yes",
                    span_ms: (span * 1000.0).round() as u64,
                    topics,
                    channel_count,
                }
            })
            .collect()
    }

    fn budget() -> MemoryBudget {
        MemoryBudget::new(256 * 1024 * 1024, Duration::from_secs(1))
    }

    fn read(bytes: &[u8], piece: usize) -> Result<McapFeatures, NotRecording> {
        let mut reader = RecordingReader::new(64 * 1024 * 1024, budget());
        for part in bytes.chunks(piece) {
            reader.feed(part)?;
        }
        reader.finish()
    }

    /// Where the summary section starts, from the footer (0: none).
    fn summary_start(bytes: &[u8]) -> usize {
        let footer = bytes.len() - MAGIC.len() - 29;
        let start = &bytes[footer + 9..footer + 17];
        usize::try_from(u64::from_le_bytes(start.try_into().unwrap())).unwrap()
    }

    fn check(expected: &Expected, features: &McapFeatures, whole: bool) {
        let what = format!(
            "{} ({})",
            expected.file,
            if whole { "whole" } else { "tail" }
        );
        if whole {
            assert_eq!(
                features.profile.as_deref(),
                Some(expected.profile.as_str()),
                "{what}"
            );
            assert_eq!(
                features.library.as_deref(),
                Some(expected.library.as_str()),
                "{what}"
            );
        }
        let span_ms = features.duration_ns.unwrap() as f64 / 1e6;
        assert!(
            (span_ms - expected.span_ms as f64).abs() <= 1.0,
            "{what}: {span_ms}"
        );
        let total = expected.channel_count.unwrap_or(expected.topics.len());
        assert_eq!(features.topics.len(), total, "{what}");
        for (topic, schema, schema_encoding, message_encoding, count) in &expected.topics {
            let found = features
                .topics
                .iter()
                .find(|t| &t.topic == topic)
                .unwrap_or_else(|| panic!("{what}: no {topic}"));
            assert_eq!(
                found.schema_name.as_deref(),
                Some(schema.as_str()),
                "{what} {topic}"
            );
            assert_eq!(
                found.schema_encoding.as_deref(),
                Some(schema_encoding.as_str()),
                "{what} {topic}"
            );
            assert_eq!(
                found.message_encoding.as_deref(),
                Some(message_encoding.as_str()),
                "{what} {topic}"
            );
            assert_eq!(found.message_count, Some(*count), "{what} {topic}");
        }
    }

    #[test]
    fn every_fixture_recording_reads_as_the_official_reader_does() {
        let all = expected();
        assert_eq!(all.len(), 19);
        for expected in &all {
            let bytes = std::fs::read(fixtures().join("mcap").join(&expected.file)).unwrap();
            // Whole, in one piece and in pieces smaller than a record.
            for piece in [bytes.len(), 997] {
                let features = read(&bytes, piece).unwrap();
                check(expected, &features, true);
            }
            // Only the end: the summary section and the footer.
            if expected.has_summary {
                let tail = &bytes[summary_start(&bytes)..];
                let features = read(tail, 4096).unwrap();
                check(expected, &features, false);
            }
        }
    }

    #[test]
    fn what_is_not_mcap_is_refused() {
        for body in [
            &b""[..],
            b"\x89MCAP",
            b"{\"topics\": []}",
            b"PK\x03\x04 a zip file, not a recording",
            b"\x89MCAP0\r\n",
            b"\x89MCAP0\r\n\x01\xff\xff\xff\xff\xff\xff\xff\x7f",
        ] {
            assert!(read(body, 1024).is_err(), "{body:?}");
        }
    }
}
