//! Live Kubernetes: discover every listable kind (CRDs included), list each
//! with `limit`/`continue` pagination and a server-side timeout, a few kinds
//! at a time, and turn every object into a [`Resource`]. A kind the
//! credentials may not list (403) is reported and skipped; an unreachable
//! cluster is an error. Secret values are redacted here, before anything
//! else sees them; `managedFields` are dropped as server bookkeeping.

use crate::files::redact_secret;
use assay_engine::resource::{Provider, Resource, ResourceId, Source};
use assay_engine::Diagnostic;
use futures::StreamExt;
use kube::api::{Api, DynamicObject, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::discovery::{verbs, ApiResource, Discovery, Scope};
use serde_json::Value;
use std::path::PathBuf;

/// What to collect.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Kubeconfig file (default: `KUBECONFIG`, then `~/.kube/config`, then in-cluster).
    pub kubeconfig: Option<PathBuf>,
    /// Context (default: the current one).
    pub context: Option<String>,
    /// Only these namespaces (empty: all); cluster-scoped kinds are always listed.
    pub namespaces: Vec<String>,
    /// Only these kinds (`Deployment`, `apps/v1/Deployment`); empty: every listable kind.
    pub kinds: Vec<String>,
    /// Objects per page.
    pub page_size: u32,
    /// Kinds listed at once.
    pub concurrency: usize,
    /// Timeout of each API call, seconds.
    pub timeout_secs: u32,
}

/// What came back.
#[derive(Debug, Default)]
pub struct Collection {
    /// Every object listed.
    pub resources: Vec<Resource>,
    /// Kinds that could not be listed (other than for lack of permission), and why.
    pub errors: Vec<Diagnostic>,
    /// Kinds the credentials may not list (403): skipped, not an error.
    pub skipped: Vec<Diagnostic>,
    /// The context used.
    pub context: String,
    /// The API server URL.
    pub server: String,
}

/// Why nothing could be collected.
#[derive(Debug, thiserror::Error)]
pub enum K8sError {
    /// No usable kubeconfig or in-cluster configuration.
    #[error("cannot load the Kubernetes configuration: {0}")]
    Config(String),
    /// The API server did not answer discovery.
    #[error("cannot reach the Kubernetes API server at {server}: {message}")]
    Unreachable {
        /// Server URL.
        server: String,
        /// The client's error.
        message: String,
    },
}

/// A client for the cluster `opts` names, its context and server URL.
pub async fn client(opts: &Options) -> Result<(kube::Client, String, String), K8sError> {
    let options = KubeConfigOptions {
        context: opts.context.clone(),
        ..KubeConfigOptions::default()
    };
    let (config, context) = match &opts.kubeconfig {
        Some(path) => {
            let kc = Kubeconfig::read_from(path)
                .map_err(|e| K8sError::Config(format!("{}: {e}", path.display())))?;
            let context = opts
                .context
                .clone()
                .or_else(|| kc.current_context.clone())
                .unwrap_or_default();
            let config = kube::Config::from_custom_kubeconfig(kc, &options)
                .await
                .map_err(|e| K8sError::Config(e.to_string()))?;
            (config, context)
        }
        None if opts.context.is_some() => {
            let config = kube::Config::from_kubeconfig(&options)
                .await
                .map_err(|e| K8sError::Config(e.to_string()))?;
            (config, opts.context.clone().unwrap_or_default())
        }
        None => {
            let config = kube::Config::infer()
                .await
                .map_err(|e| K8sError::Config(e.to_string()))?;
            let context = Kubeconfig::read()
                .ok()
                .and_then(|k| k.current_context)
                .unwrap_or_else(|| "in-cluster".into());
            (config, context)
        }
    };
    let mut config = config;
    // Every call (discovery, each list page) ends within the timeout.
    config.read_timeout = Some(std::time::Duration::from_secs(u64::from(
        opts.timeout_secs.max(1),
    )));
    config.connect_timeout = Some(std::time::Duration::from_secs(10));
    let server = config.cluster_url.to_string();
    let client = kube::Client::try_from(config).map_err(|e| K8sError::Config(e.to_string()))?;
    Ok((client, context, server))
}

