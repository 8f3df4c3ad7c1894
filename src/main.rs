//! The `soundroom` command: parse the command line, then serve or run a subcommand.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use soundroom::cli::{Cli, Command, ConfigCommand, UserCommand};
use soundroom::config::Config;
use soundroom::{commands, db, state};

fn main() -> ExitCode {
    let cli = Cli::parse();
    soundroom::telemetry::init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let env: BTreeMap<String, String> = std::env::vars().filter(|(k, _)| k.starts_with("SOUNDROOM_")).collect();
    let config = Config::load(cli.global.config.as_deref(), &env, &cli.global.overrides())?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config),
        Command::Scan => scan(config),
        Command::User(UserCommand::Create { email, username, admin }) => {
            commands::user_create(&config, &email, &username, admin)
        }
        Command::User(UserCommand::ResetPassword { email }) => commands::user_reset_password(&config, &email),
        Command::User(UserCommand::Delete { email, playlists, uploads, to }) => {
            commands::user_delete(&config, &email, playlists, uploads, to.as_deref())
        }
        Command::User(UserCommand::List) => commands::user_list(&config),
        Command::Backup { file } => commands::backup(&config, &file),
        Command::Schema => {
            println!("{}", soundroom::graphql::sdl());
            Ok(())
        }
        Command::Config(ConfigCommand::Check) => {
            print!("{}", config.to_masked_toml());
            eprintln!("configuration OK");
            Ok(())
        }
    }
}

fn scan(config: Config) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let state = state::AppState::build(config, soundroom::metrics_handle())?;
        let status =
            soundroom::services::library::run_scan(state.clone()).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let counts = soundroom::services::library::counts(&state).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        println!(
            "library: {} tracks, {} albums, {} artists ({} files skipped) in {} ms",
            counts.tracks,
            counts.albums,
            counts.artists,
            status.skipped.len(),
            status.last_duration_ms.unwrap_or(0)
        );
        for (path, reason) in status.skipped {
            println!("skipped {path}: {reason}");
        }
        Ok(())
    })
}

fn serve(config: Config) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let listen = config.server.listen;
        let data_dir = config.storage.data_dir.clone();
        let state = state::AppState::build(config, soundroom::metrics_handle())?;
        let (version, accounts) = state
            .db
            .run(|conn| Ok((db::migrations::current_version(conn)?, db::users::count(conn)?)))
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let listener =
            tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
        let addr = listener.local_addr()?;
        let data_dir = std::fs::canonicalize(&data_dir).unwrap_or(data_dir);
        tracing::info!("data dir {} (database schema version {version}, {accounts} accounts)", data_dir.display());
        if accounts == 0 {
            tracing::info!("no account yet: open the web UI to create the administrator");
        }
        let (tracks, albums, artists) =
            state.db.run(|c| Ok(db::library::counts(c)?)).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        tracing::info!(
            "library: {tracks} tracks, {albums} albums, {artists} artists; folders: {:?}",
            state.config.library.folders
        );
        soundroom::services::library::start(&state)?;
        tracing::info!("listening on http://{addr}");
        soundroom::serve(listener, state.clone(), soundroom::shutdown_signal()).await?;
        // Fold the WAL back into the main file so the database is one clean file at rest.
        let _ = state.db.run(|conn| Ok(conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA optimize;")?)).await;
        tracing::info!("stopped");
        Ok(())
    })
}
