//! Prometheus metrics of the webhook, rendered in the text exposition format.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Latency histogram bucket bounds, seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// Counters and a latency histogram.
#[derive(Default)]
pub struct Metrics {
    /// (operation, allowed, outcome) → count.
    requests: Mutex<BTreeMap<(String, bool, String), u64>>,
    /// Cumulative bucket counts, then +Inf.
    buckets: [AtomicU64; 13],
    latency_sum_us: AtomicU64,
    latency_count: AtomicU64,
    /// (rule, deny|warn) → count.
    decisions: Mutex<BTreeMap<(String, String), u64>>,
    /// reason → count.
    errors: Mutex<BTreeMap<String, u64>>,
    reloads_ok: AtomicU64,
    reloads_failed: AtomicU64,
    rules: AtomicU64,
}

fn bump<K: Ord>(m: &Mutex<BTreeMap<K, u64>>, k: K) {
    if let Ok(mut m) = m.lock() {
        *m.entry(k).or_default() += 1;
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// One answered review.
    pub fn request(&self, operation: &str, allowed: bool, outcome: &str, took: Duration) {
        bump(
            &self.requests,
            (operation.to_string(), allowed, outcome.to_string()),
        );
        let secs = took.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                if let Some(b) = self.buckets.get(i) {
                    b.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        if let Some(inf) = self.buckets.last() {
            inf.fetch_add(1, Ordering::Relaxed);
        }
        self.latency_sum_us.fetch_add(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        self.latency_count.fetch_add(1, Ordering::Relaxed);
    }

    /// A rule denied or warned.
    pub fn decision(&self, rule: &str, action: &str) {
        bump(&self.decisions, (rule.to_string(), action.to_string()));
    }

    /// An error of some kind (bad_request, tls, evaluation).
    pub fn error(&self, reason: &str) {
        bump(&self.errors, reason.to_string());
    }

    /// A policy reload.
    pub fn reload(&self, ok: bool, rules: usize) {
        if ok {
            self.reloads_ok.fetch_add(1, Ordering::Relaxed);
            self.rules
                .store(u64::try_from(rules).unwrap_or(0), Ordering::Relaxed);
        } else {
            self.reloads_failed.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# HELP assay_admission_requests_total AdmissionReviews answered.\n# TYPE assay_admission_requests_total counter");
        if let Ok(m) = self.requests.lock() {
            for ((op, allowed, outcome), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "assay_admission_requests_total{{operation=\"{}\",allowed=\"{allowed}\",outcome=\"{}\"}} {n}",
                    escape(op),
                    escape(outcome)
                );
            }
        }
        let _ = writeln!(out, "# HELP assay_admission_request_duration_seconds Time to answer a review.\n# TYPE assay_admission_request_duration_seconds histogram");
        for (i, bound) in BUCKETS.iter().enumerate() {
            let n = self.buckets.get(i).map_or(0, |b| b.load(Ordering::Relaxed));
            let _ = writeln!(
                out,
                "assay_admission_request_duration_seconds_bucket{{le=\"{bound}\"}} {n}"
            );
        }
        let inf = self.buckets.last().map_or(0, |b| b.load(Ordering::Relaxed));
        let _ = writeln!(
            out,
            "assay_admission_request_duration_seconds_bucket{{le=\"+Inf\"}} {inf}"
        );
        #[allow(clippy::cast_precision_loss, reason = "microsecond totals")]
        let sum = self.latency_sum_us.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "assay_admission_request_duration_seconds_sum {sum}");
        let _ = writeln!(
            out,
            "assay_admission_request_duration_seconds_count {}",
            self.latency_count.load(Ordering::Relaxed)
        );
        let _ = writeln!(out, "# HELP assay_admission_decisions_total Findings that denied or warned, by rule.\n# TYPE assay_admission_decisions_total counter");
        if let Ok(m) = self.decisions.lock() {
            for ((rule, action), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "assay_admission_decisions_total{{rule=\"{}\",action=\"{}\"}} {n}",
                    escape(rule),
                    escape(action)
                );
            }
        }
        let _ = writeln!(out, "# HELP assay_admission_errors_total Malformed requests, TLS failures and evaluation failures.\n# TYPE assay_admission_errors_total counter");
        if let Ok(m) = self.errors.lock() {
            for (reason, n) in m.iter() {
                let _ = writeln!(
                    out,
                    "assay_admission_errors_total{{reason=\"{}\"}} {n}",
                    escape(reason)
                );
            }
        }
        let _ = writeln!(out, "# HELP assay_policy_reloads_total Policy reloads by result.\n# TYPE assay_policy_reloads_total counter");
        let _ = writeln!(
            out,
            "assay_policy_reloads_total{{result=\"ok\"}} {}",
            self.reloads_ok.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "assay_policy_reloads_total{{result=\"rejected\"}} {}",
            self.reloads_failed.load(Ordering::Relaxed)
        );
        let _ = writeln!(out, "# HELP assay_policy_rules Rules in the serving policy set.\n# TYPE assay_policy_rules gauge");
        let _ = writeln!(
            out,
            "assay_policy_rules {}",
            self.rules.load(Ordering::Relaxed)
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.request("CREATE", false, "denied", Duration::from_micros(700));
        m.request("CREATE", true, "allowed", Duration::from_millis(30));
        m.decision("K8S-PSS-003", "deny");
        m.reload(true, 73);
        let t = m.render();
        assert!(t.contains("assay_admission_requests_total{operation=\"CREATE\",allowed=\"false\",outcome=\"denied\"} 1"), "{t}");
        assert!(
            t.contains("assay_admission_request_duration_seconds_bucket{le=\"0.001\"} 1"),
            "{t}"
        );
        assert!(
            t.contains("assay_admission_request_duration_seconds_bucket{le=\"0.05\"} 2"),
            "{t}"
        );
        assert!(
            t.contains("assay_admission_request_duration_seconds_bucket{le=\"+Inf\"} 2"),
            "{t}"
        );
        assert!(
            t.contains("assay_admission_decisions_total{rule=\"K8S-PSS-003\",action=\"deny\"} 1")
        );
        assert!(t.contains("assay_policy_rules 73"));
    }
}
