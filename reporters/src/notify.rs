//! Notifications (nBOT): tell the right people what changed.
//!
//! A [`Change`] is what moved since the last recorded scan of a target: new
//! and resolved findings, plus a digest of what is still open. Each
//! [`Route`] filters it (minimum severity, frameworks) and, when something
//! is left (or the route asks to hear every run), sends it:
//! - **Slack** incoming webhooks: a Block Kit message with counts by
//!   severity, the top new findings (rule, resource, message) and the
//!   resolved count;
//! - **generic webhooks**: a JSON body with the new and resolved findings,
//!   signed `X-Assay-Signature: sha256=<hex HMAC-SHA256 of the body>` with a
//!   shared secret.
//!
//! Sends retry with exponential backoff on connection errors, 429 and 5xx;
//! the outcome of every route is returned to be logged and recorded — a
//! failed notification never fails or loses the scan.

use crate::markdown::resource as short;
use assay_engine::finding::{Finding, Status};
use assay_engine::Severity;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::Duration;

/// Where a route sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sink {
    /// A Slack incoming webhook (`https://hooks.slack.com/services/…`).
    Slack,
    /// Any HTTP(S) endpoint taking JSON.
    Webhook,
}

/// A notification route, as written in the config file.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Name (for logs and the state store).
    pub name: String,
    /// Destination kind.
    #[serde(rename = "type")]
    pub sink: Sink,
    /// Destination URL.
    pub url: String,
    /// Shared secret for `X-Assay-Signature` (webhooks; omit to send unsigned).
    #[serde(default)]
    pub secret: Option<String>,
    /// Only findings at or above this severity.
    #[serde(default = "lowest")]
    pub min_severity: Severity,
    /// Only findings of rules in these frameworks (empty: all).
    #[serde(default)]
    pub frameworks: Vec<String>,
    /// Send every run, even when nothing changed (a daily digest).
    #[serde(default)]
    pub always: bool,
    /// New findings listed by name in one message.
    #[serde(default = "default_top")]
    pub top: usize,
}

fn lowest() -> Severity {
    Severity::Info
}

fn default_top() -> usize {
    10
}

/// What changed in one target since its previous recorded scan.
#[derive(Clone, Debug, Default)]
pub struct Change {
    /// The target.
    pub target: String,
    /// This scan's id.
    pub scan: i64,
    /// The previous scan's id, if there was one.
    pub previous: Option<i64>,
    /// Findings new since the previous scan.
    pub new: Vec<Finding>,
    /// Findings gone since the previous scan.
    pub resolved: Vec<Finding>,
    /// Every finding still open (fail/warn/error), for the digest.
    pub open: Vec<Finding>,
}

impl Route {
    fn wants(&self, f: &Finding) -> bool {
        f.severity >= self.min_severity
            && (self.frameworks.is_empty()
                || self
                    .frameworks
                    .iter()
                    .any(|fw| f.frameworks.contains_key(fw)))
    }

    /// The change as this route sees it, or `None` when there is nothing to send.
    pub fn filter(&self, change: &Change) -> Option<Change> {
        let pick = |v: &[Finding]| -> Vec<Finding> {
            v.iter().filter(|f| self.wants(f)).cloned().collect()
        };
        let c = Change {
            target: change.target.clone(),
            scan: change.scan,
            previous: change.previous,
            new: pick(&change.new),
            resolved: pick(&change.resolved),
            open: pick(&change.open),
        };
        (self.always || !c.new.is_empty() || !c.resolved.is_empty()).then_some(c)
    }

    /// The HTTP body this route sends for `change`.
    pub fn payload(&self, change: &Change) -> Value {
        match self.sink {
            Sink::Slack => slack(change, self.top),
            Sink::Webhook => webhook(change),
        }
    }
}

fn counts(findings: &[Finding]) -> BTreeMap<String, usize> {
    let mut m: BTreeMap<String, usize> = Severity::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), 0))
        .collect();
    for f in findings.iter().filter(|f| f.status == Status::Fail) {
        *m.entry(f.severity.as_str().to_string()).or_default() += 1;
    }
    m
}

