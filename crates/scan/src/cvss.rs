//! CVSS base scores computed from vectors: v3.0 and v3.1 (FIRST's specification,
//! including v3.1's `Roundup`), v2, and v4.0 (FIRST's macro-vector scoring, through
//! RustSec's `cvss` crate). A vector that does not parse keeps no score; the severity
//! then comes from the source's own rating.

use serde::{Deserialize, Serialize};

use crate::severity::Severity;

/// A score computed from a vector.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CvssScore {
    /// `3.1`, `3.0`, `2.0` or `4.0`.
    pub version: String,
    /// The vector as published.
    pub vector: String,
    /// The base score, when computable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

impl CvssScore {
    /// The qualitative rating of the score (`None` without a score).
    pub fn severity(&self) -> Option<Severity> {
        self.score.map(Severity::from_score)
    }
}

/// Parses a vector and computes its base score. `None` if it is not a CVSS vector.
pub fn score(vector: &str) -> Option<CvssScore> {
    let vector = vector.trim();
    if let Some(rest) = vector.strip_prefix("CVSS:3.1/") {
        return Some(v3(vector, rest, true));
    }
    if let Some(rest) = vector.strip_prefix("CVSS:3.0/") {
        return Some(v3(vector, rest, false));
    }
    if vector.starts_with("CVSS:4.0/") {
        return Some(CvssScore {
            version: "4.0".into(),
            vector: vector.into(),
            score: v4(vector),
        });
    }
    if vector.starts_with("AV:") {
        return Some(CvssScore {
            version: "2.0".into(),
            vector: vector.into(),
            score: v2(vector),
        });
    }
    None
}

/// The CVSS v4.0 score (base, or base with the threat and environmental metrics
/// the vector gives), rounded to one decimal as FIRST's calculator shows it.
fn v4(vector: &str) -> Option<f64> {
    let parsed: cvss::v4::Vector = vector.parse().ok()?;
    let value = parsed.score().value();
    Some((value * 10.0).round() / 10.0)
}

fn metrics(rest: &str) -> std::collections::HashMap<&str, &str> {
    rest.split('/').filter_map(|m| m.split_once(':')).collect()
}

fn roundup31(x: f64) -> f64 {
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) + 1) as f64 / 10.0
    }
}

fn roundup30(x: f64) -> f64 {
    (x * 10.0).ceil() / 10.0
}

fn v3(vector: &str, rest: &str, v31: bool) -> CvssScore {
    let m = metrics(rest);
    let get = |k: &str| m.get(k).copied();
    let computed = (|| {
        let changed = match get("S")? {
            "U" => false,
            "C" => true,
            _ => return None,
        };
        let av = match get("AV")? {
            "N" => 0.85,
            "A" => 0.62,
            "L" => 0.55,
            "P" => 0.2,
            _ => return None,
        };
        let ac = match get("AC")? {
            "L" => 0.77,
            "H" => 0.44,
            _ => return None,
        };
        let pr = match (get("PR")?, changed) {
            ("N", _) => 0.85,
            ("L", false) => 0.62,
            ("L", true) => 0.68,
            ("H", false) => 0.27,
            ("H", true) => 0.5,
            _ => return None,
        };
        let ui = match get("UI")? {
            "N" => 0.85,
            "R" => 0.62,
            _ => return None,
        };
        let cia = |k: &str| match get(k)? {
            "H" => Some(0.56),
            "L" => Some(0.22),
            "N" => Some(0.0),
            _ => None,
        };
        let (c, i, a) = (cia("C")?, cia("I")?, cia("A")?);
        let iss = 1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a);
        let impact = if changed {
            7.52 * (iss - 0.029) - 3.25 * (iss - 0.02f64).powi(15)
        } else {
            6.42 * iss
        };
        let exploitability = 8.22 * av * ac * pr * ui;
        if impact <= 0.0 {
            return Some(0.0);
        }
        let raw = if changed {
            (1.08 * (impact + exploitability)).min(10.0)
        } else {
            (impact + exploitability).min(10.0)
        };
        Some(if v31 { roundup31(raw) } else { roundup30(raw) })
    })();
    CvssScore {
        version: if v31 { "3.1" } else { "3.0" }.into(),
        vector: vector.into(),
        score: computed,
    }
}

fn v2(vector: &str) -> Option<f64> {
    let m = metrics(vector);
    let av = match *m.get("AV")? {
        "L" => 0.395,
        "A" => 0.646,
        "N" => 1.0,
        _ => return None,
    };
    let ac = match *m.get("AC")? {
        "H" => 0.35,
        "M" => 0.61,
        "L" => 0.71,
        _ => return None,
    };
    let au = match *m.get("Au")? {
        "M" => 0.45,
        "S" => 0.56,
        "N" => 0.704,
        _ => return None,
    };
    let cia = |k: &str| match *m.get(k)? {
        "N" => Some(0.0),
        "P" => Some(0.275),
        "C" => Some(0.660),
        _ => None,
    };
    let (c, i, a) = (cia("C")?, cia("I")?, cia("A")?);
    let impact = 10.41 * (1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a));
    let exploitability = 20.0 * av * ac * au;
    let f = if impact == 0.0 { 0.0 } else { 1.176 };
    let base: f64 = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f;
    Some((base * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_scores_match_firsts_calculator() {
        let cases = [
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                9.3,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
                10.0,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N",
                6.9,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
                0.0,
            ),
        ];
        for (v, want) in cases {
            let s = score(v).unwrap();
            assert_eq!(s.version, "4.0");
            assert_eq!(s.score, Some(want), "{v}");
        }
        assert_eq!(
            score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
                .unwrap()
                .severity(),
            Some(Severity::Critical)
        );
        // A malformed v4 vector keeps no score (the source's rating decides).
        assert_eq!(score("CVSS:4.0/AV:X").unwrap().score, None);
    }

    #[test]
    fn v3_scores_match_nvd() {
        // Scores as NVD publishes them for these CVEs.
        let cases = [
            // Log4Shell CVE-2021-44228
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            // Heartbleed CVE-2014-0160 (v3.1 re-score)
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5),
            // semver ReDoS CVE-2022-25883
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
            // xz backdoor CVE-2024-3094
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),
            ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
            ("CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:N/I:N/A:H", 4.7),
            ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
            ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9),
        ];
        for (v, want) in cases {
            assert_eq!(score(v).unwrap().score, Some(want), "{v}");
        }
    }

    #[test]
    fn v2() {
        // Heartbleed's NVD v2 score.
        assert_eq!(
            score("AV:N/AC:L/Au:N/C:P/I:N/A:N").unwrap().score,
            Some(5.0)
        );
        assert_eq!(
            score("AV:N/AC:L/Au:N/C:C/I:C/A:C").unwrap().score,
            Some(10.0)
        );
        assert!(score("medium").is_none());
        assert_eq!(score("CVSS:3.1/AV:X/AC:L").unwrap().score, None);
    }
}
