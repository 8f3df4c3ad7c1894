//! Subsonic's "media annotation": stars, ratings, scrobbles, and lyrics (the `songLyrics`
//! extension). Stars are Soundroom's favourites; all of it goes through the same services as
//! the web player.

use serde_json::Value;

use super::nodes::{album_nodes, artist_node, songs, starred_artists};
use super::{ALL, Answer, Failure, Node, Params, Result};
use crate::domain::lyrics::Lyrics;
use crate::error::ErrorKind;
use crate::services::library::{AlbumFilter, AlbumSort, TrackFilter, TrackSort};
use crate::services::marks::{self, RatingKind};
use crate::services::sessions::Caller;
use crate::services::{activity, library, playlists};
use crate::state::SharedState;

/// `star`/`unstar`: `id` (a song, or an album or artist as apps browsing folders send),
/// `albumId`, `artistId`, each repeatable. Nothing changes unless every id exists.
pub async fn star(state: &SharedState, caller: &Caller, p: &Params, on: bool) -> Result<Answer> {
    let (ids, albums, artists) = (p.all("id"), p.all("albumId"), p.all("artistId"));
    if ids.is_empty() && albums.is_empty() && artists.is_empty() {
        return Err(Failure::missing("id"));
    }
    let mut targets = Vec::new();
    for id in ids {
        targets.push((kind_of(state, caller, id).await?, id));
    }
    targets.extend(albums.into_iter().map(|id| (Kind::Album, id)));
    targets.extend(artists.into_iter().map(|id| (Kind::Artist, id)));
    for (kind, id) in targets {
        let id = id.to_string();
        match kind {
            Kind::Song => drop(playlists::set_favorite(state, caller, id, on).await?),
            Kind::Album => drop(marks::favorite_album(state, caller, id, on).await?),
            Kind::Artist => drop(marks::favorite_artist(state, caller, id, on).await?),
        }
    }
    Ok(Answer::Empty)
}

#[derive(Clone, Copy)]
enum Kind {
    Song,
    Album,
    Artist,
}

/// What a bare Subsonic `id` names; ids are unique across tracks, albums and artists.
async fn kind_of(state: &SharedState, caller: &Caller, id: &str) -> Result<Kind> {
    if library::track(state, caller, id.to_string()).await?.is_some() {
        Ok(Kind::Song)
    } else if library::album(state, caller, id.to_string()).await?.is_some() {
        Ok(Kind::Album)
    } else if library::artist(state, caller, id.to_string()).await?.is_some() {
        Ok(Kind::Artist)
    } else {
        Err(Failure::not_found("item"))
    }
}

/// `setRating`: 1–5 on a song or album, 0 clears it.
pub async fn set_rating(state: &SharedState, caller: &Caller, p: &Params) -> Result<Answer> {
    let id = p.required("id")?;
    let rating = p.number::<i64>("rating")?.ok_or_else(|| Failure::missing("rating"))?;
    let kind = match kind_of(state, caller, id).await? {
        Kind::Song => RatingKind::Track,
        Kind::Album => RatingKind::Album,
        Kind::Artist => return Err(Failure::new(0, "artists cannot be rated; rate their albums or songs")),
    };
    marks::rate(state, caller, kind, id.to_string(), rating).await?;
    Ok(Answer::Empty)
}

/// `getStarred` / `getStarred2`: the caller's favourite artists, albums and songs.
pub async fn starred(state: &SharedState, caller: &Caller, id3: bool) -> Result<Node> {
    let (artists, _) = library::artists(state, caller, None, None, true, 0, ALL).await?;
    let times = starred_artists(state, caller).await?;
    let artists = artists.iter().map(|a| artist_node(a, None, times.get(a.id.as_str()))).collect();
    let (albums, _) = library::albums(state, caller, AlbumFilter::default(), true, AlbumSort::Title, 0, ALL).await?;
    let mut albums = album_nodes(state, caller, albums).await?;
    if !id3 {
        albums = albums.into_iter().map(|a| a.renamed("album").attr("isDir", Value::from(true))).collect();
    }
    let filter = TrackFilter { favorites_of: Some(caller.user_id.to_string()), ..TrackFilter::default() };
    let (tracks, _) = library::tracks(state, caller, filter, TrackSort::Name, 0, ALL).await?;
    let songs = songs(state, caller, tracks, "song").await?;
    let name = if id3 { "starred2" } else { "starred" };
    Ok(Node::new(name).list("artist", artists).list("album", albums).list("song", songs))
}