/// Slack escapes `&`, `<` and `>` in mrkdwn text.
fn mrkdwn(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A Slack Block Kit message.
pub fn slack(change: &Change, top: usize) -> Value {
    let mut new = change.new.clone();
    new.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(&b.rule)));
    let headline = format!(
        "Assay: {} new, {} resolved in {}",
        change.new.len(),
        change.resolved.len(),
        change.target
    );
    let sev_line = counts(&change.new)
        .iter()
        .rev()
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("*{n}* {s}"))
        .collect::<Vec<_>>()
        .join(" · ");
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text", "text": headline.chars().take(150).collect::<String>()}}),
        json!({"type": "section", "fields": [
            {"type": "mrkdwn", "text": format!("*New findings*\n{}", if sev_line.is_empty() { "none".to_string() } else { sev_line })},
            {"type": "mrkdwn", "text": format!("*Resolved*\n{}", change.resolved.len())},
        ]}),
    ];
    if !new.is_empty() {
        let lines: Vec<String> = new
            .iter()
            .take(top)
            .map(|f| {
                format!(
                    "• `{}` *{}* {} — {}",
                    mrkdwn(&f.rule),
                    f.severity,
                    mrkdwn(&short(f)),
                    mrkdwn(&f.message)
                )
            })
            .collect();
        let mut text = lines.join("\n");
        if new.len() > top {
            text.push_str(&format!("\n…and {} more", new.len() - top));
        }
        // Slack caps a section's text at 3000 characters.
        if text.chars().count() > 2900 {
            text = text.chars().take(2900).collect::<String>() + "…";
        }
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": text}}));
    }
    let open = counts(&change.open);
    let digest = open
        .iter()
        .rev()
        .map(|(s, n)| format!("{n} {s}"))
        .collect::<Vec<_>>()
        .join(", ");
    let previous = change.previous.map_or_else(
        || "first recorded scan".to_string(),
        |p| format!("compared with scan {p}"),
    );
    blocks.push(json!({"type": "context", "elements": [
        {"type": "mrkdwn", "text": format!("Still open: {digest} · scan {} ({previous}) · `assay diff {} {}`",
            change.scan,
            change.previous.map_or_else(|| "-".to_string(), |p| p.to_string()),
            change.scan)}
    ]}));
    json!({"text": headline, "blocks": blocks})
}

fn finding_json(f: &Finding) -> Value {
    json!({
        "rule": f.rule, "title": f.title, "severity": f.severity, "status": f.status,
        "message": f.message, "resource": f.resource.id, "location": f.location,
        "fingerprint": f.fingerprint, "frameworks": f.frameworks,
    })
}

/// The generic webhook body.
pub fn webhook(change: &Change) -> Value {
    json!({
        "version": "1",
        "target": change.target,
        "scan": change.scan,
        "previous": change.previous,
        "new": change.new.iter().map(finding_json).collect::<Vec<_>>(),
        "resolved": change.resolved.iter().map(finding_json).collect::<Vec<_>>(),
        "open": counts(&change.open),
    })
}

/// HMAC-SHA256 (RFC 2104) of `body` under `key`, as lowercase hex.
pub fn hmac_sha256_hex(key: &[u8], body: &[u8]) -> String {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        let digest = Sha256::digest(key);
        for (dst, src) in k.iter_mut().zip(digest.iter()) {
            *dst = *src;
        }
    } else {
        for (dst, src) in k.iter_mut().zip(key) {
            *dst = *src;
        }
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(body);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The result of sending to one route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Route name.
    pub route: String,
    /// `sent`, `skipped` (nothing to say) or `failed`.
    pub status: &'static str,
    /// Attempts made.
    pub attempts: u32,
    /// HTTP status or the error.
    pub detail: String,
}

/// Retry policy.
#[derive(Clone, Copy, Debug)]
pub struct Retry {
    /// Attempts in all.
    pub attempts: u32,
    /// First backoff; doubles each time.
    pub backoff: Duration,
    /// Per-attempt timeout.
    pub timeout: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            attempts: 4,
            backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(10),
        }
    }
}