fn wanted(opts: &Options, ar: &ApiResource) -> bool {
    opts.kinds.is_empty()
        || opts.kinds.iter().any(|k| {
            if k.contains('/') {
                *k == format!("{}/{}", ar.api_version, ar.kind)
            } else {
                k.eq_ignore_ascii_case(&ar.kind) || k.eq_ignore_ascii_case(&ar.plural)
            }
        })
}

/// What to list or watch: every wanted kind (in each wanted namespace).
async fn targets(
    client: &kube::Client,
    opts: &Options,
    server: &str,
    verb: &str,
) -> Result<Vec<(ApiResource, Option<String>)>, K8sError> {
    let discovery =
        Discovery::new(client.clone())
            .run()
            .await
            .map_err(|e| K8sError::Unreachable {
                server: server.to_string(),
                message: e.to_string(),
            })?;
    let mut targets = Vec::new();
    for group in discovery.groups_alphabetical() {
        for (ar, caps) in group.recommended_resources() {
            if !caps.supports_operation(verb) || !wanted(opts, &ar) {
                continue;
            }
            match (&caps.scope, opts.namespaces.is_empty()) {
                (Scope::Namespaced, false) => {
                    for ns in &opts.namespaces {
                        targets.push((ar.clone(), Some(ns.clone())));
                    }
                }
                _ => targets.push((ar, None)),
            }
        }
    }
    Ok(targets)
}

/// Collect a snapshot of the cluster.
pub async fn collect(opts: &Options) -> Result<Collection, K8sError> {
    let (client, context, server) = client(opts).await?;
    let targets = targets(&client, opts, &server, verbs::LIST).await?;
    let endpoint = format!("k8s://{context}");
    let page = opts.page_size.max(1);
    let results: Vec<Listed> = futures::stream::iter(targets.into_iter().map(|(ar, ns)| {
        let client = client.clone();
        let endpoint = endpoint.clone();
        async move { list_all(client, &ar, ns.as_deref(), page, &endpoint).await }
    }))
    .buffer_unordered(opts.concurrency.max(1))
    .collect()
    .await;
    let mut out = Collection {
        context,
        server,
        ..Collection::default()
    };
    for (resources, problem) in results {
        out.resources.extend(resources);
        match problem {
            Some((true, d)) => out.skipped.push(d),
            Some((false, d)) => out.errors.push(d),
            None => {}
        }
    }
    out.resources.sort_by(|a, b| a.id.cmp(&b.id));
    out.errors.sort();
    out.skipped.sort();
    Ok(out)
}

/// What a watch reports.
#[derive(Debug)]
pub enum WatchEvent {
    /// Watching started: the context, and how many kind watches will report `Listed`.
    Started {
        /// Context.
        context: String,
        /// Number of watches (kinds × namespaces).
        watches: usize,
    },
    /// A kind's complete current set: at start and after every relist.
    Listed {
        /// Fully qualified kind (`apps/v1/Deployment`).
        kind: String,
        /// The namespace watched, if only one.
        namespace: Option<String>,
        /// Every object.
        resources: Vec<Resource>,
    },
    /// An object was created or changed.
    Applied(Resource),
    /// An object was deleted.
    Deleted(Resource),
    /// A watch failed; it reconnects with backoff (or, when forbidden, stops).
    Error(Diagnostic),
}

