//! The SQLite database: schema and migrations, recording scans, reading them
//! back.
//!
//! Consistency: WAL mode, and every scan is committed in one `BEGIN
//! IMMEDIATE` transaction, so a reader sees a scan whole or not at all and a
//! `kill -9` mid-write leaves the previous state. Resource bodies may be
//! flushed in earlier, smaller transactions while a big scan runs; they are
//! content-addressed and idempotent, so an interrupted scan leaves at most
//! unreferenced versions, which [`Store::verify`] tolerates and the next scan
//! of the same content reuses.

use crate::{codec, StateError};
use assay_engine::finding::Finding;
use assay_engine::Resource;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A 128-bit content hash (the first half of a SHA-256).
pub type Hash = [u8; 16];

/// Schema migrations, in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[&str] = &[
    r"
CREATE TABLE versions (
    id       INTEGER PRIMARY KEY,
    hash     BLOB NOT NULL UNIQUE,
    resource TEXT NOT NULL,
    body     BLOB NOT NULL
);
CREATE TABLE findings (
    id          INTEGER PRIMARY KEY,
    hash        BLOB NOT NULL UNIQUE,
    fingerprint TEXT NOT NULL,
    body        TEXT NOT NULL
);
CREATE TABLE scans (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    target         TEXT NOT NULL,
    origin         TEXT NOT NULL,
    started        TEXT NOT NULL,
    finished       TEXT NOT NULL,
    tool_version   TEXT NOT NULL,
    packs          TEXT NOT NULL,
    summary        TEXT NOT NULL,
    compliance     TEXT NOT NULL,
    errors         TEXT NOT NULL,
    exit_code      INTEGER NOT NULL,
    resource_count INTEGER NOT NULL,
    finding_count  INTEGER NOT NULL,
    resources      BLOB NOT NULL,
    findings       BLOB NOT NULL
);
CREATE INDEX scans_by_target ON scans(target, id);
CREATE TABLE baselines (
    name      TEXT PRIMARY KEY,
    created   TEXT NOT NULL,
    source    TEXT NOT NULL,
    resources BLOB NOT NULL
);
CREATE TABLE notifications (
    id       INTEGER PRIMARY KEY,
    scan_id  INTEGER NOT NULL REFERENCES scans(id),
    route    TEXT NOT NULL,
    status   TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    detail   TEXT NOT NULL,
    at       TEXT NOT NULL
);
",
    r"
CREATE TABLE jobs (
    name     TEXT PRIMARY KEY,
    last_run INTEGER NOT NULL,
    last_scan INTEGER
);
",
    r"
CREATE TABLE actions (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    target      TEXT NOT NULL,
    resource    TEXT NOT NULL,
    rules       TEXT NOT NULL,
    change      TEXT NOT NULL,
    before      TEXT NOT NULL,
    after       TEXT NOT NULL,
    result      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    rollback_of INTEGER REFERENCES actions(id)
);
",
];

/// The newest schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Bytes of pending new bodies after which a recorder flushes them.
const FLUSH_BYTES: usize = 32 << 20;

/// One recorded scan, without its contents.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ScanMeta {
    /// Scan id.
    pub id: i64,
    /// What was scanned (`files:k8s/`, `k8s:prod`, `aws:default/eu-west-1`, or a name).
    pub target: String,
    /// `scan`, `watch`, or `schedule:<job>`.
    pub origin: String,
    /// Start time, RFC 3339.
    pub started: String,
    /// End time, RFC 3339.
    pub finished: String,
    /// `assay` version.
    pub tool_version: String,
    /// Packs or policy paths evaluated.
    pub packs: Vec<String>,
    /// The report summary (counts).
    pub summary: Value,
    /// Per-framework compliance.
    #[serde(skip)]
    pub compliance: Value,
    /// Exit code of the scan.
    pub exit_code: i32,
    /// Resources seen.
    pub resources: usize,
    /// Findings made.
    pub findings: usize,
}

