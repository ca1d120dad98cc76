//! What the policies mean: the key is the pipeline's, a keyless policy names the identity
//! the signature carries, the image patterns match the image and not its neighbours (with
//! each controller's own matching rules, ported here), verification follows how the
//! pipeline signed, and Kyverno's attestation conditions hold on real predicates.

mod common;

use common::{doc_json, docs, BUILDER, DIGEST, ISSUER, PUBLIC_KEY, REPO, SUBJECT};
use secchain_policy::input::{SignatureFormat, Signer};
use secchain_policy::options::{KeySecret, Mode, PolicyOptions};
use serde_json::{json, Value};

/// Every string value anywhere in `v`.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn the_public_key_in_every_policy_is_the_pipelines_key() {
    let d = docs(&common::key_input(), &common::all_attestations());
    let cip = doc_json(&d, "cluster-image-policy.yaml");
    for a in cip["spec"]["authorities"].as_array().unwrap() {
        assert_eq!(a["key"]["data"], PUBLIC_KEY);
    }
    let ky = doc_json(&d, "kyverno-cluster-policy.yaml");
    let vi = &ky["spec"]["rules"][0]["verifyImages"][0];
    assert_eq!(
        vi["attestors"][0]["entries"][0]["keys"]["publicKeys"],
        PUBLIC_KEY
    );
    for a in vi["attestations"].as_array().unwrap() {
        assert_eq!(
            a["attestors"][0]["entries"][0]["keys"]["publicKeys"],
            PUBLIC_KEY
        );
    }
    // No other key sneaks in anywhere.
    for doc in [&cip, &ky] {
        let mut all = Vec::new();
        strings(doc, &mut all);
        for s in all.iter().filter(|s| s.contains("PUBLIC KEY")) {
            assert_eq!(s, PUBLIC_KEY);
        }
    }
}

#[test]
fn a_key_secret_replaces_the_inline_key() {
    let options = PolicyOptions {
        key_secret: Some(KeySecret {
            name: "cosign-pub".into(),
            namespace: "cosign-system".into(),
        }),
        ..PolicyOptions::default()
    };
    let d = docs(&common::key_input(), &options);
    let cip = doc_json(&d, "cluster-image-policy.yaml");
    assert_eq!(
        cip["spec"]["authorities"][0]["key"],
        json!({"secretRef": {"name": "cosign-pub", "namespace": "cosign-system"}})
    );
    let ky = doc_json(&d, "kyverno-cluster-policy.yaml");
    let keys = &ky["spec"]["rules"][0]["verifyImages"][0]["attestors"][0]["entries"][0]["keys"];
    assert_eq!(
        keys["secret"],
        json!({"name": "cosign-pub", "namespace": "cosign-system"})
    );
    for doc in [&cip, &ky] {
        assert!(!doc.to_string().contains("BEGIN PUBLIC KEY"));
    }
}

#[test]
fn a_keyless_policy_names_the_identity_the_signature_carries() {
    let d = docs(&common::keyless_input(), &PolicyOptions::default());
    let cip = doc_json(&d, "cluster-image-policy.yaml");
    for a in cip["spec"]["authorities"].as_array().unwrap() {
        assert_eq!(
            a["keyless"]["identities"],
            json!([{"issuer": ISSUER, "subject": SUBJECT}])
        );
        assert_eq!(a["keyless"]["url"], "https://fulcio.sigstore.dev");
        assert!(a.get("key").is_none());
    }
    let ky = doc_json(&d, "kyverno-cluster-policy.yaml");
    let keyless =
        &ky["spec"]["rules"][0]["verifyImages"][0]["attestors"][0]["entries"][0]["keyless"];
    assert_eq!(keyless["issuer"], ISSUER);
    assert_eq!(keyless["subject"], SUBJECT);
}

#[test]
fn keyless_regexps_match_the_identity_and_not_others() {
    let (_, input, options) = common::variants()
        .into_iter()
        .find(|(n, ..)| *n == "keyless-regexp-bundle")
        .unwrap();
    let d = docs(&input, &options);
    let cip = doc_json(&d, "cluster-image-policy.yaml");
    let id = &cip["spec"]["authorities"][0]["keyless"]["identities"][0];
    let issuer = regex::Regex::new(id["issuerRegExp"].as_str().unwrap()).unwrap();
    let subject = regex::Regex::new(id["subjectRegExp"].as_str().unwrap()).unwrap();
    assert!(issuer.is_match(ISSUER) && subject.is_match(SUBJECT));
    assert!(!issuer.is_match("https://accounts.google.com"));
    assert!(!subject
        .is_match("https://github.com/other/app/.github/workflows/release.yml@refs/heads/main"));
    let ky = doc_json(&d, "kyverno-cluster-policy.yaml");
    let keyless =
        &ky["spec"]["rules"][0]["verifyImages"][0]["attestors"][0]["entries"][0]["keyless"];
    assert_eq!(keyless["issuerRegExp"], id["issuerRegExp"]);
    assert_eq!(keyless["subjectRegExp"], id["subjectRegExp"]);
    assert!(keyless.get("issuer").is_none() && keyless.get("subject").is_none());
}

