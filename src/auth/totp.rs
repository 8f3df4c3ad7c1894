//! TOTP (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits, ±1 step of clock skew).
//! totp-rs computes codes; the replay guard (a step is accepted once) is the caller's, in SQL.

use totp_rs::{Algorithm, Builder, Secret, Totp};

pub const ISSUER: &str = "Soundroom";

fn totp(secret_base32: &str, account: &str) -> anyhow::Result<Totp> {
    let secret = Secret::try_from_base32(secret_base32).map_err(|e| anyhow::anyhow!("bad TOTP secret: {e:?}"))?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', ""))
        .build()
        .map_err(|e| anyhow::anyhow!("TOTP set-up failed: {e}"))
}

/// A new random 160-bit secret, base32 without padding.
pub fn generate_secret() -> String {
    Secret::generate().to_base32()
}

pub fn otpauth_uri(secret_base32: &str, account: &str) -> anyhow::Result<String> {
    totp(secret_base32, account)?.to_url().map_err(|e| anyhow::anyhow!("otpauth URI: {e}"))
}

/// The time step the code matches at `unix_secs` (within ±1 step), if any.
pub fn matching_step(secret_base32: &str, code: &str, unix_secs: u64) -> Option<u64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp(secret_base32, "x").ok()?.check(code, unix_secs)
}

pub fn now_secs() -> u64 {
    chrono::Utc::now().timestamp().max(0) as u64
}

/// The QR code of the otpauth URI as a standalone SVG document.
pub fn qr_svg(uri: &str) -> anyhow::Result<String> {
    let code = qrcode::QrCode::new(uri.as_bytes())?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 seed "12345678901234567890", truncated to 6 digits.
    #[test]
    fn rfc6238_test_vectors() {
        let secret = totp_rs::Secret::from(b"12345678901234567890".to_vec()).to_base32();
        for (time, code) in [
            (59u64, "287082"),
            (1111111109, "081804"),
            (1111111111, "050471"),
            (1234567890, "005924"),
            (2000000000, "279037"),
            (20000000000, "353130"),
        ] {
            assert_eq!(matching_step(&secret, code, time), Some(time / 30), "at {time}");
        }
    }

    #[test]
    fn skew_is_one_step_either_way() {
        let secret = generate_secret();
        let t = 1_700_000_000u64;
        let code = totp(&secret, "a").unwrap().generate(t).to_string();
        assert!(matching_step(&secret, &code, t + 30).is_some());
        assert!(matching_step(&secret, &code, t - 30).is_some());
        assert!(matching_step(&secret, &code, t + 90).is_none());
    }

    #[test]
    fn qr_is_svg() {
        let svg = qr_svg("otpauth://totp/Soundroom:a?secret=ABC").unwrap();
        assert!(svg.contains("<svg"));
    }
}
