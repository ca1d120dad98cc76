//! Catalogers on small in-memory filesystems: OS databases, language
//! metadata, lock files, binaries, archives and hostile inputs.

mod common;

use secchain_sbom::catalog::CatalogOptions;
use secchain_sbom::merge::merge_platforms;
use secchain_sbom::{
    catalog, cyclonedx, BaseKind, FoundBy, Inventory, MemTree, Package, PackageType,
};
use std::io::Write;

fn run(tree: &MemTree) -> Inventory {
    catalog(tree, &CatalogOptions::default())
}

fn find<'a>(inv: &'a Inventory, t: PackageType, name: &str) -> &'a Package {
    inv.packages
        .iter()
        .find(|p| p.ptype == t && p.full_name() == name)
        .unwrap_or_else(|| panic!("no {t:?} {name} in {:#?}", inv.packages))
}

const ALPINE_RELEASE: &str =
    "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n";

#[test]
fn apk_database() {
    let db = "C:Q1abc=\nP:musl\nV:1.2.5-r0\nA:x86_64\nL:MIT\no:musl\np:so:libc.musl-x86_64.so.1=1\n\n\
              P:busybox-binsh\nV:1.36.1-r29\nA:x86_64\nL:GPL-2.0-only\no:busybox\nD:busybox=1.36.1-r29 so:libc.musl-x86_64.so.1\n\n\
              P:busybox\nV:1.36.1-r29\nA:x86_64\nL:GPL-2.0-only\nD:so:libc.musl-x86_64.so.1\n";
    let inv = run(&MemTree::new()
        .file("/etc/os-release", ALPINE_RELEASE)
        .file("/lib/apk/db/installed", db)
        .file_with("/sbin/apk", vec![0u8; 10], 0o755, None));
    assert_eq!(inv.packages.len(), 3);
    assert_eq!(inv.base, BaseKind::Distro);
    let sh = find(&inv, PackageType::Apk, "busybox-binsh");
    assert_eq!(sh.source.as_ref().unwrap().name, "busybox");
    assert_eq!(sh.ecosystem(), "Alpine");
    assert_eq!(sh.depends_on, vec!["busybox".to_owned(), "musl".to_owned()]);
    assert_eq!(
        sh.purl(),
        "pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3&upstream=busybox"
    );
}

#[test]
fn distroless_status_d_and_layers() {
    let layer = secchain_sbom::LayerRef {
        index: 2,
        digest: Some("sha256:aa".into()),
    };
    let inv = run(&MemTree::new()
        .file("/usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n")
        .file_with(
            "/var/lib/dpkg/status.d/libssl3",
            "Package: libssl3\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\nSource: openssl\nStatus: install ok installed\n",
            0o644,
            Some(layer.clone()),
        )
        .file("/var/lib/dpkg/status.d/libssl3.md5sums", "abc  usr/lib/x\n")
        .file("/var/lib/dpkg/status.d/base", "Package: base-files\nVersion: 12.4+deb12u8\nArchitecture: amd64\n"));
    assert_eq!(inv.base, BaseKind::Distroless);
    assert_eq!(inv.packages.len(), 2);
    let ssl = find(&inv, PackageType::Deb, "libssl3");
    assert_eq!(
        ssl.source
            .as_ref()
            .map(|s| (s.name.as_str(), s.version.as_str())),
        Some(("openssl", "3.0.15-1~deb12u1"))
    );
    assert_eq!(ssl.locations[0].layer.as_ref(), Some(&layer));
    assert_eq!(
        ssl.purl(),
        "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl"
    );
}

#[test]
fn scratch_image_with_nothing() {
    let inv = run(&MemTree::new().file("/app/config.yaml", "a: 1\n"));
    assert_eq!(inv.base, BaseKind::Scratch);
    assert!(inv.packages.is_empty() && inv.distro.is_none());
}

