//! The generated rules files: valid for Falco's schema, grammar and field list, and
//! visibly different for a distroless image and a Debian image.

mod common;

use common::{debian_input, distroless_input, validate_file};
use secchain_runtime_rules::falco::condition::{print, ListItem, Rhs};
use secchain_runtime_rules::falco::rules::{Priority, Rule, RulesFile};
use secchain_runtime_rules::{generate, profile, RuntimeRulesOptions};

fn rules_for(
    input: &secchain_runtime_rules::ImageProfileInput,
    opts: &RuntimeRulesOptions,
) -> (RulesFile, String) {
    let g = generate(&profile(input), opts).expect("generates");
    let text = g.rules.render().expect("renders");
    (g.rules, text)
}

fn rule_by_prefix<'a>(file: &'a RulesFile, prefix: &str) -> &'a Rule {
    file.rules()
        .find(|r| r.name.starts_with(prefix))
        .unwrap_or_else(|| {
            panic!(
                "no rule `{prefix}…`; rules: {:?}",
                file.rules().map(|r| &r.name).collect::<Vec<_>>()
            )
        })
}

fn list_items<'a>(file: &'a RulesFile, suffix: &str) -> &'a [String] {
    &file
        .lists()
        .find(|l| l.name.ends_with(suffix))
        .unwrap_or_else(|| panic!("no list *{suffix}"))
        .items
}

#[test]
fn distroless_file_is_valid() {
    let (file, text) = rules_for(&distroless_input(), &RuntimeRulesOptions::default());
    validate_file(&file, &text, true);
}

#[test]
fn debian_file_is_valid() {
    let (file, text) = rules_for(&debian_input(), &RuntimeRulesOptions::default());
    validate_file(&file, &text, true);
}

#[test]
fn self_contained_files_are_valid_alone() {
    let opts = RuntimeRulesOptions {
        self_contained: true,
        ..RuntimeRulesOptions::default()
    };
    for input in [distroless_input(), debian_input()] {
        let g = generate(&profile(&input), &opts).unwrap();
        assert!(g.relies_on_defaults.is_empty());
        let text = g.rules.render().unwrap();
        validate_file(&g.rules, &text, false);
        assert!(text.contains("- macro: secchain_spawned_process"));
        assert!(text.contains("- list: secchain_rfc_1918_addresses"));
        assert!(!text.contains("Relies on Falco's default rules (falco_rules.yaml), which must"));
    }
}

#[test]
fn default_mode_says_what_it_relies_on() {
    let g = generate(&profile(&debian_input()), &RuntimeRulesOptions::default()).unwrap();
    let expected: Vec<&str> = vec![
        "container",
        "container_entrypoint",
        "dup",
        "open_read",
        "open_write",
        "outbound",
        "spawned_process",
    ];
    assert_eq!(
        g.relies_on_defaults
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        expected
    );
    let text = g.rules.render().unwrap();
    assert!(text.contains("# Relies on Falco's default rules (falco_rules.yaml), which must be loaded before this file"));
    assert!(text.contains(&format!("#   {}", expected.join(", "))));
    let shell = rule_by_prefix(&g.rules, "Unexpected shell");
    assert!(
        shell
            .desc
            .contains("(falco_rules.yaml): container, container_entrypoint, spawned_process."),
        "{}",
        shell.desc
    );
}

#[test]
fn rendering_is_deterministic() {
    for input in [distroless_input(), debian_input()] {
        let (_, a) = rules_for(&input, &RuntimeRulesOptions::default());
        let (_, b) = rules_for(&input, &RuntimeRulesOptions::default());
        assert_eq!(a, b);
    }
}

#[test]
fn rules_are_scoped_to_the_image() {
    let (file, _) = rules_for(&distroless_input(), &RuntimeRulesOptions::default());
    let image = file.macros().find(|m| m.name.ends_with("_image")).unwrap();
    let text = print(&image.condition).unwrap();
    assert!(
        text.starts_with("container and container.image.repository in (secchain_api_"),
        "{text}"
    );
    assert!(text.ends_with(
        "container.image.digest = \"sha256:3f1e8c5c3a0b6c8f7d2e1a9b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f\""
    ), "{text}");
    assert_eq!(
        list_items(&file, "_repositories"),
        ["registry.example.com/team/api"]
    );
    for r in file.rules() {
        assert!(
            r.condition.macro_refs().contains(&image.name),
            "rule {} is not scoped to the image",
            r.name
        );
    }
    // Without a digest (or with scope_to_digest: false), only the repository.
    let opts = RuntimeRulesOptions {
        scope_to_digest: false,
        ..RuntimeRulesOptions::default()
    };
    let (file, _) = rules_for(&distroless_input(), &opts);
    let image = file.macros().find(|m| m.name.ends_with("_image")).unwrap();
    assert!(!print(&image.condition).unwrap().contains("digest"));
}

