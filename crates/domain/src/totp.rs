//! Time-based one-time passwords (RFC 6238, HMAC-SHA-1, 30-second steps, 6 digits): what every
//! authenticator app speaks.

use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: u32 = 6;

/// A new 160-bit secret.
pub fn new_secret() -> [u8; 20] {
    rand::random()
}

/// The code of one time step (RFC 4226 HOTP with the step as counter).
pub fn code_for_step(secret: &[u8], step: i64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(&step.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = (hash[19] & 0x0f) as usize;
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    format!("{:0width$}", binary % 10u32.pow(DIGITS), width = DIGITS as usize)
}

pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The step a typed code matches, allowing one step of clock drift either way, and never a
/// step at or before `last_used` (a code works once). Spaces in the typed code are ignored.
pub fn verify(
    secret: &[u8],
    typed: &str,
    unix_seconds: i64,
    last_used: Option<i64>,
) -> Option<i64> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_seconds);
    [now - 1, now, now + 1]
        .into_iter()
        .filter(|step| last_used.is_none_or(|last| *step > last))
        .find(|step| constant_time_eq(code_for_step(secret, *step).as_bytes(), code.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn provisioning_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret_base32}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows, truncated to six digits.
    #[test]
    fn matches_the_rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, eight_digits) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code_for_step(secret, step_at(time)), eight_digits[2..], "t={time}");
        }
    }

    #[test]
    fn a_code_is_accepted_within_one_step_of_drift_and_only_once() {
        let secret = b"12345678901234567890";
        let now = 1_234_567_890;
        let code = code_for_step(secret, step_at(now));
        let step = verify(secret, &code, now, None).unwrap();
        assert_eq!(step, step_at(now));
        assert_eq!(verify(secret, &code, now + 30, None), Some(step), "30 s late still works");
        assert_eq!(verify(secret, &code, now + 90, None), None, "too late");
        assert_eq!(verify(secret, &code, now, Some(step)), None, "never twice");
        assert_eq!(
            verify(secret, &format!("{} {}", &code[..3], &code[3..]), now, None),
            Some(step)
        );
        assert_eq!(verify(secret, "12345", now, None), None);
        assert_eq!(verify(secret, "abcdef", now, None), None);
    }

    #[test]
    fn the_provisioning_uri_escapes_names() {
        let uri = provisioning_uri("Passerelle", "léa@x.example", "JBSWY3DP");
        assert!(
            uri.starts_with(
                "otpauth://totp/Passerelle:l%C3%A9a%40x.example?secret=JBSWY3DP&issuer=Passerelle"
            ),
            "{uri}"
        );
    }
}
