//! PEM bodies: the base64 text between the armour lines, and the DER it encodes.
//!
//! Bodies are read leniently: header lines (`Proc-Type: …`, `DEK-Info: …`, `Version: …`)
//! are dropped, and literal `\n` escapes (keys pasted into JSON or YAML strings) count
//! as line breaks.

use base64::Engine as _;

/// The body's base64 characters, headers and whitespace removed.
pub(crate) fn pem_base64(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .replace("\\n", "\n")
        .lines()
        .filter(|l| !l.contains(':'))
        .flat_map(|l| l.chars())
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect()
}

/// The DER the body encodes, if it is valid base64.
pub(crate) fn pem_der(body: &[u8]) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(pem_base64(body))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_escapes() {
        let body = b"\nProc-Type: 4,ENCRYPTED\nAAEC\\nAwQ=\n";
        assert_eq!(pem_base64(body), "AAECAwQ=");
        assert_eq!(pem_der(body), Some(vec![0, 1, 2, 3, 4]));
        assert_eq!(pem_der(b"not base64!"), None);
    }
}
