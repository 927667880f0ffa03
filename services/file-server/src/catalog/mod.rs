//! The catalog read model: every extension and layout, in memory on each
//! replica, with its search words and public JSON rendered once per change.
//! Lists, search, details, versions, marketplace.json and the look-up behind
//! a download read an immutable [`Snapshot`] and never wait on PostgreSQL.
//!
//! Writes go to PostgreSQL first; a trigger announces each changed item, and
//! every replica reloads the items announced (`jobs::catalog_sync`), within
//! milliseconds. The replica that wrote reloads at once, so its answer
//! already shows the change. A replica that may have missed announcements
//! (its listening connection dropped) reloads everything.

mod entries;
pub mod views;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use bytes::Bytes;
use sqlx::PgConnection;
use uuid::Uuid;

pub use entries::{ExtensionEntry, LayoutEntry, StoredFile, VersionEntry};

use crate::db;
use sora_package::signing::Signer;

use crate::domain::ids::ExtensionId;
use crate::domain::listing::Listing;

/// Items whose rows changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    pub extensions: Vec<String>,
    pub layouts: Vec<Uuid>,
}

impl Changes {
    pub fn extension(id: &ExtensionId) -> Self {
        Self {
            extensions: vec![id.to_string()],
            layouts: Vec::new(),
        }
    }

    pub fn layout(id: Uuid) -> Self {
        Self {
            extensions: Vec::new(),
            layouts: vec![id],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.extensions.is_empty() && self.layouts.is_empty()
    }

    /// Adds the item a `file_server_catalog` announcement names.
    pub fn add_announcement(&mut self, payload: &str) {
        match payload.split_once(':') {
            Some(("extension", id)) if !self.extensions.iter().any(|e| e == id) => {
                self.extensions.push(id.to_owned());
            }
            Some(("layout", id)) => {
                if let Ok(id) = Uuid::parse_str(id)
                    && !self.layouts.contains(&id)
                {
                    self.layouts.push(id);
                }
            }
            _ => {}
        }
    }

    pub fn len(&self) -> usize {
        self.extensions.len() + self.layouts.len()
    }
}

/// The catalog as it was after one change: never modified, replaced whole.
pub struct Snapshot {
    extensions: HashMap<String, Arc<ExtensionEntry>>,
    layouts: HashMap<Uuid, Arc<LayoutEntry>>,
    listed_extensions: Listing<ExtensionEntry>,
    listed_layouts: Listing<LayoutEntry>,
    marketplace_json: Bytes,
    /// The server's signature of `marketplace_json` (base64 Ed25519 of its
    /// SHA-256 digest).
    marketplace_signature: String,
}

impl Snapshot {
    /// Any extension, hidden or not.
    pub fn extension(&self, id: &ExtensionId) -> Option<&Arc<ExtensionEntry>> {
        self.extensions.get(id.as_str())
    }

    pub fn layout(&self, id: Uuid) -> Option<&Arc<LayoutEntry>> {
        self.layouts.get(&id)
    }

    /// Listed extensions, in every order, searchable.
    pub fn listed_extensions(&self) -> &Listing<ExtensionEntry> {
        &self.listed_extensions
    }

    pub fn listed_layouts(&self) -> &Listing<LayoutEntry> {
        &self.listed_layouts
    }

    /// The Foxglove marketplace index of every listed extension.
    pub fn marketplace_json(&self) -> Bytes {
        self.marketplace_json.clone()
    }

    /// The server's signature of [`Snapshot::marketplace_json`].
    pub fn marketplace_signature(&self) -> &str {
        &self.marketplace_signature
    }

    /// Every extension, listed or not (for the overview's figures).
    pub fn extensions(&self) -> impl Iterator<Item = &Arc<ExtensionEntry>> {
        self.extensions.values()
    }