/// go-containerregistry's `name.ParseReference(s, WeakValidation).Name()`, ported.
fn ggcr_name(image: &str) -> String {
    let (base, digest) = match image.split_once('@') {
        Some((b, d)) => (b, Some(d)),
        None => (image, None),
    };
    let slash = base.rfind('/').map_or(0, |i| i + 1);
    let (repo, tag) = match base[slash..].rfind(':') {
        Some(i) => (&base[..slash + i], &base[slash + i + 1..]),
        None => (base, "latest"),
    };
    let (registry, path) = match repo.split_once('/') {
        Some((r, p)) if r.contains('.') || r.contains(':') || r == "localhost" => {
            (r, p.to_string())
        }
        _ => ("index.docker.io", repo.to_string()),
    };
    let registry = if registry == "docker.io" {
        "index.docker.io"
    } else {
        registry
    };
    let path = if registry == "index.docker.io" && !path.contains('/') {
        format!("library/{path}")
    } else {
        path
    };
    match digest {
        Some(d) => format!("{registry}/{path}@{d}"),
        None => format!("{registry}/{path}:{tag}"),
    }
}

/// policy-controller's `glob.Compile` + `glob.Match`, ported.
fn cip_glob_match(glob: &str, image: &str) -> bool {
    assert!(
        regex::Regex::new(r"^[a-zA-Z0-9-_:/*.@]+$")
            .unwrap()
            .is_match(glob),
        "invalid glob {glob}"
    );
    let re = glob
        .replace('.', r"\.")
        .replace("**", "#")
        .replace('*', "[^/]*")
        .replace('#', ".*");
    let re = regex::Regex::new(&format!("^{re}$")).unwrap();
    re.is_match(&ggcr_name(image)) || re.is_match(image)
}

/// Kyverno's image normalisation (`docker.io/library/…`, `:latest`) and `wildcard.Match`.
fn kyverno_match(pattern: &str, image: &str) -> bool {
    let name = ggcr_name(image).replacen("index.docker.io/", "docker.io/", 1);
    let re = regex::escape(pattern)
        .replace(r"\*", ".*")
        .replace(r"\?", ".");
    regex::Regex::new(&format!("^{re}$"))
        .unwrap()
        .is_match(&name)
}

const OURS: [&str; 4] = [
    "registry.example.com/team/app",
    "registry.example.com/team/app:1.4",
    "registry.example.com/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "registry.example.com/team/app:1.4@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
];
const NEIGHBOURS: [&str; 7] = [
    "registry.example.com/team/app-other:1.4",
    "registry.example.com/team/application",
    "registry.example.com/team/app/sub:1",
    "registry.example.com/team/ap:1",
    "registry.example.com/team:1",
    "other.example.com/team/app:1.4",
    "registry.example.com/other/app:1.4",
];