/// What a new scan row says besides its contents.
#[derive(Clone, Debug)]
pub struct NewScan<'a> {
    /// Target.
    pub target: &'a str,
    /// Origin.
    pub origin: &'a str,
    /// Start, RFC 3339.
    pub started: &'a str,
    /// End, RFC 3339.
    pub finished: &'a str,
    /// `assay` version.
    pub tool_version: &'a str,
    /// Packs or policy paths.
    pub packs: &'a [String],
    /// Report summary.
    pub summary: Value,
    /// Compliance summaries.
    pub compliance: Value,
    /// Input errors.
    pub errors: Value,
    /// Exit code.
    pub exit_code: i32,
    /// The findings.
    pub findings: &'a [Finding],
}

/// A remediation action to record.
#[derive(Clone, Debug)]
pub struct NewAction<'a> {
    /// When, RFC 3339.
    pub at: &'a str,
    /// Who (`user@host`).
    pub actor: &'a str,
    /// Where (`k8s:ctx`, `aws:profile/region`).
    pub target: &'a str,
    /// The resource changed.
    pub resource: &'a str,
    /// Rules whose findings it answers.
    pub rules: &'a [String],
    /// The planned change (with its rollback).
    pub change: &'a Value,
    /// The state before.
    pub before: &'a Value,
    /// The state after (or the error).
    pub after: &'a Value,
    /// `applied`, `failed`, `conflict`, `rollback`.
    pub result: &'a str,
    /// Detail.
    pub detail: &'a str,
    /// The action this one undoes.
    pub rollback_of: Option<i64>,
}

/// A recorded remediation action.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Action {
    /// Id.
    pub id: i64,
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// Where.
    pub target: String,
    /// Resource.
    pub resource: String,
    /// Rules.
    pub rules: Vec<String>,
    /// The change.
    pub change: Value,
    /// Before.
    pub before: Value,
    /// After.
    pub after: Value,
    /// Result (`applied`, `rolled-back`, `failed`, `conflict`, `rollback`).
    pub result: String,
    /// Detail.
    pub detail: String,
    /// The action this one undoes.
    pub rollback_of: Option<i64>,
}

/// One resource in a [`View`].
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Content hash of identity and body.
    pub hash: Hash,
    /// Row id in the store, when stored.
    pub version: Option<i64>,
    /// The body, when loaded.
    pub body: Option<Value>,
}

/// A state to compare: resources by identity, and findings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct View {
    /// `scan 42`, or a file name.
    pub label: String,
    /// Resources by printable identity.
    pub resources: BTreeMap<String, Entry>,
    /// Findings (empty for a bare snapshot).
    pub findings: Vec<Finding>,
}

impl View {
    /// A view of resources in memory (a snapshot, files, a live collection).
    pub fn of_resources(label: &str, resources: &[Resource], findings: Vec<Finding>) -> View {
        let resources = resources
            .iter()
            .map(|r| {
                let key = r.id.to_string();
                let body = serde_json::to_vec(&r.body).unwrap_or_default();
                (
                    key.clone(),
                    Entry {
                        hash: content_hash(&key, &body),
                        version: None,
                        body: Some(r.body.clone()),
                    },
                )
            })
            .collect();
        View {
            label: label.to_string(),
            resources,
            findings,
        }
    }
}

/// SHA-256 of `key`, a NUL, and `body`, cut to 128 bits.
pub fn content_hash(key: &str, body: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(key.as_bytes());
    h.update([0u8]);
    h.update(body);
    let full = h.finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(full.get(..16).unwrap_or(&[0u8; 16]));
    out
}

/// The embedded database.
pub struct Store {
    conn: Connection,
    path: String,
    /// Version ids by hash, read once and kept up to date by this store's
    /// own commits (ids never change), so a long-running watcher does not
    /// re-read the whole index for every recording. Versions other
    /// processes add are simply found again on insert.
    known: std::cell::RefCell<Option<Arc<HashMap<Hash, i64>>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// `$XDG_STATE_HOME/assay/state.db`, else `~/.local/state/assay/state.db`.
pub fn default_path() -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("state")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("assay").join("state.db")
}

