//! The subcommands other than `serve`.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use anyhow::{Context, bail};

use crate::auth::password;
use crate::cli::OwnedDataArg;
use crate::config::{Config, Registration};
use crate::db::{Db, tokens, users};
use crate::domain::user::{Email, Username, check_password};
use crate::services::auth::{NewAccount, create_account};

/// Reads a password from the terminal without echo, or one line from piped standard input.
fn read_password(prompt: &str) -> anyhow::Result<String> {
    let pw = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt)?
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    Ok(pw)
}

fn app_error(e: crate::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{}", e.message())
}

pub fn user_create(config: &Config, email: &str, username: &str, admin: bool) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(app_error)?;
    let username = Username::parse(username).map_err(app_error)?;
    let pw = read_password("Password: ")?;
    check_password(&pw, config.auth.password_min_length).map_err(app_error)?;
    let hash = password::hash(&pw)?;
    let db = Db::open(&config.database_path())?;
    let mut conn = db.command_connection()?;
    let tx = conn.transaction()?;
    let new = NewAccount { email: &email, username: &username, password_hash: Some(&hash), provider: "password" };
    // The command line is trusted: it may create accounts whatever the registration mode.
    let user = create_account(&tx, Registration::Open, None, &new).map_err(app_error)?;
    if admin {
        users::set_admin(&tx, &user.id, true)?;
    }
    tx.commit()?;
    println!(
        "created {} <{}> (tag @{}){}",
        user.username,
        user.email,
        user.tag,
        if admin || user.is_admin { ", admin" } else { "" }
    );
    Ok(())
}

pub fn user_reset_password(config: &Config, email: &str) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(app_error)?;
    let db = Db::open(&config.database_path())?;
    let conn = db.command_connection()?;
    let user = users::by_email(&conn, email.as_str())?
        .with_context(|| format!("no account has the email {}", email.as_str()))?;
    let pw = read_password("New password: ")?;
    check_password(&pw, config.auth.password_min_length).map_err(app_error)?;
    users::set_password_hash(&conn, &user.id, &password::hash(&pw)?)?;
    let revoked = tokens::revoke_user(&conn, &user.id, None)?;
    println!("password changed for {}; {revoked} session(s) signed out", user.email);
    Ok(())
}

pub fn user_delete(
    config: &Config,
    email: &str,
    playlists: OwnedDataArg,
    uploads: OwnedDataArg,
    to: Option<&str>,
) -> anyhow::Result<()> {
    use crate::services::admin_accounts::{DeletedAccount, OwnedData, delete_account};
    let owned = |a: OwnedDataArg| if a == OwnedDataArg::Transfer { OwnedData::Transfer } else { OwnedData::Delete };
    let (playlists, uploads) = (owned(playlists), owned(uploads));
    let db = Db::open(&config.database_path())?;
    let mut conn = db.command_connection()?;
    let tx = conn.transaction()?;
    let find = |email: &str| -> anyhow::Result<users::UserRow> {
        let email = Email::parse(email).map_err(app_error)?;
        users::by_email(&tx, email.as_str())?.with_context(|| format!("no account has the email {}", email.as_str()))
    };
    let user = find(email)?;
    let heir = match (to, playlists == OwnedData::Transfer || uploads == OwnedData::Transfer) {
        (Some(to), _) => find(to)?.id.to_string(),
        (None, true) => bail!("--to names the account that receives what is transferred"),
        (None, false) => String::new(),
    };
    if heir == user.id.as_str() {
        bail!("--to must be another account");
    }
    let DeletedAccount { files, rooms, avatar } =
        delete_account(&tx, &user.id, &heir, playlists, uploads).map_err(app_error)?;
    tx.commit()?;
    for file in files.iter().chain(avatar.iter()) {
        let _ = std::fs::remove_file(file);
    }
    println!("deleted {} ({} upload file(s) removed, {} room(s) removed)", user.email, files.len(), rooms.len());
    Ok(())
}

pub fn user_list(config: &Config) -> anyhow::Result<()> {
    let db = Db::open(&config.database_path())?;
    let conn = db.command_connection()?;
    let mut after: Option<String> = None;
    println!("{:<38} {:<30} {:<20} {:<20} flags", "id", "email", "username", "tag");
    loop {
        let page = users::page(&conn, after.as_deref(), 500)?;
        for u in &page {
            let mut flags = Vec::new();
            if u.is_admin {
                flags.push("admin");
            }
            if u.disabled {
                flags.push("disabled");
            }
            if u.totp_enabled {
                flags.push("2fa");
            }
            println!("{:<38} {:<30} {:<20} {:<20} {}", u.id, u.email, u.username, u.tag, flags.join(","));
        }
        match page.last() {
            Some(last) if page.len() == 500 => after = Some(last.id.to_string()),
            _ => break,
        }
    }
    Ok(())
}

/// A consistent copy through `VACUUM INTO`, which reads one snapshot even while the server
/// writes. It goes to a temp name first so a failure never leaves a half-written backup.
pub fn backup(config: &Config, target: &Path) -> anyhow::Result<()> {
    if target.exists() {
        bail!("{} already exists; choose a new file name", target.display());
    }
    let source = config.database_path();
    if !source.exists() {
        bail!("no database at {}; check --data-dir", source.display());
    }
    let conn = rusqlite::Connection::open_with_flags(&source, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{}.partial", target.file_name().and_then(|n| n.to_str()).unwrap_or("backup")));
    let _ = std::fs::remove_file(&tmp);
    conn.execute("VACUUM INTO ?1", [tmp.to_string_lossy()])
        .with_context(|| format!("cannot write the backup to {}", dir.display()))?;
    std::fs::rename(&tmp, target)?;
    let size = std::fs::metadata(target)?.len();
    println!("backup written to {} ({} KiB)", target.display(), size / 1024);
    Ok(())
}
