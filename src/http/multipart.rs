//! GraphQL multipart requests (the upload spec: `operations`, then `map`, then the files).
//!
//! async-graphql's own reader applies the file size limit to every part, so a 300 MB
//! `operations` field was buffered in memory before anyone was authenticated. Here each part
//! has a limit for its kind, checked while it streams: `operations` and `map` are small and
//! held in memory, files go straight to temp files on disk.

use std::collections::HashMap;

use async_graphql::UploadValue;
use axum::body::Body;
use tokio::io::AsyncWriteExt;

pub struct Limits {
    /// The JSON `operations` part, in bytes.
    pub operations: usize,
    /// The JSON `map` part, in bytes.
    pub map: usize,
    /// Each file, in bytes.
    pub file: usize,
    pub files: usize,
    /// The whole body, in bytes.
    pub total: usize,
}

pub enum MultipartError {
    /// A part or the whole body is over its limit: (what, limit in bytes).
    TooLarge(String, u64),
    Invalid(String),
    Io(std::io::Error),
    /// Storing a part failed on the server's side.
    Internal(crate::error::AppError),
}

impl From<std::io::Error> for MultipartError {
    fn from(e: std::io::Error) -> Self {
        MultipartError::Io(e)
    }
}

impl From<multer::Error> for MultipartError {
    fn from(e: multer::Error) -> Self {
        match e {
            multer::Error::FieldSizeExceeded { limit, field_name } => {
                MultipartError::TooLarge(format!("the part {}", field_name.unwrap_or_default()), limit)
            }
            multer::Error::StreamSizeExceeded { limit } => MultipartError::TooLarge("the request".into(), limit),
            // multer's error is #[non_exhaustive]: every other failure is a malformed body.
            other => MultipartError::Invalid(format!("cannot read the multipart request: {other}")),
        }
    }
}

fn invalid(message: impl Into<String>) -> MultipartError {
    MultipartError::Invalid(message.into())
}

/// Reads one GraphQL request with its uploads.
pub async fn read(body: Body, content_type: &str, limits: &Limits) -> Result<async_graphql::Request, MultipartError> {
    let boundary = multer::parse_boundary(content_type).map_err(|_| invalid("the multipart boundary is missing"))?;
    let size = multer::SizeLimit::new()
        .whole_stream(limits.total as u64)
        .per_field(limits.file as u64)
        .for_field("operations", limits.operations as u64)
        .for_field("map", limits.map as u64);
    let constraints = multer::Constraints::new().size_limit(size);
    let mut multipart = multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut request: Option<async_graphql::Request> = None;
    let mut map: Option<HashMap<String, Vec<String>>> = None;
    let mut files = 0;
    while let Some(field) = multipart.next_field().await? {
        let part = field.name().unwrap_or_default().to_string();
        match part.as_str() {
            "operations" if request.is_none() => {
                let bytes = field.bytes().await?;
                request = Some(
                    serde_json::from_slice(&bytes)
                        .map_err(|e| invalid(format!("the operations part is not a GraphQL request: {e}")))?,
                );
            }
            "map" if map.is_none() => {
                let bytes = field.bytes().await?;
                map = Some(
                    serde_json::from_slice(&bytes).map_err(|e| invalid(format!("the map part is not valid: {e}")))?,
                );
            }
            name => {
                // Files come last, so nothing is written to disk for a request that names none.
                let (Some(request), Some(map)) = (request.as_mut(), map.as_ref()) else {
                    return Err(invalid("the operations and map parts must come before any file"));
                };
                files += 1;
                if files > limits.files {
                    return Err(invalid(format!("at most {} files per request", limits.files)));
                }
                attach_file(request, map, name, field).await?;
            }
        }
    }
    let request = request.ok_or_else(|| invalid("the operations part is missing"))?;
    map.ok_or_else(|| invalid("the map part is missing"))?;
    Ok(request)
}

/// Stores one file part and puts it wherever the map says it goes.
async fn attach_file(
    request: &mut async_graphql::Request,
    map: &HashMap<String, Vec<String>>,
    name: &str,
    field: multer::Field<'_>,
) -> Result<(), MultipartError> {
    let paths = map.get(name).ok_or_else(|| invalid(format!("the part {name} is not in the map")))?;
    let upload = store_file(field).await?;
    for path in paths {
        request.set_upload(path, upload.try_clone()?);
    }
    Ok(())
}

/// Streams one file part into an anonymous temp file (deleted when the last handle closes).
async fn store_file(mut field: multer::Field<'_>) -> Result<UploadValue, MultipartError> {
    let filename = field.file_name().unwrap_or_default().to_string();
    let content_type = field.content_type().map(ToString::to_string);
    let created = crate::telemetry::blocking(|| Ok(tempfile::tempfile()?)).await;
    let mut file = tokio::fs::File::from_std(created.map_err(MultipartError::Internal)?);
    while let Some(chunk) = field.chunk().await? {
        file.write_all(&chunk).await?;
    }
    file.flush().await?;
    let mut content = file.into_std().await;
    let content = crate::telemetry::blocking(move || {
        use std::io::Seek;
        content.rewind()?;
        Ok(content)
    })
    .await
    .map_err(MultipartError::Internal)?;
    Ok(UploadValue { filename, content_type, content })
}
