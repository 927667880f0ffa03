//! Each replica keeps what Lichtblick polls most — a workspace's layouts
//! list — in memory, ready to send: the workspace's members and setting,
//! and each layout's JSON rendered once, read in one snapshot of
//! PostgreSQL when first asked for. A request then filters the rendered
//! layouts for its caller (personal layouts are their creator's alone) and
//! writes them out, without touching the database.
//!
//! A trigger announces every change to a workspace, its members or its
//! layouts (`file_server_workspaces`); every replica drops that workspace
//! (`jobs::team_sync`), within milliseconds, and the replica that wrote
//! drops it at once, so its writer reads their own write. While the
//! announcements are not being followed (starting, or the listening
//! connection lost) nothing is kept: every list is read from the database,
//! as before. A load that an announcement overtakes is not kept either.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bytes::{BufMut, Bytes, BytesMut};
use sora_common::auth::Claims;
use sqlx::{Connection, PgPool};

use crate::db;
use crate::db::workspaces::ListedLayout;
use crate::domain::workspace::{Access, MemberRole, Permission};

/// What the layouts lists of all workspaces may hold, in bytes.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// One layout as listed: who may see it, and its JSON.
struct Rendered {
    creator: String,
    permission: Permission,
    json: Bytes,
}

/// One workspace as its layouts list needs it.
pub struct TeamView {
    anonymous_read: bool,
    members: HashMap<String, MemberRole>,
    layouts: Vec<Rendered>,
    bytes: usize,
}

impl TeamView {
    /// The caller as this workspace sees them.
    pub fn access(&self, claims: Option<&Claims>) -> Access {
        let role = claims.and_then(|c| self.members.get(&c.sub).copied());
        Access::new(claims, role, self.anonymous_read)
    }

    /// `{"data": [...], "timestamp", "path"}` with the layouts `access` may
    /// see, as `lichtblick::envelope` would write it.
    pub fn envelope(&self, access: &Access, timestamp: &str, path: &str) -> Bytes {
        let seen: Vec<&Rendered> = self
            .layouts
            .iter()
            .filter(|l| access.may_see(&l.creator, l.permission))
            .collect();
        let size: usize = seen.iter().map(|l| l.json.len() + 1).sum();
        let mut out = BytesMut::with_capacity(size + path.len() + 96);
        out.put_slice(b"{\"data\":[");
        for (i, layout) in seen.iter().enumerate() {
            if i > 0 {
                out.put_u8(b',');
            }
            out.put_slice(&layout.json);
        }
        out.put_slice(b"],\"timestamp\":");
        out.put_slice(
            serde_json::to_string(timestamp)
                .unwrap_or_default()
                .as_bytes(),
        );
        out.put_slice(b",\"path\":");
        out.put_slice(serde_json::to_string(path).unwrap_or_default().as_bytes());
        out.put_u8(b'}');
        out.freeze()
    }
}

/// The workspaces' views this replica keeps.
pub struct TeamLists {
    views: moka::future::Cache<String, Arc<TeamView>>,
    /// Moves on with every change announced: a load that started before one
    /// is not kept.
    changes: AtomicU64,
    following: AtomicBool,
}

impl Default for TeamLists {
    fn default() -> Self {
        Self::new(MAX_BYTES)
    }
}

impl TeamLists {
    pub fn new(max_bytes: u64) -> Self {
        Self {
            views: moka::future::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|name: &String, view: &Arc<TeamView>| {
                    u32::try_from(name.len() + view.bytes).unwrap_or(u32::MAX)
                })
                .build(),
            changes: AtomicU64::new(0),
            following: AtomicBool::new(false),
        }
    }

    /// Bytes held, for the `cache_bytes` gauge.
    pub fn weighted_size(&self) -> u64 {
        self.views.weighted_size()
    }

    /// `workspace` as it is now (None: there is no such workspace), from
    /// memory when kept; `render` writes one layout's JSON.
    pub async fn view(
        &self,
        db: &PgPool,
        workspace: &str,
        render: impl Fn(ListedLayout) -> Bytes,
    ) -> sqlx::Result<Option<Arc<TeamView>>> {
        let following = self.following.load(Ordering::Acquire);
        if following && let Some(view) = self.views.get(workspace).await {
            return Ok(Some(view));
        }
        let changes = self.changes.load(Ordering::Acquire);
        let Some(view) = load(db, workspace, render).await? else {
            return Ok(None);
        };
        let view = Arc::new(view);
        if following
            && self.following.load(Ordering::Acquire)
            && self.changes.load(Ordering::Acquire) == changes
        {
            self.views.insert(workspace.to_owned(), view.clone()).await;
            // An announcement between the check and the insert: undo.
            if self.changes.load(Ordering::Acquire) != changes {
                self.views.invalidate(workspace).await;
            }
        }
        Ok(Some(view))
    }

    /// `workspace` changed: what is kept of it goes.
    pub async fn changed(&self, workspace: &str) {
        self.changes.fetch_add(1, Ordering::AcqRel);
        self.views.invalidate(workspace).await;
    }

    /// Announcements are followed from now on (true), after everything kept
    /// was dropped; or they may be missed (false), and nothing is kept.
    pub fn following(&self, following: bool) {
        self.changes.fetch_add(1, Ordering::AcqRel);
        if !following {
            self.following.store(false, Ordering::Release);
        }
        self.views.invalidate_all();
        if following {
            self.following.store(true, Ordering::Release);
        }
    }
}

/// The workspace, its members and its layouts in one snapshot.
async fn load(
    db: &PgPool,
    workspace: &str,
    render: impl Fn(ListedLayout) -> Bytes,
) -> sqlx::Result<Option<TeamView>> {
    let mut conn = db.acquire().await?;
    let mut tx = conn.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let Some(row) = db::workspaces::get(&mut tx, workspace).await? else {
        return Ok(None);
    };
    let members = db::workspaces::members(&mut tx, workspace)
        .await?
        .into_iter()
        .filter_map(|m| Some((m.user_id, MemberRole::parse(&m.role)?)))
        .collect();
    let layouts: Vec<Rendered> = db::workspaces::layouts(&mut tx, workspace)
        .await?
        .into_iter()
        .map(|layout| Rendered {
            creator: layout.creator.clone(),
            permission: Permission::of(&layout.permission),
            json: render(layout),
        })
        .collect();
    tx.commit().await?;
    let bytes = layouts
        .iter()
        .map(|l| l.json.len() + l.creator.len() + 32)
        .sum();
    Ok(Some(TeamView {
        anonymous_read: row.anonymous_read,
        members,
        layouts,
        bytes,
    }))
}
