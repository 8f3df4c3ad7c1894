//! Command-line interface. Every flag has a `SOUNDROOM_*` variable; `--config` and
//! `--data-dir` work with every subcommand.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{Overrides, Registration};

#[derive(Debug, Parser)]
#[command(name = "soundroom", version, about = "A self-hosted music server for listening together")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Path to config.toml.
    #[arg(long, global = true, env = "SOUNDROOM_CONFIG")]
    pub config: Option<PathBuf>,
    /// Where the database, uploads and caches live (created on first start).
    #[arg(long, global = true, env = "SOUNDROOM_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Address to listen on, e.g. 0.0.0.0:8080.
    #[arg(long, global = true, env = "SOUNDROOM_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Public URL of the server (OAuth redirects and links).
    #[arg(long, global = true, env = "SOUNDROOM_BASE_URL")]
    pub base_url: Option<String>,
    /// A music folder to serve; repeat for several.
    #[arg(long = "music-dir", global = true, env = "SOUNDROOM_MUSIC_DIR", value_delimiter = ',')]
    pub music_dirs: Vec<PathBuf>,
    /// Who may create an account.
    #[arg(long, global = true, env = "SOUNDROOM_REGISTRATION", value_enum)]
    pub registration: Option<Registration>,
}

impl GlobalArgs {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            listen: self.listen,
            base_url: self.base_url.clone(),
            data_dir: self.data_dir.clone(),
            music_dirs: self.music_dirs.clone(),
            registration: self.registration,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Scan the music folders once, print what changed, and exit.
    Scan,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent copy of the database to FILE; safe while the server runs.
    Backup { file: PathBuf },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account (works whatever the registration mode). The password is read from
    /// standard input, or prompted for on a terminal.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        admin: bool,
    },
    /// Set a new password (read like `create`) and sign the account out everywhere.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
    /// Delete an account, saying what happens to its playlists and uploads: `delete`, or
    /// `transfer` to the account named by `--to`.
    Delete {
        #[arg(long)]
        email: String,
        #[arg(long, value_enum)]
        playlists: OwnedDataArg,
        #[arg(long, value_enum)]
        uploads: OwnedDataArg,
        /// The account that receives what is transferred (an email).
        #[arg(long)]
        to: Option<String>,
    },
    /// List accounts.
    List,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OwnedDataArg {
    Delete,
    Transfer,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and print the effective values, secrets masked.
    Check,
}
