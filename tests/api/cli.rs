//! The real `soundroom` binary: subcommands, start-up, restarts and graceful shutdown.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_soundroom");

fn soundroom(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(data_dir).env_remove("SOUNDROOM_LOG").env("RUST_LOG", "info");
    cmd
}

/// A running server process, killed if a test fails before stopping it (no orphans).
pub(crate) struct Server(Option<Child>);

impl Server {
    pub(crate) fn pid(&self) -> u32 {
        self.0.as_ref().expect("running").id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Starts `serve` on a free port and waits for the "listening on" line.
pub(crate) fn start(data_dir: &std::path::Path) -> (Server, String) {
    let mut child = soundroom(data_dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let server = Server(Some(child));
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = Vec::new();
    let addr = loop {
        let line = lines.next().expect("server printed the address").unwrap();
        seen.push(line.clone());
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.trim().to_string();
        }
    };
    let log = seen.join("\n");
    assert!(log.contains("data dir"), "{log}");
    let version = format!("schema version {}", soundroom::db::migrations::latest_version());
    assert!(log.contains(&version), "{log}");
    std::thread::spawn(move || for _ in lines {});
    (server, addr)
}

/// SIGTERM, then the exit status: a graceful shutdown exits 0.
fn stop(mut server: Server) -> std::process::ExitStatus {
    let mut child = server.0.take().expect("running");
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    child.wait().unwrap()
}

async fn gql(addr: &str, token: Option<&str>, query: &str, variables: serde_json::Value) -> serde_json::Value {
    let mut req =
        reqwest::Client::new().post(format!("{addr}/graphql")).json(&json!({ "query": query, "variables": variables }));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn serve_creates_its_data_dir_keeps_sessions_across_restarts_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fresh").join("data");
    let (child, addr) = start(&data);
    assert!(data.join("soundroom.db").exists());
    let secret = std::fs::metadata(data.join("jwt-secret")).unwrap();
    #[cfg(unix)]
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&secret.permissions()) & 0o777, 0o600);
    let reg = gql(
        &addr,
        None,
        "mutation { register(input: {email: \"a@example.org\", password: \"correct horse battery\", username: \"A\"}) { accessToken refreshToken } }",
        json!({}),
    )
    .await;
    let access = reg["data"]["register"]["accessToken"].as_str().unwrap().to_string();
    let status = stop(child);
    assert!(status.success(), "graceful shutdown exits 0: {status:?}");

    let (child, addr) = start(&data);
    let me = gql(&addr, Some(&access), "{ me { email } }", json!({})).await;
    assert_eq!(me["data"]["me"]["email"], "a@example.org", "the signing secret survived the restart");
    assert!(stop(child).success());
}

#[test]
fn user_create_list_and_reset_password_work_whatever_the_registration_mode() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdin: &str| {
        let mut child = soundroom(dir.path())
            .args(["--registration", "closed"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out =
        run(&["user", "create", "--email", "Root@Example.org", "--username", "Root", "--admin"], "a long password\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["user", "create", "--email", "b@example.org", "--username", "B"], "a long password\n");
    assert!(out.status.success());
    let dup = run(&["user", "create", "--email", "b@example.org", "--username", "B"], "a long password\n");
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));
    let short = run(&["user", "create", "--email", "c@example.org", "--username", "C"], "short\n");
    assert!(!short.status.success());
    let list = run(&["user", "list"], "");
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(text.contains("root@example.org") && text.contains("admin"), "{text}");
    assert!(text.contains("b@example.org"));
    assert!(!text.contains("c@example.org"));
    let reset = run(&["user", "reset-password", "--email", "b@example.org"], "another long password\n");
    assert!(reset.status.success(), "{}", String::from_utf8_lossy(&reset.stderr));

    // Deleting says what happens to playlists and uploads; a transfer needs someone to receive.
    let no_heir =
        run(&["user", "delete", "--email", "b@example.org", "--playlists", "transfer", "--uploads", "delete"], "");
    assert!(!no_heir.status.success());
    assert!(String::from_utf8_lossy(&no_heir.stderr).contains("--to"));
    let last_admin =
        run(&["user", "delete", "--email", "root@example.org", "--playlists", "delete", "--uploads", "delete"], "");
    assert!(!last_admin.status.success(), "the last administrator stays");
    let args = ["user", "delete", "--email", "b@example.org", "--playlists", "transfer", "--uploads", "delete"];
    let deleted = run(&[&args[..], &["--to", "root@example.org"]].concat(), "");
    assert!(deleted.status.success(), "{}", String::from_utf8_lossy(&deleted.stderr));
    let list = run(&["user", "list"], "");
    assert!(!String::from_utf8_lossy(&list.stdout).contains("b@example.org"));
}

#[tokio::test]
async fn backup_writes_a_consistent_copy_while_the_server_runs() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (child, addr) = start(&data);
    gql(
        &addr,
        None,
        "mutation { register(input: {email: \"a@example.org\", password: \"correct horse battery\", username: \"A\"}) { accessToken } }",
        json!({}),
    )
    .await;
    let target = dir.path().join("backup.db");
    let out = soundroom(&data).arg("backup").arg(&target).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let copy = rusqlite::Connection::open(&target).unwrap();
    let n: i64 = copy.query_row("SELECT count(*) FROM users", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    let again = soundroom(&data).arg("backup").arg(&target).output().unwrap();
    assert!(!again.status.success(), "an existing file is never overwritten");
    assert!(stop(child).success());
}

#[test]
fn schema_prints_the_sdl() {
    let out = Command::new(BIN).arg("schema").output().unwrap();
    let sdl = String::from_utf8(out.stdout).unwrap();
    for name in [
        "type Query",
        "register(input: RegisterInput!): AuthPayload!",
        "union LoginResult",
        "beginOAuthLink",
        "notifications",
    ] {
        assert!(sdl.contains(name), "missing {name}");
    }
}

#[test]
fn config_check_masks_secrets_and_names_a_wrong_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(&file, "[auth]\njwt_secret = \"0123456789abcdef0123456789abcdef-secret\"\n").unwrap();
    let out = Command::new(BIN).args(["config", "check", "--config"]).arg(&file).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("********") && !text.contains("-secret"), "{text}");

    std::fs::write(&file, "[server]\nlisten = \"not an address\"\n").unwrap();
    let out = Command::new(BIN).args(["config", "check", "--config"]).arg(&file).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("server.listen"));

    let out = Command::new(BIN).args(["config", "check"]).env("SOUNDROOM_AUTH__REGISTRATON", "open").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("registraton"));
}