/// How long a writer waits for another to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// The database was busy or locked by another connection.
fn is_busy(e: &StateError) -> bool {
    matches!(e, StateError::Sqlite { source, .. } if matches!(
        source.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    ))
}

/// `open` again while SQLite answers "database is locked" at once, without
/// waiting out the busy timeout: it does so to a connection made while
/// another process switches a fresh database to WAL or recovers its WAL
/// index — when several scans record at once.
fn retry_busy<T>(mut open: impl FnMut() -> Result<T, StateError>) -> Result<T, StateError> {
    let started = std::time::Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        match open() {
            Err(e) if is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

fn connect(path: &Path) -> Result<Connection, StateError> {
    let name = path.display().to_string();
    let sql = |source| StateError::Sqlite {
        path: name.clone(),
        source,
    };
    let conn = Connection::open(path).map_err(sql)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(sql)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(sql)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(sql)?;
    Ok(conn)
}

impl Store {
    /// Open (creating and migrating as needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StateError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StateError::Io {
                path: dir.display().to_string(),
                source,
            })?;
        }
        retry_busy(|| {
            let mut store = Store {
                conn: connect(path)?,
                path: path.display().to_string(),
                known: std::cell::RefCell::new(None),
            };
            store.migrate().map(|()| store)
        })
    }

    /// Where the database lives.
    pub fn path(&self) -> &str {
        &self.path
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> StateError + '_ {
        move |source| StateError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn corrupt(&self, detail: impl Into<String>) -> StateError {
        StateError::Corrupt {
            path: self.path.clone(),
            detail: detail.into(),
        }
    }

    fn migrate(&mut self) -> Result<(), StateError> {
        let path = self.path.clone();
        let sql = |source| StateError::Sqlite {
            path: path.clone(),
            source,
        };
        // Two processes may open a fresh database at once: migrate under a
        // write lock and re-read the version inside it.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let found: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql)?;
        if found > SCHEMA_VERSION {
            return Err(StateError::TooNew {
                path,
                found,
                known: SCHEMA_VERSION,
            });
        }
        for (i, step) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(found).unwrap_or(0))
        {
            tx.execute_batch(step).map_err(sql)?;
            tx.pragma_update(
                None,
                "user_version",
                i64::try_from(i + 1).unwrap_or(i64::MAX),
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StateError> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(self.sql())
    }

    /// A recorder for one scan: add resources from any thread, then
    /// [`Store::commit_scan`]. It has a connection of its own.
    pub fn recorder(&self) -> Result<Recorder, StateError> {
        let conn = retry_busy(|| connect(Path::new(&self.path)))?;
        let cached = self.known.borrow().clone();
        let known = match cached {
            Some(k) => k,
            None => {
                let mut known = HashMap::new();
                let mut stmt = conn
                    .prepare("SELECT hash, id FROM versions")
                    .map_err(self.sql())?;
                let rows = stmt
                    .query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)))
                    .map_err(self.sql())?;
                for row in rows {
                    let (h, id) = row.map_err(self.sql())?;
                    if let Ok(h) = Hash::try_from(h.as_slice()) {
                        known.insert(h, id);
                    }
                }
                let known = Arc::new(known);
                *self.known.borrow_mut() = Some(known.clone());
                known
            }
        };
        Ok(Recorder {
            known,
            path: self.path.clone(),
            inner: Mutex::new(Pending {
                conn,
                members: Vec::new(),
                bodies: Vec::new(),
                queued: HashSet::new(),
                bytes: 0,
                flushed: HashMap::new(),
                error: None,
            }),
        })
    }

    /// Flush a recorder; its new versions join the cache of known ones.
    fn finish_recorder(&self, rec: Recorder) -> Result<Vec<i64>, StateError> {
        let (ids, flushed) = rec.finish()?;
        if let Some(known) = self.known.borrow_mut().as_mut() {
            // The recorder's reference is gone: this does not copy.
            Arc::make_mut(known).extend(flushed);
        }
        Ok(ids)
    }

    /// Write one scan, whole, in one transaction; returns its id.
    pub fn commit_scan(&mut self, rec: Recorder, scan: &NewScan<'_>) -> Result<i64, StateError> {
        let versions = self.finish_recorder(rec)?;
        let path = self.path.clone();
        let sql = |source| StateError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let mut finding_ids = Vec::with_capacity(scan.findings.len());
        for f in scan.findings {
            let body = serde_json::to_string(f).unwrap_or_default();
            let hash = content_hash(&f.fingerprint, body.as_bytes());
            finding_ids.push(
                intern(&tx, "findings", "fingerprint", &hash, &f.fingerprint, &body)
                    .map_err(sql)?,
            );
        }
        let packs = serde_json::to_string(scan.packs).unwrap_or_default();
        tx.execute(
            "INSERT INTO scans (target, origin, started, finished, tool_version, packs, summary,
                                compliance, errors, exit_code, resource_count, finding_count,
                                resources, findings)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                scan.target,
                scan.origin,
                scan.started,
                scan.finished,
                scan.tool_version,
                packs,
                scan.summary.to_string(),
                scan.compliance.to_string(),
                scan.errors.to_string(),
                scan.exit_code,
                i64::try_from(versions.len()).unwrap_or(i64::MAX),
                i64::try_from(finding_ids.len()).unwrap_or(i64::MAX),
                codec::encode(&versions),
                codec::encode(&finding_ids),
            ],
        )
        .map_err(sql)?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(sql)?;
        Ok(id)
    }

    fn meta_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ScanMeta> {
        let json = |s: String| serde_json::from_str::<Value>(&s).unwrap_or(Value::Null);
        Ok(ScanMeta {
            id: r.get(0)?,
            target: r.get(1)?,
            origin: r.get(2)?,
            started: r.get(3)?,
            finished: r.get(4)?,
            tool_version: r.get(5)?,
            packs: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
            summary: json(r.get(7)?),
            compliance: json(r.get(8)?),
            exit_code: r.get(9)?,
            resources: usize::try_from(r.get::<_, i64>(10)?).unwrap_or(0),
            findings: usize::try_from(r.get::<_, i64>(11)?).unwrap_or(0),
        })
    }

    const META: &'static str = "SELECT id, target, origin, started, finished, tool_version, packs, summary, compliance, exit_code, resource_count, finding_count FROM scans";

    /// Recorded scans, newest first (of one target, or all), at most `limit`.
    pub fn history(&self, target: Option<&str>, limit: usize) -> Result<Vec<ScanMeta>, StateError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut out = Vec::new();
        let q = format!(
            "{} WHERE (?1 IS NULL OR target = ?1) ORDER BY id DESC LIMIT ?2",
            Self::META
        );
        let mut stmt = self.conn.prepare(&q).map_err(self.sql())?;
        let rows = stmt
            .query_map(params![target, limit], Self::meta_row)
            .map_err(self.sql())?;
        for row in rows {
            out.push(row.map_err(self.sql())?);
        }
        Ok(out)
    }

    /// One scan's metadata.
    pub fn scan(&self, id: i64) -> Result<ScanMeta, StateError> {
        let q = format!("{} WHERE id = ?1", Self::META);
        self.conn
            .query_row(&q, params![id], Self::meta_row)
            .optional()
            .map_err(self.sql())?
            .ok_or_else(|| StateError::NoScan(id.to_string()))
    }

    /// Resolve `42`, `latest`, `latest~N` (optionally within one target).
    pub fn resolve(&self, reference: &str, target: Option<&str>) -> Result<i64, StateError> {
        if let Ok(id) = reference.parse::<i64>() {
            return self.scan(id).map(|m| m.id);
        }
        let back = match reference.strip_prefix("latest") {
            Some("") => 0,
            Some(rest) => rest
                .strip_prefix('~')
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| StateError::NoScan(reference.to_string()))?,
            None => return Err(StateError::NoScan(reference.to_string())),
        };
        self.history(target, back + 1)?
            .get(back)
            .map(|m| m.id)
            .ok_or_else(|| StateError::NoScan(reference.to_string()))
    }

    fn set_of(&self, bytes: &[u8], what: &str) -> Result<Vec<i64>, StateError> {
        codec::decode(bytes).ok_or_else(|| self.corrupt(format!("{what} set does not decode")))
    }

    /// A scan's resources (identities and hashes, bodies not loaded) and findings.
    pub fn view(&self, id: i64) -> Result<View, StateError> {
        let (res, fin): (Vec<u8>, Vec<u8>) = self
            .conn
            .query_row(
                "SELECT resources, findings FROM scans WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(self.sql())?
            .ok_or_else(|| StateError::NoScan(id.to_string()))?;
        let resources = self.entries(&self.set_of(&res, "resource")?)?;
        let mut findings = Vec::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT body FROM findings WHERE id = ?1")
            .map_err(self.sql())?;
        for fid in self.set_of(&fin, "finding")? {
            let body: String = stmt
                .query_row(params![fid], |r| r.get(0))
                .map_err(self.sql())?;
            findings.push(
                serde_json::from_str(&body)
                    .map_err(|e| self.corrupt(format!("finding {fid}: {e}")))?,
            );
        }
        Ok(View {
            label: format!("scan {id}"),
            resources,
            findings,
        })
    }

    fn entries(&self, ids: &[i64]) -> Result<BTreeMap<String, Entry>, StateError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT resource, hash FROM versions WHERE id = ?1")
            .map_err(self.sql())?;
        let mut out = BTreeMap::new();
        for &id in ids {
            let (key, hash): (String, Vec<u8>) = stmt
                .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(self.sql())?;
            let hash = Hash::try_from(hash.as_slice())
                .map_err(|_| self.corrupt(format!("version {id} has a bad hash")))?;
            out.insert(
                key,
                Entry {
                    hash,
                    version: Some(id),
                    body: None,
                },
            );
        }
        Ok(out)
    }

    /// Load the bodies of the given entries of `view` (those not loaded yet).
    pub fn load_bodies<'k>(
        &self,
        view: &mut View,
        keys: impl IntoIterator<Item = &'k String>,
    ) -> Result<(), StateError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT body FROM versions WHERE id = ?1")
            .map_err(self.sql())?;
        for key in keys {
            let Some(entry) = view.resources.get_mut(key) else {
                continue;
            };
            let (Some(id), None) = (entry.version, &entry.body) else {
                continue;
            };
            let bytes: Vec<u8> = stmt
                .query_row(params![id], |r| r.get(0))
                .map_err(self.sql())?;
            entry.body = Some(
                serde_json::from_slice(&bytes)
                    .map_err(|e| self.corrupt(format!("version {id}: {e}")))?,
            );
        }
        Ok(())
    }

    /// Bless a desired state under `name`: the resources a recorder saw.
    pub fn set_baseline(
        &mut self,
        name: &str,
        source: &str,
        created: &str,
        rec: Recorder,
    ) -> Result<usize, StateError> {
        let versions = self.finish_recorder(rec)?;
        self.write_baseline(name, source, created, &versions)?;
        Ok(versions.len())
    }

    /// Bless a recorded scan's resources under `name`.
    pub fn set_baseline_from_scan(
        &mut self,
        name: &str,
        scan: i64,
        created: &str,
    ) -> Result<usize, StateError> {
        let res: Vec<u8> = self
            .conn
            .query_row(
                "SELECT resources FROM scans WHERE id = ?1",
                params![scan],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql())?
            .ok_or_else(|| StateError::NoScan(scan.to_string()))?;
        let versions = self.set_of(&res, "resource")?;
        self.write_baseline(name, &format!("scan {scan}"), created, &versions)?;
        Ok(versions.len())
    }

    fn write_baseline(
        &mut self,
        name: &str,
        source: &str,
        created: &str,
        versions: &[i64],
    ) -> Result<(), StateError> {
        self.conn
            .execute(
                "INSERT INTO baselines (name, created, source, resources) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(name) DO UPDATE SET created = excluded.created,
                     source = excluded.source, resources = excluded.resources",
                params![name, created, source, codec::encode(versions)],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// A baseline's description and its resources with bodies.
    pub fn baseline(&self, name: &str) -> Result<(String, String, View), StateError> {
        let (created, source, res): (String, String, Vec<u8>) = self
            .conn
            .query_row(
                "SELECT created, source, resources FROM baselines WHERE name = ?1",
                params![name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(self.sql())?
            .ok_or_else(|| StateError::NoBaseline(name.to_string()))?;
        let mut view = View {
            label: format!("baseline {name}"),
            resources: self.entries(&self.set_of(&res, "resource")?)?,
            findings: Vec::new(),
        };
        let keys: Vec<String> = view.resources.keys().cloned().collect();
        self.load_bodies(&mut view, &keys)?;
        Ok((created, source, view))
    }

    /// Every baseline: name, created, source, resource count.
    pub fn baselines(&self) -> Result<Vec<(String, String, String, usize)>, StateError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, created, source, resources FROM baselines ORDER BY name")
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                ))
            })
            .map_err(self.sql())?;
        let mut out = Vec::new();
        for row in rows {
            let (n, c, s, set) = row.map_err(self.sql())?;
            let count = self.set_of(&set, "resource")?.len();
            out.push((n, c, s, count));
        }
        Ok(out)
    }

    /// Record a notification attempt.
    pub fn record_notification(
        &self,
        scan: i64,
        route: &str,
        status: &str,
        attempts: u32,
        detail: &str,
        at: &str,
    ) -> Result<(), StateError> {
        self.conn
            .execute(
                "INSERT INTO notifications (scan_id, route, status, attempts, detail, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![scan, route, status, attempts, detail, at],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// Notification attempts of a scan: (route, status, attempts, detail).
    pub fn notifications(
        &self,
        scan: i64,
    ) -> Result<Vec<(String, String, u32, String)>, StateError> {
        let mut stmt = self
            .conn
            .prepare("SELECT route, status, attempts, detail FROM notifications WHERE scan_id = ?1 ORDER BY id")
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![scan], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// When a scheduled job last started (unix seconds) and its last scan.
    pub fn job_last_run(&self, name: &str) -> Result<Option<(u64, Option<i64>)>, StateError> {
        self.conn
            .query_row(
                "SELECT last_run, last_scan FROM jobs WHERE name = ?1",
                params![name],
                |r| Ok((u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0), r.get(1)?)),
            )
            .optional()
            .map_err(self.sql())
    }

    /// Note that a scheduled job started at `at` (and, later, its scan).
    pub fn set_job_run(&self, name: &str, at: u64, scan: Option<i64>) -> Result<(), StateError> {
        self.conn
            .execute(
                "INSERT INTO jobs (name, last_run, last_scan) VALUES (?1, ?2, ?3)
                 ON CONFLICT(name) DO UPDATE SET last_run = excluded.last_run,
                     last_scan = COALESCE(excluded.last_scan, jobs.last_scan)",
                params![name, i64::try_from(at).unwrap_or(i64::MAX), scan],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// Record a remediation action; returns its id.
    pub fn record_action(&self, a: &NewAction<'_>) -> Result<i64, StateError> {
        self.conn
            .execute(
                "INSERT INTO actions (at, actor, target, resource, rules, change, before, after, result, detail, rollback_of)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    a.at,
                    a.actor,
                    a.target,
                    a.resource,
                    serde_json::to_string(a.rules).unwrap_or_default(),
                    a.change.to_string(),
                    a.before.to_string(),
                    a.after.to_string(),
                    a.result,
                    a.detail,
                    a.rollback_of
                ],
            )
            .map_err(self.sql())?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Complete a `pending` action with what happened.
    pub fn finish_action_with_before(
        &self,
        id: i64,
        result: &str,
        before: &Value,
        after: &Value,
        detail: &str,
    ) -> Result<(), StateError> {
        self.conn
            .execute(
                "UPDATE actions SET result = ?2, before = ?3, after = ?4, detail = ?5 WHERE id = ?1",
                params![id, result, before.to_string(), after.to_string(), detail],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// Change an action's result (e.g. to `rolled-back`).
    pub fn set_action_result(&self, id: i64, result: &str) -> Result<(), StateError> {
        self.conn
            .execute(
                "UPDATE actions SET result = ?2 WHERE id = ?1",
                params![id, result],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    fn action_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Action> {
        let json = |s: String| serde_json::from_str::<Value>(&s).unwrap_or(Value::Null);
        Ok(Action {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            target: r.get(3)?,
            resource: r.get(4)?,
            rules: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
            change: json(r.get(6)?),
            before: json(r.get(7)?),
            after: json(r.get(8)?),
            result: r.get(9)?,
            detail: r.get(10)?,
            rollback_of: r.get(11)?,
        })
    }

    const ACTION: &'static str = "SELECT id, at, actor, target, resource, rules, change, before, after, result, detail, rollback_of FROM actions";

    /// Recorded actions, newest first.
    pub fn actions(&self, limit: usize) -> Result<Vec<Action>, StateError> {
        let q = format!("{} ORDER BY id DESC LIMIT ?1", Self::ACTION);
        let mut stmt = self.conn.prepare(&q).map_err(self.sql())?;
        let rows = stmt
            .query_map(
                params![i64::try_from(limit).unwrap_or(i64::MAX)],
                Self::action_row,
            )
            .map_err(self.sql())?;
        rows.collect::<Result<_, _>>().map_err(self.sql())
    }

    /// One action.
    pub fn action(&self, id: i64) -> Result<Option<Action>, StateError> {
        let q = format!("{} WHERE id = ?1", Self::ACTION);
        self.conn
            .query_row(&q, params![id], Self::action_row)
            .optional()
            .map_err(self.sql())
    }

    /// Check the database: SQLite's integrity check, then every scan's and
    /// baseline's membership sets decode and point at stored rows. Returns
    /// the problems found (empty when consistent).
    pub fn verify(&self) -> Result<Vec<String>, StateError> {
        let mut problems = Vec::new();
        let mut stmt = self
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(self.sql())?;
        for row in rows {
            let line = row.map_err(self.sql())?;
            if line != "ok" {
                problems.push(line);
            }
        }
        let count = |table: &str, ids: &[i64]| -> Result<usize, StateError> {
            let mut stmt = self
                .conn
                .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))
                .map_err(self.sql())?;
            let mut missing = 0;
            for id in ids {
                if !stmt.exists(params![id]).map_err(self.sql())? {
                    missing += 1;
                }
            }
            Ok(missing)
        };
        let mut stmt = self
            .conn
            .prepare("SELECT id, resources, findings, resource_count, finding_count FROM scans")
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .map_err(self.sql())?;
        for row in rows {
            let (id, res, fin, rc, fc) = row.map_err(self.sql())?;
            match (codec::decode(&res), codec::decode(&fin)) {
                (Some(r), Some(f)) => {
                    let missing = count("versions", &r)? + count("findings", &f)?;
                    if missing > 0 {
                        problems.push(format!("scan {id}: {missing} members are missing"));
                    }
                    if i64::try_from(r.len()).ok() != Some(rc) {
                        problems.push(format!("scan {id}: resource count mismatch"));
                    }
                    if i64::try_from(f.len()).ok() > Some(fc) {
                        problems.push(format!("scan {id}: finding count mismatch"));
                    }
                }
                _ => problems.push(format!("scan {id}: membership set does not decode")),
            }
        }
        Ok(problems)
    }

    /// Bytes used by the database file and its WAL.
    pub fn size_bytes(&self) -> u64 {
        let main = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        let wal = std::fs::metadata(format!("{}-wal", self.path)).map_or(0, |m| m.len());
        main + wal
    }

    /// Total bytes of stored resource bodies and findings (what scans add).
    pub fn payload_bytes(&self) -> Result<(u64, u64), StateError> {
        let q = |sql: &str| -> Result<u64, StateError> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| u64::try_from(n).unwrap_or(0))
                .map_err(self.sql())
        };
        Ok((
            q("SELECT COALESCE(SUM(length(body)) + SUM(length(resource)) + 16 * COUNT(*), 0) FROM versions")?,
            q("SELECT COALESCE(SUM(length(body)), 0) + COALESCE((SELECT SUM(length(resources) + length(findings)) FROM scans), 0) FROM findings")?,
        ))
    }
}

struct Pending {
    conn: Connection,
    /// Hashes of the resources seen, in order.
    members: Vec<Hash>,
    /// New bodies not yet written: hash, identity, JSON.
    bodies: Vec<(Hash, String, Vec<u8>)>,
    queued: HashSet<Hash>,
    bytes: usize,
    /// Ids of versions this recorder wrote.
    flushed: HashMap<Hash, i64>,
    error: Option<StateError>,
}

/// Collects a scan's resources from any number of threads. Versions already
/// stored cost a hash lookup; new ones are queued and flushed in batches.
pub struct Recorder {
    known: Arc<HashMap<Hash, i64>>,
    path: String,
    inner: Mutex<Pending>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("path", &self.path)
            .field("known", &self.known.len())
            .finish()
    }
}

impl Recorder {
    /// Note one resource.
    pub fn add(&self, r: &Resource) {
        let key = r.id.to_string();
        let body = serde_json::to_vec(&r.body).unwrap_or_default();
        let hash = content_hash(&key, &body);
        let known = self.known.contains_key(&hash);
        let Ok(mut p) = self.inner.lock() else {
            return;
        };
        p.members.push(hash);
        if known || p.flushed.contains_key(&hash) || !p.queued.insert(hash) {
            return;
        }
        p.bytes += body.len() + key.len();
        p.bodies.push((hash, key, body));
        if p.bytes >= FLUSH_BYTES {
            if let Err(e) = flush(&mut p, &self.path) {
                p.error.get_or_insert(e);
            }
        }
    }

    /// Resources noted so far.
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |p| p.members.len())
    }

    /// True when nothing was noted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Write what is pending and return the version ids of every resource seen.
    fn finish(self) -> Result<(Vec<i64>, HashMap<Hash, i64>), StateError> {
        let mut p = self.inner.into_inner().map_err(|_| StateError::Corrupt {
            path: self.path.clone(),
            detail: "a recording thread panicked".into(),
        })?;
        if let Some(e) = p.error.take() {
            return Err(e);
        }
        flush(&mut p, &self.path)?;
        let mut ids = Vec::with_capacity(p.members.len());
        for h in &p.members {
            match self.known.get(h).or_else(|| p.flushed.get(h)) {
                Some(id) => ids.push(*id),
                None => {
                    return Err(StateError::Corrupt {
                        path: self.path.clone(),
                        detail: "a recorded version has no row".into(),
                    })
                }
            }
        }
        Ok((ids, p.flushed))
    }
}