/// An rpm header blob (no lead/magic) with the given string tags and epoch.
fn rpm_header(tags: &[(u32, &str)], epoch: Option<u32>) -> Vec<u8> {
    let mut index = Vec::new();
    let mut store = Vec::new();
    let mut n = 0u32;
    for (tag, val) in tags {
        index.extend_from_slice(&tag.to_be_bytes());
        index.extend_from_slice(&6u32.to_be_bytes());
        index.extend_from_slice(&(store.len() as u32).to_be_bytes());
        index.extend_from_slice(&1u32.to_be_bytes());
        store.extend_from_slice(val.as_bytes());
        store.push(0);
        n += 1;
    }
    if let Some(e) = epoch {
        while store.len() % 4 != 0 {
            store.push(0);
        }
        index.extend_from_slice(&1003u32.to_be_bytes());
        index.extend_from_slice(&4u32.to_be_bytes());
        index.extend_from_slice(&(store.len() as u32).to_be_bytes());
        index.extend_from_slice(&1u32.to_be_bytes());
        store.extend_from_slice(&e.to_be_bytes());
        n += 1;
    }
    // Padding so that headers span SQLite overflow pages.
    store.extend(std::iter::repeat_n(0u8, 6000));
    let mut out = n.to_be_bytes().to_vec();
    out.extend_from_slice(&(store.len() as u32).to_be_bytes());
    out.extend(index);
    out.extend(store);
    out
}

#[test]
fn rpm_sqlite_database() {
    let tmp = tempfile::tempdir().unwrap();
    let mut blobs = Vec::new();
    for i in 0..300 {
        let name = format!("pkg{i:03}");
        let srpm = format!("{name}-src-1.{i}-3.el9.src.rpm");
        let epoch = (i % 2 == 0).then_some(2);
        blobs.push(rpm_header(
            &[
                (1000, &name),
                (1001, &format!("1.{i}")),
                (1002, "3.el9"),
                (1022, "x86_64"),
                (1014, "MIT"),
                (1044, &srpm),
            ],
            epoch,
        ));
    }
    blobs.push(rpm_header(
        &[(1000, "gpg-pubkey"), (1001, "1"), (1002, "1")],
        None,
    ));
    for (i, b) in blobs.iter().enumerate() {
        std::fs::write(tmp.path().join(format!("{i:04}.bin")), b).unwrap();
    }
    let db = tmp.path().join("rpmdb.sqlite");
    let script = "import sqlite3,sys,glob\n\
        c=sqlite3.connect(sys.argv[1])\n\
        c.execute('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)')\n\
        c.execute('CREATE TABLE Name (key TEXT NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL)')\n\
        [c.execute('INSERT INTO Packages (blob) VALUES (?)', (open(f,'rb').read(),)) for f in sorted(glob.glob(sys.argv[2]+'/*.bin'))]\n\
        c.commit()\n";
    common::run(
        std::process::Command::new(common::tool("python3", "SECCHAIN_TEST_PYTHON"))
            .args(["-c", script])
            .arg(&db)
            .arg(tmp.path()),
    );
    let inv = run(&MemTree::new()
        .file("/etc/os-release", "ID=\"rocky\"\nVERSION_ID=\"9.4\"\n")
        .file("/var/lib/rpm/rpmdb.sqlite", std::fs::read(&db).unwrap()));
    assert!(inv.notes.is_empty(), "{:?}", inv.notes);
    assert_eq!(inv.packages.len(), 300, "gpg-pubkey is not a package");
    let p = find(&inv, PackageType::Rpm, "pkg010");
    assert_eq!(p.version, "2:1.10-3.el9");
    assert_eq!(
        p.source
            .as_ref()
            .map(|s| (s.name.as_str(), s.version.as_str())),
        Some(("pkg010-src", "1.10-3.el9"))
    );
    assert_eq!(p.ecosystem(), "Rocky Linux");
    assert_eq!(p.purl(), "pkg:rpm/rocky/pkg010@1.10-3.el9?arch=x86_64&distro=rocky-9.4&epoch=2&upstream=pkg010-src%401.10-3.el9");
    assert_eq!(find(&inv, PackageType::Rpm, "pkg011").version, "1.11-3.el9");
}

#[test]
fn rpm_ndb_is_reported_unsupported() {
    let inv = run(&MemTree::new().file(
        "/usr/lib/sysimage/rpm/Packages.db",
        b"RpmP\0\0\0\0".to_vec(),
    ));
    assert!(
        inv.notes
            .iter()
            .any(|n| n.message.contains("unsupported rpm database")),
        "{:?}",
        inv.notes
    );
}