#[test]
fn globs_match_the_image_and_not_its_neighbours() {
    let d = docs(&common::key_input(), &PolicyOptions::default());
    let cip = doc_json(&d, "cluster-image-policy.yaml");
    let globs: Vec<&str> = cip["spec"]["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["glob"].as_str().unwrap())
        .collect();
    let ky = doc_json(&d, "kyverno-cluster-policy.yaml");
    let refs: Vec<&str> = ky["spec"]["rules"][0]["verifyImages"][0]["imageReferences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    for image in OURS {
        assert!(
            globs.iter().any(|g| cip_glob_match(g, image)),
            "CIP misses {image}"
        );
        assert!(
            refs.iter().any(|p| kyverno_match(p, image)),
            "Kyverno misses {image}"
        );
    }
    for image in NEIGHBOURS {
        assert!(
            !globs.iter().any(|g| cip_glob_match(g, image)),
            "CIP matches neighbour {image}"
        );
        assert!(
            !refs.iter().any(|p| kyverno_match(p, image)),
            "Kyverno matches neighbour {image}"
        );
    }
}

#[test]
fn docker_hub_globs_use_each_controllers_normal_form() {
    let mut input = common::key_input();
    input.image_repository = "nginx".into();
    let d = docs(&input, &PolicyOptions::default());
    let cip = doc_json(&d, "cluster-image-policy.yaml");
    let globs: Vec<&str> = cip["spec"]["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["glob"].as_str().unwrap())
        .collect();
    let ky = doc_json(&d, "kyverno-cluster-policy.yaml");
    let refs: Vec<&str> = ky["spec"]["rules"][0]["verifyImages"][0]["imageReferences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    for image in ["nginx", "nginx:1.27", "docker.io/library/nginx:1.27", "index.docker.io/library/nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"] {
        assert!(globs.iter().any(|g| cip_glob_match(g, image)), "CIP misses {image}");
        assert!(refs.iter().any(|p| kyverno_match(p, image)), "Kyverno misses {image}");
    }
    for image in ["nginx-extras", "bitnami/nginx:1", "ghcr.io/library/nginx:1"] {
        assert!(
            !globs.iter().any(|g| cip_glob_match(g, image)),
            "CIP matches {image}"
        );
        assert!(
            !refs.iter().any(|p| kyverno_match(p, image)),
            "Kyverno matches {image}"
        );
    }
}

#[test]
fn verification_follows_how_the_pipeline_signed() {
    // With Rekor: ctlog/rekor URLs. Without: no ctlog (policy-controller then skips the
    // tlog) and Kyverno's ignoreTlog.
    let d = docs(&common::key_input(), &PolicyOptions::default());
    let cip = doc_json(&d, "cluster-image-policy.yaml");
    assert_eq!(
        cip["spec"]["authorities"][0]["ctlog"]["url"],
        "https://rekor.sigstore.dev"
    );
    let mut no_tlog = common::key_input();
    no_tlog.tlog = false;
    let d = docs(&no_tlog, &PolicyOptions::default());
    let cip = doc_json(&d, "cluster-image-policy.yaml");
    assert!(cip["spec"]["authorities"][0].get("ctlog").is_none());
    let ky = doc_json(&d, "kyverno-cluster-policy.yaml");
    assert_eq!(
        ky["spec"]["rules"][0]["verifyImages"][0]["attestors"][0]["entries"][0]["keys"]["rekor"],
        json!({"ignoreTlog": true})
    );
    // A private Rekor.
    let mut private = common::key_input();
    private.signer = Signer::Key {
        public_key_pem: PUBLIC_KEY.into(),
        rekor_url: Some("https://rekor.internal.example".into()),
    };
    let cip = doc_json(
        &docs(&private, &PolicyOptions::default()),
        "cluster-image-policy.yaml",
    );
    assert_eq!(
        cip["spec"]["authorities"][0]["ctlog"]["url"],
        "https://rekor.internal.example"
    );
    // Bundles.
    let mut bundle = common::keyless_input();
    bundle.signature_format = SignatureFormat::Bundle;
    let d = docs(&bundle, &PolicyOptions::default());
    assert_eq!(
        doc_json(&d, "cluster-image-policy.yaml")["spec"]["authorities"][0]["signatureFormat"],
        "bundle"
    );
    assert_eq!(
        doc_json(&d, "kyverno-cluster-policy.yaml")["spec"]["rules"][0]["verifyImages"][0]["type"],
        "SigstoreBundle"
    );
}

#[test]
fn the_cip_requires_signature_and_attestations_and_mode_maps_per_controller() {
    let d = docs(&common::key_input(), &common::all_attestations());
    let cip = doc_json(&d, "cluster-image-policy.yaml");
    let auths = cip["spec"]["authorities"].as_array().unwrap();
    assert_eq!(auths.len(), 2);
    assert!(
        auths[0].get("attestations").is_none(),
        "the signature authority checks the image signature"
    );
    let types: Vec<&str> = auths[1]["attestations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["predicateType"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "https://slsa.dev/provenance/v1",
            "https://cosign.sigstore.dev/attestation/vuln/v1",
            "https://cyclonedx.org/bom",
            "https://spdx.dev/Document"
        ]
    );
    assert_eq!(cip["spec"]["mode"], "enforce");
    let warn = PolicyOptions {
        mode: Mode::Warn,
        ..PolicyOptions::default()
    };
    let d = docs(&common::key_input(), &warn);
    assert_eq!(
        doc_json(&d, "cluster-image-policy.yaml")["spec"]["mode"],
        "warn"
    );
    let ky = doc_json(&d, "kyverno-cluster-policy.yaml");
    assert_eq!(ky["spec"]["validationFailureAction"], "Audit");
    let vi = &ky["spec"]["rules"][0]["verifyImages"][0];
    assert_eq!(
        (vi["failureAction"].as_str(), vi["mutateDigest"].as_bool()),
        (Some("Audit"), Some(false))
    );
    assert_eq!(
        doc_json(&d, "validating-admission-policy-binding.yaml")["spec"]["validationActions"],
        json!(["Warn", "Audit"])
    );
    // No attestations required: one authority, no CIP-level policy.
    let none = PolicyOptions {
        require_attestations: vec![],
        ..PolicyOptions::default()
    };
    let cip = doc_json(
        &docs(&common::key_input(), &none),
        "cluster-image-policy.yaml",
    );
    assert_eq!(cip["spec"]["authorities"].as_array().unwrap().len(), 1);
    assert!(cip["spec"].get("policy").is_none());
}

/// Kyverno evaluates `{{ … }}` as JMESPath over the attestation's predicate.
fn kyverno_condition_holds(condition: &Value, predicate: &Value) -> bool {
    let key = condition["key"].as_str().unwrap();
    let expr = key
        .strip_prefix("{{")
        .and_then(|k| k.strip_suffix("}}"))
        .unwrap()
        .trim();
    let found = jmespath::compile(expr)
        .unwrap_or_else(|e| panic!("{expr}: {e}"))
        .search(predicate.clone())
        .unwrap();
    let found: Value = serde_json::to_value(&*found).unwrap();
    assert_eq!(condition["operator"], "Equals");
    match (&found, &condition["value"]) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    }
}