/// Store a content-addressed row (`hash`, `column`, `body`) in `table` unless
/// it is there already, and return its id.
fn intern(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    column: &str,
    hash: &Hash,
    value: &dyn rusqlite::ToSql,
    body: &dyn rusqlite::ToSql,
) -> rusqlite::Result<i64> {
    tx.prepare_cached(&format!(
        "INSERT INTO {table} (hash, {column}, body) VALUES (?1, ?2, ?3) ON CONFLICT(hash) DO NOTHING"
    ))?
    .execute(params![hash.as_slice(), value, body])?;
    tx.prepare_cached(&format!("SELECT id FROM {table} WHERE hash = ?1"))?
        .query_row(params![hash.as_slice()], |r| r.get(0))
}

/// Write queued bodies in one transaction (idempotent: content-addressed).
fn flush(p: &mut Pending, path: &str) -> Result<(), StateError> {
    if p.bodies.is_empty() {
        return Ok(());
    }
    let sql = |source| StateError::Sqlite {
        path: path.to_string(),
        source,
    };
    let bodies = std::mem::take(&mut p.bodies);
    let mut written = Vec::with_capacity(bodies.len());
    {
        let tx = p
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        for (hash, key, body) in &bodies {
            written.push((
                *hash,
                intern(&tx, "versions", "resource", hash, key, body).map_err(sql)?,
            ));
        }
        tx.commit().map_err(sql)?;
    }
    p.flushed.extend(written);
    p.queued.clear();
    p.bytes = 0;
    Ok(())
}

#[cfg(test)]
mod tests;