type Client = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    Full<Bytes>,
>;

fn client() -> Result<Client, String> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| format!("cannot load the system's root certificates: {e}"))?
        .https_or_http()
        .enable_http1()
        .build();
    Ok(
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build(https),
    )
}

/// Send `change` to every route (each filtered to what it wants).
pub async fn send_all(routes: &[Route], change: &Change, retry: Retry) -> Vec<Outcome> {
    let client = match client() {
        Ok(c) => c,
        Err(e) => {
            return routes
                .iter()
                .map(|r| Outcome {
                    route: r.name.clone(),
                    status: "failed",
                    attempts: 0,
                    detail: e.clone(),
                })
                .collect()
        }
    };
    let mut out = Vec::new();
    for route in routes {
        let Some(filtered) = route.filter(change) else {
            out.push(Outcome {
                route: route.name.clone(),
                status: "skipped",
                attempts: 0,
                detail: "nothing changed that this route wants".into(),
            });
            continue;
        };
        let body = serde_json::to_vec(&route.payload(&filtered)).unwrap_or_default();
        out.push(send_one(&client, route, body, retry).await);
    }
    out
}

async fn send_one(client: &Client, route: &Route, body: Vec<u8>, retry: Retry) -> Outcome {
    let url = &route.url;
    let secret = match route.sink {
        Sink::Slack => None,
        Sink::Webhook => route.secret.as_deref(),
    };
    let signature = secret.map(|s| format!("sha256={}", hmac_sha256_hex(s.as_bytes(), &body)));
    let body = Bytes::from(body);
    let mut backoff = retry.backoff;
    let mut last = String::new();
    for attempt in 1..=retry.attempts.max(1) {
        let mut req = hyper::Request::post(url.as_str())
            .header("content-type", "application/json")
            .header("user-agent", concat!("assay/", env!("CARGO_PKG_VERSION")));
        if let Some(sig) = &signature {
            req = req.header("x-assay-signature", sig);
        }
        let req = match req.body(Full::new(body.clone())) {
            Ok(r) => r,
            Err(e) => {
                return Outcome {
                    route: route.name.clone(),
                    status: "failed",
                    attempts: attempt,
                    detail: format!("bad URL `{url}`: {e}"),
                }
            }
        };
        let retryable = match tokio::time::timeout(retry.timeout, client.request(req)).await {
            Ok(Ok(resp)) => {
                let status = resp.status();
                let text: String = resp
                    .into_body()
                    .collect()
                    .await
                    .map(|b| {
                        String::from_utf8_lossy(&b.to_bytes())
                            .chars()
                            .take(200)
                            .collect()
                    })
                    .unwrap_or_default();
                if status.is_success() {
                    return Outcome {
                        route: route.name.clone(),
                        status: "sent",
                        attempts: attempt,
                        detail: format!("HTTP {}", status.as_u16()),
                    };
                }
                last = format!("HTTP {}: {text}", status.as_u16());
                status.as_u16() == 429 || status.is_server_error()
            }
            Ok(Err(e)) => {
                last = format!("cannot reach {url}: {e}");
                true
            }
            Err(_) => {
                last = format!("no answer from {url} within {:?}", retry.timeout);
                true
            }
        };
        if !retryable || attempt == retry.attempts {
            return Outcome {
                route: route.name.clone(),
                status: "failed",
                attempts: attempt,
                detail: last,
            };
        }
        tokio::time::sleep(backoff).await;
        backoff = backoff.saturating_mul(2);
    }
    Outcome {
        route: route.name.clone(),
        status: "failed",
        attempts: retry.attempts,
        detail: last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2.
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block.
        assert_eq!(
            hmac_sha256_hex(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            ),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn routes_parse_with_defaults() {
        let r: Route =
            serde_json::from_value(json!({"name": "s", "type": "slack", "url": "https://x"}))
                .unwrap();
        assert_eq!(r.min_severity, Severity::Info);
        assert!(!r.always);
        assert!(
            serde_json::from_value::<Route>(json!({"name": "s", "type": "pager", "url": "x"}))
                .is_err()
        );
    }
}