/// Watch every wanted kind until `tx` is closed, reconnecting with backoff;
/// a relist (after `410 Gone` or a restart) arrives as one `Listed` event.
pub async fn watch(
    opts: &Options,
    tx: tokio::sync::mpsc::UnboundedSender<WatchEvent>,
) -> Result<(), K8sError> {
    use kube::runtime::watcher::{self, Event};
    use kube::runtime::WatchStreamExt;
    let (client, context, server) = client(opts).await?;
    let targets = targets(&client, opts, &server, verbs::WATCH).await?;
    let endpoint = format!("k8s://{context}");
    let _ = tx.send(WatchEvent::Started {
        context: context.clone(),
        watches: targets.len(),
    });
    let page = opts.page_size.max(1);
    let tasks = targets.into_iter().map(|(ar, ns)| {
        let client = client.clone();
        let tx = tx.clone();
        let endpoint = endpoint.clone();
        async move {
            let api: Api<DynamicObject> = match ns.as_deref() {
                Some(n) => Api::namespaced_with(client, n, &ar),
                None => Api::all_with(client, &ar),
            };
            let kind = format!("{}/{}", ar.api_version, ar.kind);
            let stream = watcher::watcher(api, watcher::Config::default().page_size(page))
                .default_backoff();
            futures::pin_mut!(stream);
            let mut buffer = Vec::new();
            while let Some(ev) = stream.next().await {
                let sent = match ev {
                    Ok(Event::Init) => {
                        buffer.clear();
                        Ok(())
                    }
                    Ok(Event::InitApply(o)) => {
                        buffer.push(to_resource(o, &ar, &endpoint));
                        Ok(())
                    }
                    Ok(Event::InitDone) => tx.send(WatchEvent::Listed {
                        kind: kind.clone(),
                        namespace: ns.clone(),
                        resources: std::mem::take(&mut buffer),
                    }),
                    Ok(Event::Apply(o)) => tx.send(WatchEvent::Applied(to_resource(o, &ar, &endpoint))),
                    Ok(Event::Delete(o)) => tx.send(WatchEvent::Deleted(to_resource(o, &ar, &endpoint))),
                    Err(e) => {
                        let forbidden = matches!(&e, watcher::Error::InitialListFailed(kube::Error::Api(s)) | watcher::Error::WatchStartFailed(kube::Error::Api(s)) if s.code == 403);
                        let d = Diagnostic::new(format!("watch of {} failed: {e}{}", ar.plural, if forbidden { "; not allowed, stopped" } else { "; reconnecting" }))
                            .in_file(endpoint.clone());
                        let sent = tx.send(WatchEvent::Error(d));
                        if forbidden {
                            // Count it as listed (empty) so start-up completes.
                            let _ = tx.send(WatchEvent::Listed { kind: kind.clone(), namespace: ns.clone(), resources: Vec::new() });
                            return;
                        }
                        sent
                    }
                };
                if sent.is_err() || tx.is_closed() {
                    return;
                }
            }
        }
    });
    futures::future::join_all(tasks).await;
    Ok(())
}

/// One kind's objects, and the problem that stopped its listing, if any
/// (`true`: forbidden, so skipped).
type Listed = (Vec<Resource>, Option<(bool, Diagnostic)>);

/// Every object of one kind (in one namespace), page by page.
async fn list_all(
    client: kube::Client,
    ar: &ApiResource,
    namespace: Option<&str>,
    page: u32,
    endpoint: &str,
) -> Listed {
    let api: Api<DynamicObject> = match namespace {
        Some(ns) => Api::namespaced_with(client, ns, ar),
        None => Api::all_with(client, ar),
    };
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut lp = ListParams::default().limit(page);
        if let Some(t) = &token {
            lp = lp.continue_token(t);
        }
        let list = match api.list(&lp).await {
            Ok(l) => l,
            Err(e) => {
                let forbidden = matches!(&e, kube::Error::Api(s) if s.code == 403);
                let why = if forbidden {
                    format!("not allowed to list {} (403 Forbidden); skipped", ar.plural)
                } else {
                    format!("cannot list {}: {e}", ar.plural)
                };
                let where_ = namespace.map_or(String::new(), |n| format!(" in namespace {n}"));
                let d = Diagnostic::new(format!("{why}{where_}")).in_file(endpoint.to_string());
                return (out, Some((forbidden, d)));
            }
        };
        for obj in list.items {
            out.push(to_resource(obj, ar, endpoint));
        }
        match list.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    (out, None)
}

fn to_resource(obj: DynamicObject, ar: &ApiResource, endpoint: &str) -> Resource {
    let mut body = serde_json::to_value(&obj).unwrap_or(Value::Null);
    if let Some(m) = body.as_object_mut() {
        // List items carry no apiVersion/kind; the list's kind names them.
        m.insert("apiVersion".into(), Value::String(ar.api_version.clone()));
        m.insert("kind".into(), Value::String(ar.kind.clone()));
    }
    if let Some(meta) = body.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
    if ar.kind == "Secret" && ar.group.is_empty() {
        redact_secret(&mut body);
    }
    let name = obj.metadata.name.clone().unwrap_or_default();
    let namespace = obj.metadata.namespace.clone().unwrap_or_default();
    Resource {
        id: ResourceId {
            provider: Provider::Kubernetes,
            kind: format!("{}/{}", ar.api_version, ar.kind),
            scope: namespace,
            name,
        },
        source: Source::Live {
            endpoint: endpoint.to_string(),
        },
        body,
    }
}
