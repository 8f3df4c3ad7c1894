//! One error type for the whole server. Each kind maps once to an HTTP status and once to a
//! GraphQL `extensions.code`; people see `message`, the log sees the cause chain.

use std::fmt;

use async_graphql::ErrorExtensions;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    Unauthenticated,
    Forbidden,
    Invalid,
    Conflict,
    RateLimited { retry_after_secs: u64 },
    TwoFactorRequired,
    Internal,
}

impl ErrorKind {
    /// The stable machine code clients switch on (API.md).
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "NOT_FOUND",
            ErrorKind::Unauthenticated => "UNAUTHENTICATED",
            ErrorKind::Forbidden => "FORBIDDEN",
            ErrorKind::Invalid => "BAD_USER_INPUT",
            ErrorKind::Conflict => "CONFLICT",
            ErrorKind::RateLimited { .. } => "RATE_LIMITED",
            ErrorKind::TwoFactorRequired => "TWO_FACTOR_REQUIRED",
            ErrorKind::Internal => "INTERNAL",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::NotFound => 404,
            ErrorKind::Unauthenticated => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::Invalid => 400,
            ErrorKind::Conflict => 409,
            ErrorKind::RateLimited { .. } => 429,
            ErrorKind::TwoFactorRequired => 401,
            ErrorKind::Internal => 500,
        }
    }
}

pub struct AppError {
    kind: ErrorKind,
    message: String,
    source: Option<anyhow::Error>,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), source: None }
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorKind::NotFound, format!("{what} not found"))
    }
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthenticated, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, message)
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message)
    }
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self::new(
            ErrorKind::RateLimited { retry_after_secs },
            format!("too many attempts; try again in {retry_after_secs} s"),
        )
    }
    /// An unexpected failure: the client is told only "internal error", the log gets `cause`.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self { kind: ErrorKind::Internal, message: "internal error".into(), source: Some(cause.into()) }
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Logs internal errors once, at the edge where they become a response.
    pub fn log_if_internal(&self) {
        if let (ErrorKind::Internal, Some(cause)) = (self.kind, &self.source) {
            tracing::error!(error = format!("{cause:#}"), "internal error");
        }
    }
}

impl fmt::Debug for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.message)?;
        if let Some(cause) = &self.source {
            write!(f, " ({cause:#})")?;
        }
        Ok(())
    }
}

// AppError deliberately implements neither Display nor std::error::Error: async-graphql turns
// any Display type into an error without a code, and this way the compiler sends every
// conversion through `From<AppError> for async_graphql::Error` below, which keeps the code.
impl From<AppError> for async_graphql::Error {
    fn from(e: AppError) -> Self {
        e.log_if_internal();
        let kind = e.kind;
        async_graphql::Error::new(e.message).extend_with(|_, ext| {
            ext.set("code", kind.code());
            if let ErrorKind::RateLimited { retry_after_secs } = kind {
                ext.set("retryAfter", retry_after_secs);
            }
        })
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        AppError::internal(e)
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        AppError::internal(e)
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::internal(e)
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::internal(e)
    }
}
