//! `sora recommend`: what a recording holds, as little of it as the server
//! needs. A file with a summary section sends only its end (summary and
//! footer: a few KiB, whatever the recording's size); a file without one
//! (truncated, or written without a summary) is read here, and only its
//! topics and schema names are sent. The messages never leave the machine.

use std::collections::BTreeSet;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use anyhow::{Context, bail};
use serde_json::{Value, json};

const MAGIC: &[u8] = b"\x89MCAP0\r\n";
/// The footer record (opcode, length, summary start, summary offset start,
/// CRC) and the closing magic.
const FOOTER_AND_MAGIC: u64 = 1 + 8 + 8 + 8 + 4 + 8;

/// What to send for `path`.
pub enum Request {
    /// The file's end, from its summary section on, for `/from-mcap`.
    Tail(Vec<u8>),
    /// Topics and schema names, for `/api/recommendations`.
    Features(Value),
}

/// Where the summary section starts, if the file has a footer naming one.
fn summary_start(file: &mut std::fs::File, length: u64) -> anyhow::Result<Option<u64>> {
    if length < MAGIC.len() as u64 + FOOTER_AND_MAGIC {
        return Ok(None);
    }
    let mut end = vec![0; FOOTER_AND_MAGIC as usize];
    file.seek(SeekFrom::Start(length - FOOTER_AND_MAGIC))?;
    file.read_exact(&mut end)?;
    if &end[end.len() - MAGIC.len()..] != MAGIC || end[0] != 0x02 {
        return Ok(None);
    }
    let start = u64::from_le_bytes(end[9..17].try_into().context("a footer")?);
    Ok((start > 0 && start < length).then_some(start))
}

pub fn request(path: &Path) -> anyhow::Result<Request> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let length = file.metadata()?.len();
    let mut head = [0; 8];
    if file.read_exact(&mut head).is_err() || head != MAGIC {
        bail!("{} is not an MCAP file", path.display());
    }
    if let Some(start) = summary_start(&mut file, length)? {
        let mut tail = Vec::with_capacity(usize::try_from(length - start).unwrap_or(0));
        file.seek(SeekFrom::Start(start))?;
        file.read_to_end(&mut tail)?;
        return Ok(Request::Tail(tail));
    }
    // No summary: read the messages here, for their channels only.
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    file.read_to_end(&mut bytes)?;
    let mut topics = BTreeSet::new();
    if let Ok(stream) = mcap::MessageStream::new(&bytes) {
        // A truncated file ends in an error: what was read before it counts.
        for message in stream.map_while(Result::ok) {
            let schema = message
                .channel
                .schema
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_default();
            topics.insert((message.channel.topic.clone(), schema));
        }
    }
    if topics.is_empty() {
        bail!(
            "{} has no summary and no message could be read",
            path.display()
        );
    }
    let topics: Vec<Value> = topics
        .into_iter()
        .map(|(topic, schema)| json!({"topic": topic, "schema_name": schema}))
        .collect();
    Ok(Request::Features(json!({ "topics": topics })))
}