#[test]
fn distroless_and_debian_differ_visibly() {
    let (dl, _) = rules_for(&distroless_input(), &RuntimeRulesOptions::default());
    let (deb, _) = rules_for(&debian_input(), &RuntimeRulesOptions::default());

    // Distroless: no shell, so any shell is CRITICAL; Debian: an "unexpected shell" WARNING
    // that spares the entrypoint script's own /bin/sh.
    let dl_shell = rule_by_prefix(&dl, "Shell in an image without a shell");
    assert_eq!(dl_shell.priority, Priority::Critical);
    assert!(dl.rules().all(|r| !r.name.starts_with("Unexpected shell")));
    let deb_shell = rule_by_prefix(&deb, "Unexpected shell");
    assert_eq!(deb_shell.priority, Priority::Warning);
    assert!(deb_shell
        .condition
        .macro_refs()
        .contains("container_entrypoint"));
    assert!(!dl_shell
        .condition
        .macro_refs()
        .contains("container_entrypoint"));

    // Package managers, compilers, network tools: brought in (CRITICAL) vs present (ERROR/WARNING).
    assert_eq!(
        rule_by_prefix(&dl, "A package manager brought into").priority,
        Priority::Critical
    );
    assert_eq!(
        rule_by_prefix(&deb, "Unexpected package manager run").priority,
        Priority::Error
    );
    assert_eq!(
        rule_by_prefix(&dl, "A network tool brought into").priority,
        Priority::Critical
    );
    assert_eq!(
        rule_by_prefix(&deb, "Unexpected network tool run").priority,
        Priority::Warning
    );
    assert_eq!(
        rule_by_prefix(&deb, "Unexpected compiler or build tool run").priority,
        Priority::Error
    );

    // The allow-list holds the entrypoint in both.
    assert_eq!(list_items(&dl, "_expected_executables"), ["/app/server"]);
    let deb_expected = list_items(&deb, "_expected_executables");
    for p in [
        "/docker-entrypoint.sh",
        "/usr/bin/python3",
        "/usr/bin/python3.11",
        "/bin/sh",
        "/usr/bin/dash",
        "/usr/bin/curl",
    ] {
        assert!(
            deb_expected.contains(&p.to_string()),
            "{p} missing from {deb_expected:?}"
        );
    }
    assert!(!deb_expected.contains(&"/usr/bin/apt-get".to_string()));

    // Non-root distroless: a root process is an alarm; Debian runs as root: no such rule.
    assert!(dl
        .rules()
        .any(|r| r.name.starts_with("Root process in a non-root image")));
    assert!(deb.rules().all(|r| !r.name.starts_with("Root process")));

    // Setuid executables only in Debian.
    assert!(deb.lists().any(|l| l.name.ends_with("_setuid_executables")
        && l.items == ["/usr/bin/passwd", "/usr/bin/su"]));
    assert!(dl.lists().all(|l| !l.name.ends_with("_setuid_executables")));

    // Writable paths: the volume and the world-writable dirs (Debian); the user's home (distroless).
    assert_eq!(
        list_items(&deb, "_writable_paths"),
        // The working dir too: it belongs to the image's user (root here).
        [
            "/data",
            "/dev/shm",
            "/dev/termination-log",
            "/run/lock",
            "/srv/app",
            "/tmp",
            "/var/tmp"
        ]
    );
    assert_eq!(
        list_items(&dl, "_writable_paths"),
        [
            "/dev/shm",
            "/dev/termination-log",
            "/home/nonroot",
            "/tmp",
            "/var/tmp"
        ]
    );

    // Listening ports follow EXPOSE.
    assert_eq!(list_items(&dl, "_exposed_tcp_ports"), ["8080"]);
    assert_eq!(list_items(&deb, "_exposed_tcp_ports"), ["8000"]);
}