pub async fn scrobble(state: &SharedState, caller: &Caller, p: &Params) -> Result<Answer> {
    let ids = p.all("id");
    if ids.is_empty() {
        return Err(Failure::new(10, "required parameter 'id' is missing"));
    }
    let times = p.all("time");
    for (i, id) in ids.iter().enumerate() {
        if p.flag("submission") == Some(false) {
            activity::set_now_playing(state, caller, Some(id.to_string()), 0.0).await?;
            continue;
        }
        let track = library::track(state, caller, id.to_string()).await?.ok_or_else(|| Failure::not_found("song"))?;
        let at = times.get(i).and_then(|t| t.parse::<i64>().ok()).and_then(chrono::DateTime::from_timestamp_millis);
        // A submission says the app played it through (its own rules decided so).
        match activity::record_play(state, caller, id.to_string(), track.duration, at).await {
            Ok(_) => {}
            // The same play sent twice (apps retry) is not an error for the app.
            Err(e) if e.kind() == crate::error::ErrorKind::Conflict => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Answer::Empty)
}

/// `getLyricsBySongId` (OpenSubsonic `songLyrics`): structured lyrics, an empty list when none.
pub async fn lyrics_by_song(state: &SharedState, caller: &Caller, id: &str) -> Result<Node> {
    let track = library::track(state, caller, id.to_string()).await?.ok_or_else(|| Failure::not_found("song"))?;
    let found = marks::lyrics(state, caller, id.to_string()).await?;
    let artist = match &track.artist_id {
        Some(a) => library::artist(state, caller, a.to_string()).await?.map(|a| a.name),
        None => None,
    };
    let structured = found.map(|l| structured(&l, artist.as_deref(), &track.name)).into_iter().collect();
    Ok(Node::new("lyricsList").list("structuredLyrics", structured))
}

fn structured(lyrics: &Lyrics, artist: Option<&str>, title: &str) -> Node {
    let lines = lyrics
        .lines
        .iter()
        .map(|l| Node::new("line").attr("start", l.start_ms.map(Value::from)).text(l.text.clone()))
        .collect();
    Node::new("structuredLyrics")
        .attr("displayArtist", lyrics.artist.as_deref().or(artist).map(Value::from))
        .attr("displayTitle", Value::from(lyrics.title.clone().unwrap_or_else(|| title.to_string())))
        .attr("lang", Value::from("xxx"))
        .attr("offset", Value::from(0))
        .attr("synced", Value::from(lyrics.synced))
        .list("line", lines)
}

/// `getLyrics` (the older call, by artist and title): plain text of the first match.
pub async fn lyrics_by_name(state: &SharedState, caller: &Caller, p: &Params) -> Result<Node> {
    let (artist, title) = (p.get("artist").unwrap_or(""), p.get("title").unwrap_or(""));
    let empty = Node::new("lyrics");
    let Some(fts) = library::fts_query(title) else { return Ok(empty) };
    let filter = TrackFilter { search: Some(fts), ..TrackFilter::default() };
    let (tracks, _) = library::tracks(state, caller, filter, TrackSort::Name, 0, 20).await?;
    for track in tracks.into_iter().filter(|t| t.name.eq_ignore_ascii_case(title)) {
        if !artist.is_empty() && !artist_is(state, caller, &track, artist).await? {
            continue;
        }
        match marks::lyrics(state, caller, track.id.to_string()).await {
            Ok(Some(l)) => {
                let text: Vec<&str> = l.lines.iter().map(|x| x.text.as_str()).collect();
                return Ok(Node::new("lyrics")
                    .attr("artist", (!artist.is_empty()).then(|| Value::from(artist)))
                    .attr("title", Value::from(track.name.clone()))
                    .text(text.join("\n")));
            }
            Ok(None) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(empty)
}

async fn artist_is(
    state: &SharedState,
    caller: &Caller,
    track: &crate::services::library::TrackRow,
    name: &str,
) -> Result<bool> {
    let Some(id) = &track.artist_id else { return Ok(false) };
    Ok(library::artist(state, caller, id.to_string()).await?.is_some_and(|a| a.name.eq_ignore_ascii_case(name)))
}
