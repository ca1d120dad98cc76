//! Stable ids of the generated rules (used by `priority_overrides` and reports).

/// The kinds of rule the generator writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleId {
    /// A process not among the image's expected executables.
    UnexpectedProcess,
    /// An executable that is not a file of the image (dropped, or from memory).
    ForeignExecutable,
    /// A shell.
    Shell,
    /// A package manager.
    PackageManager,
    /// A compiler or build tool.
    Compiler,
    /// curl, wget, nc and similar.
    NetworkTool,
    /// Execution from a writable or temporary directory, or `curl … | sh`.
    DownloadExecute,
    /// A known miner, or a miner's command line.
    CryptoMiner,
    /// A connection to a mining-pool port.
    MiningPool,
    /// sudo, su and similar, or a setuid executable.
    PrivilegeEscalation,
    /// A root process in an image configured to run as another user.
    RootProcess,
    /// A write to /etc/passwd, /etc/shadow, /etc/sudoers, …
    AccountFiles,
    /// A read of /etc/shadow, service-account tokens, cloud credentials, …
    SensitiveRead,
    /// A write below a binary or library directory.
    WriteBinaryDir,
    /// A write outside the expected writable paths.
    WriteOutsideWritable,
    /// An outbound connection to a port not allowed.
    UnexpectedOutbound,
    /// A listening socket on a port the image does not expose.
    UnexpectedListen,
    /// A shell or interpreter talking to a network socket on stdin/stdout.
    ReverseShell,
}

impl RuleId {
    /// Every rule id, in the order rules are written.
    pub const ALL: &'static [RuleId] = &[
        RuleId::UnexpectedProcess,
        RuleId::ForeignExecutable,
        RuleId::Shell,
        RuleId::PackageManager,
        RuleId::Compiler,
        RuleId::NetworkTool,
        RuleId::DownloadExecute,
        RuleId::CryptoMiner,
        RuleId::MiningPool,
        RuleId::PrivilegeEscalation,
        RuleId::RootProcess,
        RuleId::AccountFiles,
        RuleId::SensitiveRead,
        RuleId::WriteBinaryDir,
        RuleId::WriteOutsideWritable,
        RuleId::UnexpectedOutbound,
        RuleId::UnexpectedListen,
        RuleId::ReverseShell,
    ];

    /// The id as written in `priority_overrides`.
    pub fn id(self) -> &'static str {
        match self {
            RuleId::UnexpectedProcess => "unexpected-process",
            RuleId::ForeignExecutable => "foreign-executable",
            RuleId::Shell => "shell",
            RuleId::PackageManager => "package-manager",
            RuleId::Compiler => "compiler",
            RuleId::NetworkTool => "network-tool",
            RuleId::DownloadExecute => "download-execute",
            RuleId::CryptoMiner => "crypto-miner",
            RuleId::MiningPool => "mining-pool",
            RuleId::PrivilegeEscalation => "privilege-escalation",
            RuleId::RootProcess => "root-process",
            RuleId::AccountFiles => "account-files",
            RuleId::SensitiveRead => "sensitive-read",
            RuleId::WriteBinaryDir => "write-binary-dir",
            RuleId::WriteOutsideWritable => "write-outside-writable",
            RuleId::UnexpectedOutbound => "unexpected-outbound",
            RuleId::UnexpectedListen => "unexpected-listen",
            RuleId::ReverseShell => "reverse-shell",
        }
    }

    /// The id for `s`, if it names a rule.
    pub fn from_id(s: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|r| r.id() == s)
    }

    /// The tag that marks the rule in the file (`secchain.shell`).
    pub fn tag(self) -> String {
        format!("secchain.{}", self.id())
    }
}