    fn with(
        extensions: HashMap<String, Arc<ExtensionEntry>>,
        layouts: HashMap<Uuid, Arc<LayoutEntry>>,
        base: &str,
        signer: &Signer,
    ) -> Self {
        let listed: Vec<Arc<ExtensionEntry>> = extensions
            .values()
            .filter(|e| e.listed())
            .cloned()
            .collect();
        let mut by_id = listed.clone();
        by_id.sort_by(|a, b| a.row.id.cmp(&b.row.id));
        let listed_extensions = Listing::new(listed);
        let listed_layouts = Listing::new(layouts.values().cloned().collect());
        let index: Vec<_> = by_id
            .iter()
            .filter_map(|e| e.marketplace_entry(base))
            .collect();
        let marketplace_json = serde_json::to_vec(&index)
            .map(Bytes::from)
            .unwrap_or_else(|_| Bytes::from_static(b"[]"));
        let marketplace_signature = signer.sign(&marketplace_json);
        Self {
            extensions,
            layouts,
            listed_extensions,
            listed_layouts,
            marketplace_json,
            marketplace_signature,
        }
    }
}

/// The replica's catalog: the current snapshot, replaced on every change.
pub struct Catalog {
    current: RwLock<Arc<Snapshot>>,
    /// Serialises reloads, so an older read never replaces a newer one.
    reloading: tokio::sync::Mutex<()>,
    /// Public base URL, without a trailing slash, for absolute links.
    base_url: String,
    /// Signs the marketplace index of each snapshot.
    signer: Signer,
}

impl Catalog {
    pub fn new(base_url: &str, signer: Signer) -> Self {
        let empty = Snapshot::with(HashMap::new(), HashMap::new(), base_url, &signer);
        Self {
            current: RwLock::new(Arc::new(empty)),
            reloading: tokio::sync::Mutex::new(()),
            base_url: base_url.trim_end_matches('/').to_owned(),
            signer,
        }
    }

    /// The id of the key that signs the marketplace index, and its public half.
    pub fn index_key(&self) -> (String, String) {
        (self.signer.id(), self.signer.public())
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The catalog as it is now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn replace(&self, snapshot: Snapshot) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
    }

    /// Reads everything again.
    pub async fn load_all(&self, conn: &mut PgConnection) -> sqlx::Result<()> {
        let _serial = self.reloading.lock().await;
        let extensions = self.load_extensions(conn, None).await?;
        let layouts = self.load_layouts(conn, None).await?;
        self.replace(Snapshot::with(
            extensions.into_iter().collect(),
            layouts.into_iter().collect(),
            &self.base_url,
            &self.signer,
        ));
        Ok(())
    }

    /// Reads the `changes`' items again (an item gone from the database
    /// leaves the catalog).
    pub async fn reload(&self, conn: &mut PgConnection, changes: &Changes) -> sqlx::Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let _serial = self.reloading.lock().await;
        let fresh_extensions = if changes.extensions.is_empty() {
            Vec::new()
        } else {
            self.load_extensions(conn, Some(&changes.extensions))
                .await?
        };
        let fresh_layouts = if changes.layouts.is_empty() {
            Vec::new()
        } else {
            self.load_layouts(conn, Some(&changes.layouts)).await?
        };
        let old = self.snapshot();
        let mut extensions = old.extensions.clone();
        for id in &changes.extensions {
            extensions.remove(id);
        }
        extensions.extend(fresh_extensions);
        let mut layouts = old.layouts.clone();
        for id in &changes.layouts {
            layouts.remove(id);
        }
        layouts.extend(fresh_layouts);
        self.replace(Snapshot::with(
            extensions,
            layouts,
            &self.base_url,
            &self.signer,
        ));
        Ok(())
    }

    async fn load_extensions(
        &self,
        conn: &mut PgConnection,
        ids: Option<&[String]>,
    ) -> sqlx::Result<Vec<(String, Arc<ExtensionEntry>)>> {
        let rows = db::extensions::load(conn, ids).await?;
        let mut versions: HashMap<String, Vec<db::extensions::VersionRow>> = HashMap::new();
        for version in db::extensions::load_versions(conn, ids).await? {
            versions
                .entry(version.extension_id.clone())
                .or_default()
                .push(version);
        }
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let id = row.id.clone();
                let versions = versions.remove(&id).unwrap_or_default();
                let entry = ExtensionEntry::build(row, versions, &self.base_url);
                if entry.is_none() {
                    tracing::warn!(id, "an extension row could not be read into the catalog");
                }
                Some((id, Arc::new(entry?)))
            })
            .collect())
    }

    async fn load_layouts(
        &self,
        conn: &mut PgConnection,
        ids: Option<&[Uuid]>,
    ) -> sqlx::Result<Vec<(Uuid, Arc<LayoutEntry>)>> {
        Ok(db::layouts::load(conn, ids)
            .await?
            .into_iter()
            .filter_map(|row| {
                let entry = LayoutEntry::build(row, &self.base_url)?;
                Some((entry.id(), Arc::new(entry)))
            })
            .collect())
    }
}