#[test]
fn python_node_ruby_php_dotnet_metadata() {
    let inv = run(&MemTree::new()
        .file(
            "/usr/lib/python3/site-packages/Django-4.2.16.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: Django\nVersion: 4.2.16\nLicense: BSD-3-Clause\nRequires-Dist: asgiref (<4,>=3.6.0)\nRequires-Dist: sqlparse>=0.3.1\nRequires-Dist: argon2-cffi>=19.1.0 ; extra == 'argon2'\n\nbody\n",
        )
        .file("/usr/lib/python3/site-packages/asgiref-3.8.1.dist-info/METADATA", "Name: asgiref\nVersion: 3.8.1\n")
        .file("/usr/lib/python3/site-packages/zope.interface-7.1.0-py3.11.egg-info/PKG-INFO", "Name: zope.interface\nVersion: 7.1.0\n")
        .file("/app/node_modules/@babel/core/package.json", r#"{"name":"@babel/core","version":"7.25.8","license":"MIT","dependencies":{"debug":"^4"}}"#)
        .file("/app/node_modules/debug/package.json", r#"{"name":"debug","version":"4.3.7","licenses":[{"type":"MIT"}]}"#)
        .file("/app/node_modules/debug/src/package.json", r#"{"type":"module"}"#)
        .file("/usr/local/bundle/specifications/rack-3.1.8.gemspec", "Gem::Specification.new do |s|\n  s.name = \"rack\".freeze\n  s.version = \"3.1.8\".freeze\n  s.licenses = [\"MIT\".freeze]\nend\n")
        .file("/srv/vendor/composer/installed.json", r#"{"packages":[{"name":"Monolog/monolog","version":"3.7.0","license":["MIT"]}]}"#)
        .file("/app/web.deps.json", r#"{"libraries":{"Newtonsoft.Json/13.0.3":{"type":"package"},"web/1.0.0":{"type":"project"}}}"#));
    let dj = find(&inv, PackageType::Python, "django");
    assert_eq!(dj.licenses, vec!["BSD-3-Clause"]);
    assert_eq!(
        dj.depends_on,
        vec!["asgiref"],
        "extras and unresolved names dropped"
    );
    assert_eq!(dj.purl(), "pkg:pypi/django@4.2.16");
    assert_eq!(
        find(&inv, PackageType::Python, "zope-interface").version,
        "7.1.0"
    );
    let babel = find(&inv, PackageType::Npm, "@babel/core");
    assert_eq!(babel.purl(), "pkg:npm/%40babel/core@7.25.8");
    assert_eq!(babel.depends_on, vec!["debug"]);
    assert_eq!(find(&inv, PackageType::Npm, "debug").licenses, vec!["MIT"]);
    assert_eq!(
        find(&inv, PackageType::Gem, "rack").purl(),
        "pkg:gem/rack@3.1.8"
    );
    let mono = find(&inv, PackageType::Composer, "monolog/monolog");
    assert_eq!(
        (mono.purl().as_str(), mono.ecosystem()),
        ("pkg:composer/monolog/monolog@3.7.0", "Packagist")
    );
    assert_eq!(
        find(&inv, PackageType::Nuget, "Newtonsoft.Json").version,
        "13.0.3"
    );
    assert_eq!(inv.packages.len(), 8, "{:#?}", inv.packages);
}

#[test]
fn lock_files_are_declared_and_deduplicated() {
    let inv = run(&MemTree::new()
        .file("/app/site/requests-2.32.3.dist-info/METADATA", "Name: requests\nVersion: 2.32.3\n")
        .file("/app/requirements.txt", "# pinned\nrequests==2.32.3 \\\n    --hash=sha256:abc\nFlask[async]==3.0.3 ; python_version > '3.8'\nloose>=1.0\n-r other.txt\n")
        .file("/app/poetry.lock", "[[package]]\nname = \"Jinja2\"\nversion = \"3.1.4\"\n\n[package.dependencies]\nMarkupSafe = \">=2.0\"\n\n[[package]]\nname = \"markupsafe\"\nversion = \"2.1.5\"\n")
        .file("/app/Pipfile.lock", r#"{"default":{"idna":{"version":"==3.10"}},"develop":{}}"#)
        .file("/app/uv.lock", "version = 1\n[[package]]\nname = \"anyio\"\nversion = \"4.6.0\"\nsource = { registry = \"https://pypi.org/simple\" }\n")
        .file("/app/pylock.toml", "lock-version = \"1.0\"\n[[packages]]\nname = \"sniffio\"\nversion = \"1.3.1\"\n")
        .file("/rs/Cargo.lock", "version = 3\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.210\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n")
        .file("/js/yarn.lock", "# yarn lockfile v1\n\n\"@types/node@*\", \"@types/node@^20\":\n  version \"20.16.11\"\n  resolved \"https://x\"\n\nlodash@^4.17.21:\n  version \"4.17.21\"\n")
        .file("/js2/pnpm-lock.yaml", "lockfileVersion: '9.0'\n\npackages:\n\n  '@babel/code-frame@7.25.7':\n    resolution: {integrity: sha512-x}\n\n  react-dom@18.3.1(react@18.3.1):\n    resolution: {integrity: sha512-y}\n\nsnapshots:\n\n  left-pad@1.3.0: {}\n")
        .file("/js3/package-lock.json", r#"{"lockfileVersion":3,"packages":{"":{"name":"app","version":"1.0.0"},"node_modules/ms":{"version":"2.1.3","license":"MIT"},"node_modules/a/node_modules/ms":{"version":"2.0.0"}}}"#)
        .file("/js3/node_modules/ms/package.json", r#"{"name":"ms","version":"2.1.3"}"#)
        .file("/go/src/go.mod", "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/net v0.30.0 // indirect\n)\nrequire github.com/spf13/cobra v1.8.1\n")
        .file("/go/src/go.sum", "golang.org/x/net v0.30.0 h1:x\n")
        .file("/rb/Gemfile.lock", "GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.16.7-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.8.1)\n\nPLATFORMS\n  x86_64-linux\n")
        .file("/php/composer.lock", r#"{"packages":[{"name":"guzzlehttp/guzzle","version":"7.9.2"}],"packages-dev":[]}"#)
        .file("/net/packages.lock.json", r#"{"version":1,"dependencies":{"net8.0":{"Serilog":{"type":"Direct","resolved":"4.0.2"}}}}"#));
    let req = find(&inv, PackageType::Python, "requests");
    assert_eq!(
        req.found_by,
        FoundBy::Installed,
        "installed metadata wins over the lock file"
    );
    let lock = |t, n: &str, v: &str| {
        let p = find(&inv, t, n);
        assert_eq!(
            (p.version.as_str(), p.found_by),
            (v, FoundBy::LockFile),
            "{n}"
        );
    };
    lock(PackageType::Python, "flask", "3.0.3");
    lock(PackageType::Python, "jinja2", "3.1.4");
    lock(PackageType::Python, "markupsafe", "2.1.5");
    lock(PackageType::Python, "idna", "3.10");
    lock(PackageType::Python, "anyio", "4.6.0");
    lock(PackageType::Python, "sniffio", "1.3.1");
    lock(PackageType::RustCrate, "serde", "1.0.210");
    lock(PackageType::Npm, "@types/node", "20.16.11");
    lock(PackageType::Npm, "lodash", "4.17.21");
    lock(PackageType::Npm, "@babel/code-frame", "7.25.7");
    lock(PackageType::Npm, "react-dom", "18.3.1");
    lock(PackageType::GoModule, "golang.org/x/net", "v0.30.0");
    lock(PackageType::GoModule, "github.com/spf13/cobra", "v1.8.1");
    lock(PackageType::Gem, "nokogiri", "1.16.7");
    lock(PackageType::Gem, "racc", "1.8.1");
    lock(PackageType::Composer, "guzzlehttp/guzzle", "7.9.2");
    lock(PackageType::Nuget, "Serilog", "4.0.2");
    assert!(inv
        .packages
        .iter()
        .any(|p| p.name == "ms" && p.version == "2.1.3" && p.found_by == FoundBy::Installed));
    assert!(inv
        .packages
        .iter()
        .any(|p| p.name == "ms" && p.version == "2.0.0" && p.found_by == FoundBy::LockFile));
    assert!(!inv
        .packages
        .iter()
        .any(|p| p.name == "app" || p.name == "loose"));
    assert_eq!(
        inv.packages.len(),
        20,
        "{:#?}",
        inv.packages
            .iter()
            .map(|p| (&p.name, &p.version))
            .collect::<Vec<_>>()
    );
}

#[test]
fn go_build_info() {
    let mi = "path\texample.com/app/cmd/app\nmod\texample.com/app\t(devel)\t\n\
              dep\tgithub.com/spf13/cobra\tv1.8.1\th1:x\n\
              dep\tgolang.org/x/net\tv0.20.0\th1:y\n=>\tgolang.org/x/net\tv0.30.0\th1:z\n\
              build\t-ldflags=\"-s -X main.version=1.4.2\"\n";
    let inv = run(&MemTree::new().file_with(
        "/usr/local/bin/app",
        secchain_test::go_binary(mi, "go1.22.7"),
        0o755,
        None,
    ));
    let main = find(&inv, PackageType::GoModule, "example.com/app");
    assert_eq!(
        (main.version.as_str(), main.found_by),
        ("v1.4.2", FoundBy::Binary)
    );
    assert_eq!(
        find(&inv, PackageType::GoModule, "golang.org/x/net").version,
        "v0.30.0",
        "replacement applied"
    );
    assert_eq!(
        find(&inv, PackageType::GoModule, "stdlib").version,
        "go1.22.7"
    );
    let cobra = find(&inv, PackageType::GoModule, "github.com/spf13/cobra");
    assert_eq!(
        (cobra.purl().as_str(), cobra.ecosystem()),
        ("pkg:golang/github.com/spf13/cobra@v1.8.1", "Go")
    );
    assert_eq!(inv.packages.len(), 4);
}

/// A minimal ELF64 LE file with one `.dep-v0` section holding `payload`.
fn elf_with_section(name: &str, payload: &[u8]) -> Vec<u8> {
    let mut shstr = b"\0".to_vec();
    let name_off = shstr.len() as u32;
    shstr.extend_from_slice(name.as_bytes());
    shstr.push(0);
    let shstr_name = shstr.len() as u32;
    shstr.extend_from_slice(b".shstrtab\0");
    let mut d = vec![0u8; 64];
    d[..4].copy_from_slice(b"\x7fELF");
    d[4] = 2;
    d[5] = 1;
    let data_off = d.len() as u64;
    d.extend_from_slice(payload);
    let str_off = d.len() as u64;
    d.extend_from_slice(&shstr);
    while !d.len().is_multiple_of(8) {
        d.push(0);
    }
    let shoff = d.len() as u64;
    let sh = |name: u32, off: u64, size: u64| {
        let mut e = vec![0u8; 64];
        e[..4].copy_from_slice(&name.to_le_bytes());
        e[0x18..0x20].copy_from_slice(&off.to_le_bytes());
        e[0x20..0x28].copy_from_slice(&size.to_le_bytes());
        e
    };
    let entries = [
        sh(0, 0, 0),
        sh(name_off, data_off, payload.len() as u64),
        sh(shstr_name, str_off, shstr.len() as u64),
    ];
    for e in entries {
        d.extend(e);
    }
    d[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
    d[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
    d[0x3c..0x3e].copy_from_slice(&3u16.to_le_bytes());
    d[0x3e..0x40].copy_from_slice(&2u16.to_le_bytes());
    d.resize(d.len().max(2048), 0);
    d
}

#[test]
fn cargo_auditable_binary() {
    let json = r#"{"packages":[{"name":"app","version":"0.1.0","source":"local","kind":"runtime","dependencies":[1],"root":true},{"name":"serde","version":"1.0.210","source":"crates.io","dependencies":[]},{"name":"cc","version":"1.1.0","source":"crates.io","kind":"build"}]}"#;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(json.as_bytes()).unwrap();
    let bin = elf_with_section(".dep-v0", &z.finish().unwrap());
    let inv = run(&MemTree::new().file_with("/usr/bin/app", bin, 0o755, None));
    let serde = find(&inv, PackageType::RustCrate, "serde");
    assert_eq!(
        (serde.purl().as_str(), serde.ecosystem()),
        ("pkg:cargo/serde@1.0.210", "crates.io")
    );
    assert_eq!(
        find(&inv, PackageType::RustCrate, "app").depends_on,
        vec!["serde"]
    );
    assert_eq!(
        inv.packages.len(),
        2,
        "build dependencies are not in the binary"
    );
}

/// A ZIP archive of stored entries.
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for (name, data) in entries {
        let off = out.len() as u32;
        let crc = 0u32;
        out.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0");
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02\x14\0\x14\0\0\0\0\0\0\0\0\0");
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&(data.len() as u32).to_le_bytes());
        central.extend_from_slice(&(data.len() as u32).to_le_bytes());
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0u8; 12]);
        central.extend_from_slice(&off.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_off = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_off.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

#[test]
fn java_archives_with_nested_jars() {
    let inner = zip(&[(
        "META-INF/maven/com.fasterxml.jackson.core/jackson-core/pom.properties",
        b"groupId=com.fasterxml.jackson.core\nartifactId=jackson-core\nversion=2.17.2\n",
    )]);
    let lib = zip(&[(
        "META-INF/MANIFEST.MF",
        b"Manifest-Version: 1.0\nImplementation-Title: tiny\nImplementation-Version: 0.9\n",
    )]);
    let war = zip(&[
        ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
        (
            "META-INF/maven/com.example/shop/pom.properties",
            b"groupId=com.example\nartifactId=shop\nversion=1.2.0\n",
        ),
        ("WEB-INF/lib/jackson-core-2.17.2.jar", &inner),
        ("WEB-INF/lib/tiny-lib-0.9.jar", &lib),
    ]);
    let inv = run(&MemTree::new()
        .file("/srv/shop.war", war)
        .file("/srv/broken.jar", b"PK\x03\x04garbage".to_vec()));
    let jc = find(
        &inv,
        PackageType::Java,
        "com.fasterxml.jackson.core:jackson-core",
    );
    assert_eq!(
        jc.purl(),
        "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.17.2"
    );
    assert_eq!(
        jc.path(),
        "/srv/shop.war:WEB-INF/lib/jackson-core-2.17.2.jar"
    );
    assert_eq!(
        find(&inv, PackageType::Java, "com.example:shop").version,
        "1.2.0"
    );
    assert_eq!(find(&inv, PackageType::Java, "tiny-lib").version, "0.9");
    assert!(
        inv.notes.iter().any(|n| n.path == "/srv/broken.jar"),
        "{:?}",
        inv.notes
    );
}

#[test]
fn hostile_metadata_is_skipped_with_notes() {
    let opts = CatalogOptions {
        max_metadata_size: 1024,
        ..CatalogOptions::default()
    };
    let huge = format!("Name: big\nVersion: 1\n{}", "X".repeat(4096));
    let tree = MemTree::new()
        .file("/site/big-1.dist-info/METADATA", huge)
        .file(
            "/site/latin-1.dist-info/METADATA",
            b"Name: caf\xe9\nVersion: 1.0\n".to_vec(),
        )
        .file("/site/empty-1.dist-info/METADATA", b"\xff\xfe\x00".to_vec())
        .file(
            "/n/node_modules/bad/package.json",
            b"{\"name\": \"bad\", ".to_vec(),
        )
        .file("/n/node_modules/arr/package.json", b"[1,2,3]".to_vec())
        .file(
            "/var/lib/rpm/rpmdb.sqlite",
            b"SQLite format 3\0\x10\x00garbage".to_vec(),
        )
        .file("/var/lib/rpm/Packages", vec![0xffu8; 300])
        .file("/app/package-lock.json", b"{not json".to_vec())
        .file_with(
            "/bin/fake-go",
            [b"\x7fELF".as_slice(), b"\xff Go buildinf:", &[8, 2]]
                .concat()
                .repeat(100),
            0o755,
            None,
        );
    let inv = catalog(&tree, &opts);
    let noted = |p: &str| inv.notes.iter().any(|n| n.path == p);
    for p in [
        "/site/big-1.dist-info/METADATA",
        "/site/empty-1.dist-info/METADATA",
        "/n/node_modules/bad/package.json",
        "/var/lib/rpm/rpmdb.sqlite",
        "/var/lib/rpm/Packages",
        "/app/package-lock.json",
    ] {
        assert!(noted(p), "no note for {p}: {:#?}", inv.notes);
    }
    assert_eq!(
        find(&inv, PackageType::Python, "caf\u{fffd}").version,
        "1.0"
    );
}

#[test]
fn index_merge_marks_platforms() {
    let amd = run(&MemTree::new()
        .file("/etc/os-release", ALPINE_RELEASE)
        .file("/lib/apk/db/installed", "P:musl\nV:1.2.5-r0\nA:x86_64\n")
        .file(
            "/app/requests-2.32.3.dist-info/METADATA",
            "Name: requests\nVersion: 2.32.3\n",
        ));
    let arm = run(&MemTree::new()
        .file("/etc/os-release", ALPINE_RELEASE)
        .file("/lib/apk/db/installed", "P:musl\nV:1.2.5-r0\nA:aarch64\n")
        .file(
            "/app/requests-2.32.3.dist-info/METADATA",
            "Name: requests\nVersion: 2.32.3\n",
        ));
    let idx = merge_platforms(&[("linux/amd64".into(), amd), ("linux/arm64".into(), arm)]);
    assert_eq!(idx.packages.len(), 3);
    assert_eq!(
        find(&idx, PackageType::Python, "requests").platforms,
        vec!["linux/amd64", "linux/arm64"]
    );
    let musl: Vec<_> = idx
        .packages
        .iter()
        .filter(|p| p.name == "musl")
        .map(|p| (p.arch.clone().unwrap(), p.platforms.clone()))
        .collect();
    assert_eq!(
        musl,
        vec![
            ("aarch64".into(), vec!["linux/arm64".to_owned()]),
            ("x86_64".into(), vec!["linux/amd64".to_owned()])
        ]
    );
    assert_eq!(idx.distro.as_ref().unwrap().qualifier(), "alpine-3.20.3");
    let back = cyclonedx::parse(&cyclonedx::render(
        &idx,
        &secchain_sbom::SubjectImage {
            name: "idx".into(),
            ..Default::default()
        },
    ))
    .unwrap();
    assert_eq!(
        find(&back, PackageType::Python, "requests").platforms,
        vec!["linux/amd64", "linux/arm64"]
    );
}

#[test]
fn cyclonedx_parse_rejects_garbage() {
    assert!(cyclonedx::parse(b"{}").is_err());
    assert!(cyclonedx::parse(b"\xff\x00").is_err());
    assert!(cyclonedx::parse(br#"{"bomFormat":"SPDX","specVersion":"1.6"}"#).is_err());
}

/// `tests/fixtures/rpm-bdb-Packages` is a real Berkeley DB hash database made
/// by `db5.3_load -t hash` (Debian db5.3-util) holding three rpm headers
/// larger than a page (stored on overflow pages, like real rpm databases).
#[test]
fn rpm_berkeley_db_database() {
    let data = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/rpm-bdb-Packages"
    ))
    .unwrap();
    let inv = run(&MemTree::new()
        .file(
            "/etc/redhat-release",
            "CentOS Linux release 7.9.2009 (Core)\n",
        )
        .file("/var/lib/rpm/Packages", data));
    assert!(inv.notes.is_empty(), "{:?}", inv.notes);
    let got: Vec<(&str, &str)> = inv
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("bash", "5.1.8-6.el9"),
            ("openssl-libs", "3.0.7-27.el9"),
            ("zlib", "1.2.11-40.el9")
        ]
    );
    let ssl = find(&inv, PackageType::Rpm, "openssl-libs");
    assert_eq!(
        ssl.source.as_ref().map(|s| s.name.as_str()),
        Some("openssl")
    );
    assert_eq!(ssl.distro.as_deref(), Some("centos-7"));
}
