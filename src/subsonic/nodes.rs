//! Library rows in Subsonic's shapes (`artist`, `album`, `child`), with the caller's stars and
//! ratings, each built from a few batched reads whatever the number of rows.

use std::collections::HashMap;

use serde_json::Value;

use super::{Node, Result};
use crate::services::batch;
use crate::services::library::{AlbumRow, ArtistRow, TrackRow};
use crate::services::marks::{self, FavoriteKind, RatingKind};
use crate::services::sessions::Caller;
use crate::state::SharedState;

/// An artist; `starred` is when the caller favourited it (see `starred_artists`).
pub fn artist_node(a: &ArtistRow, album_count: Option<usize>, starred: Option<&String>) -> Node {
    Node::new("artist")
        .attr("id", Value::from(a.id.to_string()))
        .attr("name", Value::from(a.name.clone()))
        .attr("albumCount", album_count.map(Value::from))
        .attr("coverArt", a.image_path.as_ref().map(|_| Value::from(format!("ar-{}", a.id))))
        .attr("starred", starred.map(|at| Value::from(at.clone())))
}

/// When the caller favourited each of their favourite artists, by id.
pub async fn starred_artists(state: &SharedState, caller: &Caller) -> Result<HashMap<String, String>> {
    Ok(marks::favorite_times(state, caller, FavoriteKind::Artist).await?)
}

/// Albums with their artist's name, length and the caller's star and rating.
pub async fn album_nodes(state: &SharedState, caller: &Caller, albums: Vec<AlbumRow>) -> Result<Vec<Node>> {
    let ids: Vec<String> = albums.iter().map(|a| a.id.to_string()).collect();
    let artist_ids: Vec<String> = albums.iter().filter_map(|a| a.artist_id.as_ref().map(|i| i.to_string())).collect();
    let starred = marks::favorite_times(state, caller, FavoriteKind::Album).await?;
    let ratings = marks::ratings_among(state, RatingKind::Album, caller.user_id.to_string(), ids.clone()).await?;
    let stats = batch::album_stats(state, ids).await?;
    let names: HashMap<String, String> =
        batch::artists(state, artist_ids).await?.into_iter().map(|a| (a.id.to_string(), a.name)).collect();
    Ok(albums
        .into_iter()
        .map(|a| {
            let artist = a.artist_id.as_ref().and_then(|i| names.get(i.as_str())).cloned();
            Node::new("album")
                .attr("id", Value::from(a.id.to_string()))
                .attr("name", Value::from(a.title.clone()))
                .attr("artist", artist.map(Value::from))
                .attr("artistId", a.artist_id.as_ref().map(|i| Value::from(i.to_string())))
                .attr("coverArt", a.cover_path.as_ref().map(|_| Value::from(a.id.to_string())))
                .attr("songCount", Value::from(stats.get(a.id.as_str()).map_or(0, |s| s.0)))
                .attr("duration", Value::from(stats.get(a.id.as_str()).map_or(0, |s| s.1.round() as i64)))
                .attr("created", stats.get(a.id.as_str()).map(|s| Value::from(s.2.clone())))
                .attr("year", a.year.map(Value::from))
                .attr("starred", starred.get(a.id.as_str()).map(|at| Value::from(at.clone())))
                .attr("userRating", ratings.get(a.id.as_str()).map(|r| Value::from(*r)))
        })
        .collect())
}

/// Tracks as Subsonic `child` entries, named `element` (song, entry).
pub async fn songs(state: &SharedState, caller: &Caller, tracks: Vec<TrackRow>, element: &str) -> Result<Vec<Node>> {
    let ids: Vec<String> = tracks.iter().map(|t| t.id.to_string()).collect();
    let artist_ids: Vec<String> = tracks.iter().filter_map(|t| t.artist_id.as_ref().map(|i| i.to_string())).collect();
    let album_ids: Vec<String> = tracks.iter().filter_map(|t| t.album_id.as_ref().map(|i| i.to_string())).collect();
    let artists: HashMap<String, String> =
        batch::artists(state, artist_ids).await?.into_iter().map(|a| (a.id.to_string(), a.name)).collect();
    let albums: HashMap<String, AlbumRow> =
        batch::albums(state, album_ids).await?.into_iter().map(|a| (a.id.to_string(), a)).collect();
    let ratings = marks::ratings_among(state, RatingKind::Track, caller.user_id.to_string(), ids.clone()).await?;
    let starred = batch::favorite_times_among(state, caller.user_id.to_string(), ids).await?;
    Ok(tracks
        .into_iter()
        .map(|t| {
            let album = t.album_id.as_ref().and_then(|i| albums.get(i.as_str()));
            let path = std::path::Path::new(&t.path);
            let suffix = path.extension().map(|e| e.to_string_lossy().to_lowercase());
            Node::new(element)
                .attr("id", Value::from(t.id.to_string()))
                .attr("parent", t.album_id.as_ref().map(|i| Value::from(i.to_string())))
                .attr("isDir", Value::from(false))
                .attr("title", Value::from(t.name.clone()))
                .attr("album", album.map(|a| Value::from(a.title.clone())))
                .attr("artist", t.artist_id.as_ref().and_then(|i| artists.get(i.as_str())).cloned().map(Value::from))
                .attr("track", t.track_number.map(Value::from))
                .attr("discNumber", t.disc_number.map(Value::from))
                .attr("year", t.year.map(Value::from))
                .attr("genre", t.genre.clone().map(Value::from))
                .attr("coverArt", album.and_then(|a| a.cover_path.as_ref().map(|_| Value::from(a.id.to_string()))))
                .attr("size", Value::from(t.file_size))
                .attr("contentType", Value::from(crate::media::tags::content_type(path, &t.codec)))
                .attr("suffix", suffix.map(Value::from))
                .attr("duration", Value::from(t.duration.round() as i64))
                .attr("bitRate", t.bitrate.map(|b| Value::from(b / 1000)))
                .attr("path", path.file_name().map(|n| Value::from(n.to_string_lossy().into_owned())))
                .attr("albumId", t.album_id.as_ref().map(|i| Value::from(i.to_string())))
                .attr("artistId", t.artist_id.as_ref().map(|i| Value::from(i.to_string())))
                .attr("type", Value::from("music"))
                .attr("starred", starred.get(t.id.as_str()).map(|at| Value::from(at.clone())))
                .attr("userRating", ratings.get(t.id.as_str()).map(|r| Value::from(*r)))
        })
        .collect())
}
