//! `assay certs generate`: a self-signed CA and a serving certificate for the
//! webhook Service (and optionally a client certificate for mutual TLS).

use anyhow::Context as _;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use std::path::{Path, PathBuf};

/// What to issue.
#[derive(Clone, Debug)]
pub struct Request {
    /// Service name.
    pub service: String,
    /// Service namespace.
    pub namespace: String,
    /// Extra DNS names or IP addresses.
    pub extra: Vec<String>,
    /// Also issue a client certificate with this common name.
    pub client: Option<String>,
    /// Validity in days.
    pub days: u32,
    /// Output directory.
    pub out: PathBuf,
}

fn validity(params: &mut CertificateParams, days: u32) {
    let today = crate::scan::today();
    let end =
        assay_engine::waiver::Date::from_unix_days(today.days_since_epoch() + i64::from(days));
    let ymd = |d: assay_engine::waiver::Date| {
        rcgen::date_time_ymd(
            d.year,
            u8::try_from(d.month).unwrap_or(1),
            u8::try_from(d.day).unwrap_or(1),
        )
    };
    params.not_before = ymd(today);
    params.not_after = ymd(end);
}

fn write(path: &Path, text: &str, secret: bool) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = secret;
    Ok(())
}

/// Issue the CA and certificates into `req.out`; returns the files written.
pub fn generate(req: &Request) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(&req.out)
        .with_context(|| format!("cannot create {}", req.out.display()))?;
    let ca_key = KeyPair::generate().context("CA key")?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).context("CA parameters")?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, format!("{} CA", req.service));
    ca_params.distinguished_name = dn;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    validity(&mut ca_params, req.days);
    let ca = ca_params.self_signed(&ca_key).context("CA certificate")?;

    let svc = format!("{}.{}.svc", req.service, req.namespace);
    let mut names = vec![
        req.service.clone(),
        format!("{}.{}", req.service, req.namespace),
        svc.clone(),
        format!("{svc}.cluster.local"),
    ];
    names.extend(req.extra.iter().cloned());
    let key = KeyPair::generate().context("serving key")?;
    let mut params = CertificateParams::new(names).context("serving certificate names")?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, svc);
    params.distinguished_name = dn;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    validity(&mut params, req.days);
    let cert = params
        .signed_by(&key, &ca, &ca_key)
        .context("serving certificate")?;

    let mut written = Vec::new();
    let mut put = |name: &str, text: &str, secret: bool| -> anyhow::Result<()> {
        let p = req.out.join(name);
        write(&p, text, secret)?;
        written.push(p);
        Ok(())
    };
    put("ca.crt", &ca.pem(), false)?;
    put("ca.key", &ca_key.serialize_pem(), true)?;
    put("tls.crt", &cert.pem(), false)?;
    put("tls.key", &key.serialize_pem(), true)?;
    if let Some(cn) = &req.client {
        let ckey = KeyPair::generate().context("client key")?;
        let mut cparams =
            CertificateParams::new(Vec::<String>::new()).context("client parameters")?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, cn.clone());
        cparams.distinguished_name = dn;
        cparams.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        cparams.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        validity(&mut cparams, req.days);
        let ccert = cparams
            .signed_by(&ckey, &ca, &ca_key)
            .context("client certificate")?;
        put("client.crt", &ccert.pem(), false)?;
        put("client.key", &ckey.serialize_pem(), true)?;
    }
    Ok(written)
}

/// `assay certs generate`.
pub fn command(args: &crate::cli::CertsArgs) -> i32 {
    let req = Request {
        service: args.service.clone(),
        namespace: args.namespace.clone(),
        extra: args.sans.clone(),
        client: args.client.clone(),
        days: args.days,
        out: args.out.clone(),
    };
    match generate(&req) {
        Ok(files) => {
            for f in files {
                println!("wrote {}", f.display());
            }
            crate::EXIT_CLEAN
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            crate::EXIT_FAILED
        }
    }
}
