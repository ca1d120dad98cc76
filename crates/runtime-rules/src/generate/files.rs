//! Rules about files: writes below binary/library directories or outside the
//! expected writable paths, account and sudoers files, and sensitive reads.

use super::builder::{output, Builder, RuleSpec};
use super::process::not_expected;
use super::RuleId;
use crate::falco::condition::{field, Expr};
use crate::falco::rules::Priority;

/// Directories holding executables and libraries (both sides of merged-/usr links).
const BINARY_DIRS: &[&str] = &[
    "/bin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/sbin",
    "/usr/bin",
    "/usr/lib",
    "/usr/lib32",
    "/usr/lib64",
    "/usr/libexec",
    "/usr/local/bin",
    "/usr/local/lib",
    "/usr/local/sbin",
    "/usr/sbin",
];

/// Account and privilege files whose modification is privilege escalation or persistence.
const ACCOUNT_FILES: &[&str] = &[
    "/etc/group",
    "/etc/gshadow",
    "/etc/passwd",
    "/etc/shadow",
    "/etc/sudoers",
];

/// Directories of the same kind.
const ACCOUNT_DIRS: &[&str] = &["/etc/sudoers.d"];

/// Files no process of the image should read.
const SECRET_FILES: &[&str] = &[
    "/etc/gshadow",
    "/etc/security/opasswd",
    "/etc/shadow",
    "/etc/sudoers",
];

/// Directories no process of the image should read below.
const SECRET_DIRS: &[&str] = &["/etc/sudoers.d", "/root/.ssh"];

/// Credentials the application itself may legitimately read (service-account tokens).
const TOKEN_DIRS: &[&str] = &[
    "/run/secrets/kubernetes.io/serviceaccount",
    "/var/run/secrets/azure/tokens",
    "/var/run/secrets/eks.amazonaws.com/serviceaccount",
    "/var/run/secrets/kubernetes.io/serviceaccount",
];

/// Credential files below a home directory (matched by suffix).
const CREDENTIAL_SUFFIXES: &[&str] = &[
    "/.aws/credentials",
    "/.azure/accessTokens.json",
    "/.azure/msal_token_cache.json",
    "/.config/gcloud/application_default_credentials.json",
    "/.config/gcloud/credentials.db",
    "/.docker/config.json",
    "/.git-credentials",
    "/.kube/config",
    "/.netrc",
    "/.ssh/id_ecdsa",
    "/.ssh/id_ed25519",
    "/.ssh/id_rsa",
];

pub(crate) fn add_rules(b: &mut Builder<'_>) {
    add_account_rule(b);
    add_sensitive_read(b);
    add_write_rules(b);
}

fn opened(b: &Builder<'_>, macro_name: &str) -> Vec<Expr> {
    vec![Expr::macro_ref(macro_name), b.image()]
}

fn add_account_rule(b: &mut Builder<'_>) {
    let files = b.list("account_files", ACCOUNT_FILES.iter().copied());
    let dirs = b.list("account_dirs", ACCOUNT_DIRS.iter().copied());
    let mut cond = opened(b, "open_write");
    cond.push(Expr::or([
        field("fd.name").in_list(files),
        field("fd.name").pmatch_list(dirs),
    ]));
    b.rule(RuleSpec {
        id: RuleId::AccountFiles,
        title: "Account or sudoers file modified".into(),
        desc: "A file of /etc/passwd, /etc/shadow, /etc/group, /etc/sudoers or \
               /etc/sudoers.d was opened for writing."
            .into(),
        condition: Expr::and(cond),
        output: output(
            "Account or privilege file opened for writing",
            &[("file", "fd.name"), ("evt_type", "evt.type")],
        ),
        priority: Priority::Critical,
        tags: &["filesystem", "mitre_persistence", "T1098", "T1136"],
    });
}

fn add_sensitive_read(b: &mut Builder<'_>) {
    let secrets = b.list("secret_files", SECRET_FILES.iter().copied());
    let secret_dirs = b.list("secret_dirs", SECRET_DIRS.iter().copied());
    let tokens = b.list("token_dirs", TOKEN_DIRS.iter().copied());
    let mut credentials = vec![field("fd.name").pmatch_list(tokens)];
    credentials.extend(
        CREDENTIAL_SUFFIXES
            .iter()
            .map(|s| field("fd.name").endswith(*s)),
    );
    let mut by_unexpected = vec![Expr::or(credentials)];
    by_unexpected.extend(not_expected(b));
    let mut cond = opened(b, "open_read");
    cond.push(Expr::or([
        field("fd.name").in_list(secrets),
        field("fd.name").pmatch_list(secret_dirs),
        Expr::and(by_unexpected),
    ]));
    b.rule(RuleSpec {
        id: RuleId::SensitiveRead,
        title: "Sensitive file read".into(),
        desc: "A read of /etc/shadow, /etc/sudoers or SSH keys by any process, or of a \
               service-account token or cloud/registry credentials by a process the image \
               is not expected to run."
            .into(),
        condition: Expr::and(cond),
        output: output(
            "Sensitive file opened for reading",
            &[("file", "fd.name"), ("evt_type", "evt.type")],
        ),
        priority: Priority::Warning,
        tags: &[
            "filesystem",
            "mitre_credential_access",
            "T1552.001",
            "T1003.008",
        ],
    });
}

fn add_write_rules(b: &mut Builder<'_>) {
    let mut writable = b.profile.writable_dirs.clone();
    writable.extend(b.opts.extra_writable_paths.iter().cloned());
    writable.insert("/dev/termination-log".to_string());
    let writable = b.list("writable_paths", writable);
    let binary = b.list("binary_dirs", BINARY_DIRS.iter().copied());

    let mut cond = opened(b, "open_write");
    cond.push(field("fd.name").pmatch_list(binary.clone()));
    cond.push(Expr::not(field("fd.name").pmatch_list(writable.clone())));
    b.rule(RuleSpec {
        id: RuleId::WriteBinaryDir,
        title: "Write below a binary or library directory".into(),
        desc: "A file below /bin, /sbin, /lib, /usr/bin, /usr/lib, /usr/local/bin or \
               similar was opened for writing."
            .into(),
        condition: Expr::and(cond),
        output: output(
            "File below a binary or library directory opened for writing",
            &[("file", "fd.name"), ("evt_type", "evt.type")],
        ),
        priority: Priority::Error,
        tags: &["filesystem", "mitre_persistence", "T1554"],
    });

    let mut cond = opened(b, "open_write");
    cond.push(Expr::not(field("fd.name").pmatch_list(writable)));
    cond.push(Expr::not(field("fd.name").pmatch_list(binary)));
    b.rule(RuleSpec {
        id: RuleId::WriteOutsideWritable,
        title: "Write outside the expected writable paths".into(),
        desc: format!(
            "A file outside the paths the image is expected to write ({}) was opened for writing.",
            b.profile
                .writable_dirs
                .iter()
                .map(|d| d.escape_default().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        condition: Expr::and(cond),
        output: output(
            "File outside the expected writable paths opened for writing",
            &[("file", "fd.name"), ("evt_type", "evt.type")],
        ),
        priority: Priority::Warning,
        tags: &["filesystem", "mitre_persistence", "T1565.001"],
    });
}