#[test]
fn kyverno_conditions_hold_on_matching_predicates_only() {
    let d = docs(&common::key_input(), &common::all_attestations());
    let ky = doc_json(&d, "kyverno-cluster-policy.yaml");
    let atts = ky["spec"]["rules"][0]["verifyImages"][0]["attestations"]
        .as_array()
        .unwrap()
        .clone();
    let condition =
        |t: &str| atts.iter().find(|a| a["type"] == t).unwrap()["conditions"][0]["all"][0].clone();
    let prov = condition("https://slsa.dev/provenance/v1");
    assert!(kyverno_condition_holds(
        &prov,
        &json!({"runDetails": {"builder": {"id": BUILDER}}})
    ));
    assert!(!kyverno_condition_holds(
        &prov,
        &json!({"runDetails": {"builder": {"id": "https://evil.example"}}})
    ));
    let vuln = condition("https://cosign.sigstore.dev/attestation/vuln/v1");
    let scan = |v: Value| json!({"scanner": {"uri": "trivy", "result": {"Results": [{"Vulnerabilities": v}, {"Target": "os"}]}}});
    assert!(kyverno_condition_holds(
        &vuln,
        &scan(
            json!([{"Severity": "HIGH", "FixedVersion": "1"}, {"Severity": "CRITICAL", "FixedVersion": ""}])
        )
    ));
    assert!(kyverno_condition_holds(
        &vuln,
        &json!({"scanner": {"uri": "trivy", "result": {}}})
    ));
    assert!(!kyverno_condition_holds(
        &vuln,
        &scan(json!([{"Severity": "CRITICAL", "FixedVersion": "2.0"}]))
    ));
    let cdx = condition("https://cyclonedx.org/bom");
    assert!(kyverno_condition_holds(
        &cdx,
        &json!({"bomFormat": "CycloneDX"})
    ));
    assert!(!kyverno_condition_holds(
        &cdx,
        &json!({"spdxVersion": "SPDX-2.3"})
    ));
    let spdx = condition("https://spdx.dev/Document");
    assert!(kyverno_condition_holds(
        &spdx,
        &json!({"SPDXID": "SPDXRef-DOCUMENT"})
    ));
}

#[test]
fn the_pod_snippet_runs_the_image_by_digest_as_its_user() {
    let d = docs(&common::key_input(), &PolicyOptions::default());
    let pod = doc_json(&d, "pod-spec-snippet.yaml");
    let c = &pod["containers"][0];
    assert_eq!(c["image"], format!("{REPO}@{DIGEST}"));
    assert_eq!(c["securityContext"]["runAsUser"], 10001);
    assert_eq!(c["securityContext"]["runAsGroup"], 10001);
    assert_eq!(
        c["ports"],
        json!([{"containerPort": 8080, "protocol": "TCP"}, {"containerPort": 8125, "protocol": "UDP"}])
    );
    assert_eq!(
        c["volumeMounts"],
        json!([{"mountPath": "/tmp", "name": "tmp"}, {"mountPath": "/var/cache/app", "name": "var-cache-app"}])
    );
    assert_eq!(
        pod["volumes"],
        json!([{"emptyDir": {}, "name": "tmp"}, {"emptyDir": {}, "name": "var-cache-app"}])
    );
    assert_eq!(pod["automountServiceAccountToken"], false);
}