#[test]
fn every_required_rule_is_there() {
    let (file, _) = rules_for(&debian_input(), &RuntimeRulesOptions::default());
    for prefix in [
        "Unexpected process",
        "Executable not from the image",
        "Unexpected shell",
        "Unexpected package manager run",
        "Write below a binary or library directory",
        "Write outside the expected writable paths",
        "Unexpected outbound connection",
        "Download and execute",
        "Crypto-miner process",
        "Connection to a mining-pool port",
        "Privilege escalation tool or setuid executable run",
        "Account or sudoers file modified",
        "Sensitive file read",
        "Reverse shell",
        "Unexpected listening port",
    ] {
        rule_by_prefix(&file, prefix);
    }
    // Download-and-execute covers /tmp and /dev/shm, and curl piped into a shell.
    let dl = print(&rule_by_prefix(&file, "Download and execute").condition).unwrap();
    assert!(dl.contains("proc.exepath pmatch (secchain_web_"), "{dl}");
    assert!(list_items(&file, "_exec_forbidden_dirs").contains(&"/dev/shm".to_string()));
    assert!(dl.contains("proc.args contains \"curl\""));
    // Miners by name and by stratum URL.
    let miner = print(&rule_by_prefix(&file, "Crypto-miner process").condition).unwrap();
    assert!(
        miner.contains("proc.cmdline contains \"stratum+tcp://\""),
        "{miner}"
    );
    assert!(list_items(&file, "_miner_names").contains(&"xmrig".to_string()));
    // Reverse shell: stdin/stdout sockets, or dup onto fds 0-2.
    let rs = print(&rule_by_prefix(&file, "Reverse shell").condition).unwrap();
    assert!(
        rs.contains("proc.stdin.type in (\"ipv4\", \"ipv6\")"),
        "{rs}"
    );
    assert!(
        rs.contains("dup and") && rs.contains("evt.rawres in (0, 1, 2)"),
        "{rs}"
    );
    // Sensitive reads: shadow and service-account tokens.
    assert!(list_items(&file, "_secret_files").contains(&"/etc/shadow".to_string()));
    assert!(list_items(&file, "_token_dirs")
        .contains(&"/var/run/secrets/kubernetes.io/serviceaccount".to_string()));
    // Outbound: only the allowed ports pass.
    let ob = print(&rule_by_prefix(&file, "Unexpected outbound connection").condition).unwrap();
    assert!(ob.starts_with("outbound and "), "{ob}");
    assert_eq!(list_items(&file, "_allowed_outbound_ports"), ["443", "53"]);
}

#[test]
fn options_shape_the_rules() {
    let mut overrides = std::collections::BTreeMap::new();
    overrides.insert("unexpected-outbound".to_string(), "notice".to_string());
    let opts = RuntimeRulesOptions {
        extra_allowed_processes: vec!["/usr/bin/cat".into(), "envsubst".into()],
        allowed_outbound_ports: Some(vec![5432]),
        priority_overrides: overrides,
        extra_writable_paths: vec!["/var/cache/app".into()],
        ..RuntimeRulesOptions::default()
    };
    let (file, text) = rules_for(&debian_input(), &opts);
    validate_file(&file, &text, true);
    assert!(list_items(&file, "_expected_executables").contains(&"/usr/bin/cat".to_string()));
    assert_eq!(list_items(&file, "_expected_process_names"), ["envsubst"]);
    assert_eq!(list_items(&file, "_allowed_outbound_ports"), ["5432"]);
    assert_eq!(
        rule_by_prefix(&file, "Unexpected outbound connection").priority,
        Priority::Notice
    );
    assert!(list_items(&file, "_writable_paths").contains(&"/var/cache/app".to_string()));
    // An empty port list: every outbound connection is unexpected.
    let opts = RuntimeRulesOptions {
        allowed_outbound_ports: Some(vec![]),
        ..RuntimeRulesOptions::default()
    };
    let (file, _) = rules_for(&debian_input(), &opts);
    let ob = rule_by_prefix(&file, "Unexpected outbound connection");
    assert!(!print(&ob.condition).unwrap().contains("fd.sport"));
}

#[test]
fn long_process_names_get_their_comm_form() {
    let (file, _) = rules_for(&debian_input(), &RuntimeRulesOptions::default());
    let miners = list_items(&file, "_miner_names");
    // "cpuminer-multi" is 14 bytes: kept; nothing longer than 15 without its prefix.
    for n in miners.iter().filter(|n| n.len() > 15) {
        assert!(miners.contains(&n[..15].to_string()));
    }
    let rule = rule_by_prefix(&file, "Unexpected shell");
    let Rhs::List(items) = (match &rule.condition {
        secchain_runtime_rules::falco::condition::Expr::And(c) => match &c[2] {
            secchain_runtime_rules::falco::condition::Expr::Check(ch) => ch.rhs.clone(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }) else {
        panic!("not a list")
    };
    assert!(matches!(&items[0], ListItem::ListRef(n) if n.ends_with("_shell_names")));
}

#[test]
#[ignore = "prints a sample file; run with --ignored --nocapture"]
fn show_sample() {
    let (_, text) = rules_for(&debian_input(), &RuntimeRulesOptions::default());
    std::fs::write(
        std::env::temp_dir().join("secchain-sample-rules.yaml"),
        text,
    )
    .unwrap();
    let opts = RuntimeRulesOptions {
        self_contained: true,
        ..RuntimeRulesOptions::default()
    };
    let (_, text) = rules_for(&distroless_input(), &opts);
    let path = std::env::temp_dir().join("secchain-sample-self-contained.yaml");
    std::fs::write(path, text).unwrap();
}
