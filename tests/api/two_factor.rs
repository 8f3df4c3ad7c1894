use serde_json::{Value, json};

use crate::helpers::{PASSWORD, Session, TestApp, error_code};

const VERIFY: &str = "mutation($c: String!, $code: String!) { verifyTwoFactor(challengeToken: $c, code: $code) { accessToken refreshToken user { id twoFactorEnabled } } }";

/// An independent RFC 6238 generator (totp-lite), not the server's own code.
fn code_at(secret_b32: &str, unix: u64) -> String {
    let secret = base32_decode(secret_b32);
    totp_lite::totp_custom::<totp_lite::Sha1>(30, 6, &secret, unix)
}

fn base32_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = 0u64;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.trim_end_matches('=').bytes() {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base32") as u64;
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// Turns 2FA on for a fresh account; returns (session, secret, recovery codes, step used).
async fn enable(app: &TestApp) -> (Session, String, Vec<String>) {
    let s = app.register("ann@example.org", "Ann").await;
    let setup =
        app.gql_ok(Some(&s.access), "mutation { beginTwoFactorSetup { secret otpauthUri qrSvg } }", json!({})).await;
    let secret = setup["beginTwoFactorSetup"]["secret"].as_str().unwrap().to_string();
    let uri = setup["beginTwoFactorSetup"]["otpauthUri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Soundroom:"), "{uri}");
    assert!(uri.contains(&format!("secret={secret}")));
    assert!(setup["beginTwoFactorSetup"]["qrSvg"].as_str().unwrap().contains("<svg"));
    // Confirm with the code of the previous step (allowed by the ±1 skew) so that the
    // current step stays free for the sign-in below.
    let code = code_at(&secret, now() - 30);
    let codes = app
        .gql_ok(Some(&s.access), "mutation($c: String!) { confirmTwoFactorSetup(code: $c) }", json!({ "c": code }))
        .await;
    let codes: Vec<String> = serde_json::from_value(codes["confirmTwoFactorSetup"].clone()).unwrap();
    assert_eq!(codes.len(), 10);
    (s, secret, codes)
}

async fn challenge(app: &TestApp) -> String {
    let login = app.login("ann@example.org", PASSWORD).await;
    assert_eq!(login["data"]["login"]["__typename"], "TwoFactorChallenge", "{login}");
    login["data"]["login"]["challengeToken"].as_str().unwrap().to_string()
}

async fn verify(app: &TestApp, challenge: &str, code: &str) -> Value {
    app.gql(None, VERIFY, json!({ "c": challenge, "code": code })).await
}

#[tokio::test]
async fn sign_in_with_two_factor_accepts_a_code_once() {
    let app = TestApp::spawn().await;
    let (_, secret, _) = enable(&app).await;
    let c = challenge(&app).await;
    let wrong = verify(&app, &c, "000000").await;
    let wrong = if code_at(&secret, now()) == "000000" { verify(&app, &c, "111111").await } else { wrong };
    assert_eq!(error_code(&wrong), "UNAUTHENTICATED");
    let code = code_at(&secret, now() + 30);
    let ok = verify(&app, &c, &code).await;
    assert!(ok["errors"].is_null(), "{ok}");
    assert_eq!(ok["data"]["verifyTwoFactor"]["user"]["twoFactorEnabled"], true);
    // The same code again, even with a new challenge, is a replay.
    let c2 = challenge(&app).await;
    let replay = verify(&app, &c2, &code).await;
    assert_eq!(error_code(&replay), "UNAUTHENTICATED");
    assert!(replay["errors"][0]["message"].as_str().unwrap().contains("already used"));
    // And so is any code from an earlier step.
    assert_eq!(error_code(&verify(&app, &c2, &code_at(&secret, now())).await), "UNAUTHENTICATED");
}

#[tokio::test]
async fn recovery_codes_work_once_each() {
    let app = TestApp::spawn().await;
    let (_, _, codes) = enable(&app).await;
    let c = challenge(&app).await;
    let ok = verify(&app, &c, &codes[0].to_uppercase().replace('-', "")).await;
    assert!(ok["errors"].is_null(), "{ok}");
    let c = challenge(&app).await;
    assert_eq!(error_code(&verify(&app, &c, &codes[0]).await), "UNAUTHENTICATED");
    assert!(verify(&app, &c, &codes[1]).await["errors"].is_null());
}

#[tokio::test]
async fn a_challenge_token_is_not_an_access_token_and_expires() {
    let app = TestApp::spawn().await;
    let (s, secret, _) = enable(&app).await;
    let c = challenge(&app).await;
    let body = app.gql(Some(&c), "mutation { logoutEverywhere }", json!({})).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let stale =
        app.state.auth.signer.sign(soundroom::auth::jwt::TokenKind::TwoFactorChallenge, &s.user_id, -1, None, None);
    assert_eq!(error_code(&verify(&app, &stale, &code_at(&secret, now() + 30)).await), "UNAUTHENTICATED");
}

#[tokio::test]
async fn disabling_needs_a_valid_code() {
    let app = TestApp::spawn().await;
    let (s, secret, _) = enable(&app).await;
    let bad = app.gql(Some(&s.access), "mutation { disableTwoFactor(code: \"12345\") }", json!({})).await;
    assert_eq!(error_code(&bad), "UNAUTHENTICATED");
    let code = code_at(&secret, now() + 30);
    app.gql_ok(Some(&s.access), "mutation($c: String!) { disableTwoFactor(code: $c) }", json!({ "c": code })).await;
    let login = app.login("ann@example.org", PASSWORD).await;
    assert_eq!(login["data"]["login"]["__typename"], "AuthPayload");
}

#[tokio::test]
async fn confirming_needs_a_correct_code_and_changes_nothing_otherwise() {
    let app = TestApp::spawn().await;
    let s = app.register("ann@example.org", "Ann").await;
    let early = app.gql(Some(&s.access), "mutation { confirmTwoFactorSetup(code: \"123456\") }", json!({})).await;
    assert_eq!(error_code(&early), "BAD_USER_INPUT");
    app.gql_ok(Some(&s.access), "mutation { beginTwoFactorSetup { secret } }", json!({})).await;
    let wrong = app.gql(Some(&s.access), "mutation { confirmTwoFactorSetup(code: \"abc\") }", json!({})).await;
    assert_eq!(error_code(&wrong), "BAD_USER_INPUT");
    let me = app.gql_ok(Some(&s.access), "{ me { twoFactorEnabled } }", json!({})).await;
    assert_eq!(me["me"]["twoFactorEnabled"], false);
    assert_eq!(app.login("ann@example.org", PASSWORD).await["data"]["login"]["__typename"], "AuthPayload");
}

#[test]
fn the_independent_generator_agrees_with_rfc_6238() {
    // RFC 6238 appendix B (SHA-1, 8 digits → last 6 here).
    let secret_b32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert_eq!(code_at(secret_b32, 59), "287082");
    assert_eq!(code_at(secret_b32, 1111111109), "081804");
}
