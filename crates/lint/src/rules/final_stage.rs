//! Rules about what ships in the final image: build toolchains and
//! package managers, with the multi-stage / distroless alternative.

use super::apt::os_packages;
use crate::rule::Rule;
use crate::severity::Severity::*;

const TOOLCHAIN: &[&str] = &[
    "gcc",
    "g++",
    "gcc-c++",
    "make",
    "cmake",
    "build-essential",
    "build-base",
    "clang",
    "llvm",
    "autoconf",
    "automake",
    "libtool",
    "pkg-config",
    "pkgconf",
    "golang",
    "go",
    "rustc",
    "cargo",
    "maven",
    "gradle",
    "gfortran",
    "musl-dev",
    "libc6-dev",
    "libc-dev",
    "glibc-devel",
    "ninja-build",
    "meson",
    "bison",
    "flex",
];

fn is_toolchain(p: &str) -> bool {
    TOOLCHAIN.contains(&p)
        || p.starts_with("gcc-")
        || p.starts_with("g++-")
        || p.starts_with("clang-")
        || (p.starts_with("openjdk") && p.contains("jdk") && !p.contains("jre"))
}

/// SEC008: build toolchain installed in the final stage.
pub static SEC008: Rule = Rule {
    id: "SEC008",
    name: "toolchain-in-final-stage",
    severity: Warning,
    message: "Build toolchain (compiler, make, build-essential, …) installed in the final stage",
    help: "Compilers and build tools are not needed at run time; in the shipped image they add hundreds of MB, CVEs, and \
everything an attacker needs to build tools inside the container. Fix: compile in an earlier stage \
(`FROM golang:1.22 AS build`) and `COPY --from=build` only the result into a minimal or distroless final stage \
(`gcr.io/distroless/static`, `alpine`, `scratch`).",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN apt-get install -y --no-install-recommends gcc=4:12.2.0-3 make=4.3-4.1\n",
    good: "FROM debian:12 AS build\nRUN apt-get install -y --no-install-recommends gcc=4:12.2.0-3\nFROM gcr.io/distroless/cc-debian12\nCOPY --from=build /out/app /app\n",
    check: |cx, hits| {
        let Some(stage) = cx.final_stage() else { return };
        for i in stage.instructions.clone() {
            let Some(cmds) = cx.cmds[i].as_deref() else { continue };
            for c in cmds {
                let Some(pkgs) = os_packages(c) else { continue };
                let tools: Vec<&str> = pkgs.iter().map(String::as_str).filter(|p| is_toolchain(p)).collect();
                if !tools.is_empty() {
                    hits.with_message(
                        cx,
                        i,
                        c.range.clone(),
                        format!("build toolchain ({}) installed in the final stage: build in an earlier stage and copy the result into a minimal or distroless base", tools.join(", ")),
                    );
                }
            }
        }
    },
};

const BUILD_IMAGES: &[&str] = &[
    "golang",
    "rust",
    "maven",
    "gradle",
    "gcc",
    "buildpack-deps",
    "openjdk",
    "eclipse-temurin",
    "sbt",
    "mcr.microsoft.com/dotnet/sdk",
];

/// SEC009: final stage based on a build image.
pub static SEC009: Rule = Rule {
    id: "SEC009",
    name: "build-image-as-final-stage",
    severity: Warning,
    message: "The final stage is based on a build toolchain image",
    help: "Images such as `golang`, `rust`, `maven`, `gradle`, `gcc` or a JDK carry compilers and package managers the application does not need at run time. \
Fix: use that image in a build stage and copy the artifact into a runtime base (`gcr.io/distroless/static`, \
`gcr.io/distroless/java21`, `eclipse-temurin:21-jre`, `alpine`).",
    enabled_by_default: true,
    bad: "FROM golang:1.22\nCOPY . /src\nRUN go build -o /app /src\n",
    good: "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static\nCOPY --from=build /app /app\n",
    check: |cx, hits| {
        let Some(stage) = cx.final_stage() else { return };
        let Some(f) = cx.df.instructions[stage.from].as_from() else { return };
        let img = cx.df.resolved_image(f, &cx.config.build_args);
        let name = img.name.trim_start_matches("library/");
        let full = match &img.registry {
            Some(r) => format!("{r}/{name}"),
            None => name.to_string(),
        };
        let tag = img.tag.as_deref().unwrap_or("");
        let jdk_only = matches!(name, "openjdk" | "eclipse-temurin") && tag.contains("jre");
        if BUILD_IMAGES.iter().any(|b| *b == name || *b == full) && !jdk_only {
            hits.range(cx, stage.from, f.image.span.range());
        }
    },
};

/// SEC010: package manager used in the final stage.
pub static SEC010: Rule = Rule {
    id: "SEC010",
    name: "package-manager-in-final-stage",
    severity: Info,
    message: "The final stage installs OS packages, so the package manager and its database ship in the image",
    help: "A package manager in the runtime image lets an attacker install tools, and its database and caches add size and \
scanner noise. Fix: install and assemble in an earlier stage, then copy the needed files into a minimal or distroless \
final stage; if packages are needed at run time, prefer a slim base and remove caches in the same RUN.",
    enabled_by_default: true,
    bad: "FROM debian:12\nRUN apt-get install -y --no-install-recommends ca-certificates=20230311\n",
    good: "FROM debian:12 AS build\nRUN apt-get install -y --no-install-recommends ca-certificates=20230311\nFROM gcr.io/distroless/static\nCOPY --from=build /etc/ssl/certs /etc/ssl/certs\n",
    check: |cx, hits| {
        let Some(stage) = cx.final_stage() else { return };
        for i in stage.instructions.clone() {
            let Some(cmds) = cx.cmds[i].as_deref() else { continue };
            if let Some(c) = cmds.iter().find(|c| os_packages(c).is_some()) {
                hits.range(cx, i, c.range.clone());
            }
        }
    },
};
