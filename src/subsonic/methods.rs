//! The Subsonic methods, each a thin mapping from parameters to a service call and from rows
//! to Subsonic's shapes.

use std::collections::{HashMap, HashSet};

use axum::extract::Request;
use axum::response::IntoResponse;
use serde_json::Value;

use super::{Answer, Failure, Node, Params};
use crate::services::library::{AlbumRow, AlbumSort, ArtistRow, TrackFilter, TrackRow, TrackSort};
use crate::services::media::{Audio, StreamRequest};
use crate::services::sessions::Caller;
use crate::services::{activity, batch, library, media, playlists, queues};
use crate::state::SharedState;

type Result<T> = std::result::Result<T, Failure>;

/// Everything the library holds, for lists that page through it all.
const ALL: usize = 100_000;

pub fn extensions() -> Node {
    let ext = |name: &str| {
        Node::new("openSubsonicExtensions").attr("name", Value::from(name)).attr("versions", Value::from(vec![1]))
    };
    super::response::envelope(true)
        .list("openSubsonicExtensions", vec![ext("apiKeyAuthentication"), ext("formPost"), ext("transcodeOffset")])
}

pub async fn call(state: &SharedState, caller: &Caller, method: &str, p: &Params, request: Request) -> Result<Answer> {
    let tree = |node: Node| Ok(Answer::Tree(node));
    match method {
        "ping" => Ok(Answer::Empty),
        "getLicense" => tree(Node::new("license").attr("valid", Value::from(true))),
        "getMusicFolders" => tree(music_folders(state)),
        "getUser" => tree(user(state, caller, p).await?),
        "getArtists" => tree(artists(state, caller).await?),
        "getArtist" => tree(artist(state, caller, p.required("id")?).await?),
        "getAlbum" => tree(album(state, caller, p.required("id")?).await?),
        "getSong" => {
            let track = library::track(state, caller, p.required("id")?.to_string()).await?;
            let track = track.ok_or_else(|| Failure::not_found("song"))?;
            let songs = songs(state, caller, vec![track], "song").await?;
            tree(songs.into_iter().next().expect("one song"))
        }
        "stream" | "download" => stream(state, caller, p, request, method == "download").await,
        "getCoverArt" => cover(state, p).await,
        "star" | "unstar" => {
            for id in p.all("id") {
                playlists::set_favorite(state, caller, id.to_string(), method == "star").await?;
            }
            Ok(Answer::Empty)
        }
        "scrobble" => scrobble(state, caller, p).await,
        "getPlaylists" => tree(playlist_list(state, caller).await?),
        "getPlaylist" => tree(playlist(state, caller, p.required("id")?).await?),
        "getScanStatus" => {
            let status = library::scan_status(caller, state)?;
            tree(Node::new("scanStatus").attr("scanning", Value::from(status.scanning)))
        }
        // Folder-style browsing (DSub and older apps), mapped onto artists and albums.
        "getIndexes" => {
            let artists = artists(state, caller).await?;
            tree(artists.renamed("indexes").attr("lastModified", Value::from(0)))
        }
        "getMusicDirectory" => tree(directory(state, caller, p.required("id")?).await?),
        "getAvatar" => {
            let me = crate::services::accounts::me(state, caller).await?.ok_or_else(|| Failure::not_found("user"))?;
            let wanted = p.get("username").unwrap_or(me.tag());
            if !wanted.eq_ignore_ascii_case(me.tag()) {
                return Err(Failure::new(50, "you may only fetch your own avatar"));
            }
            let picture = media::picture(state, "user".into(), caller.user_id.to_string(), None, None).await?;
            let picture = picture.ok_or_else(|| Failure::not_found("avatar"))?;
            Ok(Answer::Raw(([(axum::http::header::CONTENT_TYPE, picture.content_type)], picture.bytes).into_response()))
        }
        "getPlayQueue" => tree(play_queue(state, caller).await?),
        "savePlayQueue" => {
            let ids: Vec<String> = p.all("id").into_iter().map(str::to_string).collect();
            let position = p.number::<i64>("position")?.unwrap_or(0);
            let client = p.get("c").unwrap_or("unknown");
            queues::save_play_queue(state, caller, ids, p.get("current").map(str::to_string), position, client).await?;
            Ok(Answer::Empty)
        }
        "getBookmarks" => tree(bookmarks(state, caller).await?),
        "createBookmark" => {
            let position = p
                .number::<i64>("position")?
                .ok_or_else(|| Failure::new(10, "required parameter 'position' is missing"))?;
            let comment = p.get("comment").map(str::to_string);
            queues::set_bookmark(state, caller, p.required("id")?.to_string(), position, comment).await?;
            Ok(Answer::Empty)
        }
        "deleteBookmark" => {
            queues::delete_bookmark(state, caller, p.required("id")?.to_string()).await?;
            Ok(Answer::Empty)
        }
        "getGenres" => {
            let genres = library::genres(state, caller).await?;
            let nodes = genres.into_iter().map(|g| Node::new("genre").attr("value", Value::from(g))).collect();
            tree(Node::new("genres").list("genre", nodes))
        }
        "getAlbumList" => {
            let list = album_list(state, caller, p).await?;
            tree(
                Node::new("albumList")
                    .list("album", list.into_iter().map(|a| a.attr("isDir", Value::from(true))).collect()),
            )
        }
        "getAlbumList2" => tree(Node::new("albumList2").list("album", album_list(state, caller, p).await?)),
        "search2" | "search3" => {
            let (artists, albums, songs) = search(state, caller, p).await?;
            let name = if method == "search2" { "searchResult2" } else { "searchResult3" };
            tree(Node::new(name).list("artist", artists).list("album", albums).list("song", songs))
        }
        "getSongsByGenre" => {
            let filter = TrackFilter { genre: Some(p.required("genre")?.to_string()), ..TrackFilter::default() };
            let count = p.number::<usize>("count")?.unwrap_or(10).min(500);
            let offset = p.number::<usize>("offset")?.unwrap_or(0);
            let (tracks, _) = library::tracks(state, caller, filter, TrackSort::Name, offset, count).await?;
            tree(Node::new("songsByGenre").list("song", songs(state, caller, tracks, "song").await?))
        }
        "getRandomSongs" => {
            let size = p.number::<usize>("size")?.unwrap_or(10).min(500);
            let filter = TrackFilter { genre: p.get("genre").map(str::to_string), ..TrackFilter::default() };
            let (_, total) = library::tracks(state, caller, filter.clone(), TrackSort::Name, 0, 0).await?;
            let start = if total as usize > size { rand::random::<usize>() % (total as usize - size + 1) } else { 0 };
            let (mut tracks, _) = library::tracks(state, caller, filter, TrackSort::Name, start, size).await?;
            use rand::seq::SliceRandom;
            tracks.shuffle(&mut rand::thread_rng());
            tree(Node::new("randomSongs").list("song", songs(state, caller, tracks, "song").await?))
        }
        "getStarred" | "getStarred2" => {
            let filter = TrackFilter { favorites_of: Some(caller.user_id.to_string()), ..TrackFilter::default() };
            let (tracks, _) = library::tracks(state, caller, filter, TrackSort::Name, 0, ALL).await?;
            let name = if method == "getStarred" { "starred" } else { "starred2" };
            let songs = songs(state, caller, tracks, "song").await?;
            tree(Node::new(name).list("artist", vec![]).list("album", vec![]).list("song", songs))
        }
        "getNowPlaying" => tree(now_playing(state, caller).await?),
        // Soundroom knows no similar artists or biographies (it never calls the internet).
        "getArtistInfo" | "getArtistInfo2" => tree(
            Node::new(if method == "getArtistInfo" { "artistInfo" } else { "artistInfo2" })
                .list("similarArtist", vec![]),
        ),
        "getAlbumInfo" | "getAlbumInfo2" => tree(Node::new("albumInfo")),
        "getTopSongs" => tree(Node::new("topSongs").list("song", vec![])),
        "getSimilarSongs" | "getSimilarSongs2" => tree(
            Node::new(if method == "getSimilarSongs" { "similarSongs" } else { "similarSongs2" }).list("song", vec![]),
        ),
        "createPlaylist" => create_playlist(state, caller, p).await,
        "updatePlaylist" => update_playlist(state, caller, p).await,
        "deletePlaylist" => {
            playlists::delete(state, caller, p.required("id")?.to_string()).await?;
            Ok(Answer::Empty)
        }
        "startScan" => {
            caller.require_admin()?;
            library::start_scan(state);
            tree(Node::new("scanStatus").attr("scanning", Value::from(true)))
        }
        // What Soundroom does not have, answered the way clients expect: empty lists.
        "getPodcasts" => tree(Node::new("podcasts").list("channel", vec![])),
        "getNewestPodcasts" => tree(Node::new("newestPodcasts").list("episode", vec![])),
        "getInternetRadioStations" => tree(Node::new("internetRadioStations").list("internetRadioStation", vec![])),
        "getShares" => tree(Node::new("shares").list("share", vec![])),
        "getChatMessages" => tree(Node::new("chatMessages").list("chatMessage", vec![])),
        "getVideos" => tree(Node::new("videos").list("video", vec![])),
        "getUsers" | "createUser" | "updateUser" | "deleteUser" | "changePassword" => {
            Err(Failure::new(50, "manage accounts in Soundroom's web UI"))
        }
        _ => Err(Failure::new(0, format!("Soundroom does not support the method '{method}'"))),
    }
}

fn music_folders(state: &SharedState) -> Node {
    let folders = state
        .config
        .library
        .folders
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let name = f.file_name().map_or_else(|| f.display().to_string(), |n| n.to_string_lossy().into_owned());
            Node::new("musicFolder").attr("id", Value::from(i + 1)).attr("name", Value::from(name))
        })
        .collect();
    Node::new("musicFolders").list("musicFolder", folders)
}

async fn user(state: &SharedState, caller: &Caller, p: &Params) -> Result<Node> {
    let me = crate::services::accounts::me(state, caller).await?.ok_or_else(|| Failure::not_found("user"))?;
    if let Some(asked) = p.get("username")
        && !asked.eq_ignore_ascii_case(me.tag())
        && !asked.eq_ignore_ascii_case(me.username())
    {
        return Err(Failure::new(50, "you may only see your own account"));
    }
    Ok(Node::new("user")
        .attr("username", Value::from(me.tag()))
        .attr("email", me.email().map(Value::from))
        .attr("adminRole", Value::from(caller.is_admin))
        .attr("scrobblingEnabled", Value::from(true))
        .attr("streamRole", Value::from(true))
        .attr("downloadRole", Value::from(true))
        .attr("playlistRole", Value::from(true))
        .attr("coverArtRole", Value::from(true))
        .attr("settingsRole", Value::from(false))
        .attr("uploadRole", Value::from(false))
        .list("folder", vec![]))
}

fn artist_node(a: &ArtistRow, album_count: Option<usize>) -> Node {
    Node::new("artist")
        .attr("id", Value::from(a.id.to_string()))
        .attr("name", Value::from(a.name.clone()))
        .attr("albumCount", album_count.map(Value::from))
        .attr("coverArt", a.image_path.as_ref().map(|_| Value::from(format!("ar-{}", a.id))))
}

async fn artists(state: &SharedState, caller: &Caller) -> Result<Node> {
    let (rows, _) = library::artists(state, caller, None, None, 0, ALL).await?;
    let mut indexes: Vec<(String, Vec<Node>)> = Vec::new();
    for a in &rows {
        let letter = a.name.chars().next().map_or("#".to_string(), |c| {
            if c.is_alphabetic() { c.to_uppercase().to_string() } else { "#".to_string() }
        });
        match indexes.last_mut() {
            Some((l, nodes)) if *l == letter => nodes.push(artist_node(a, None)),
            _ => indexes.push((letter, vec![artist_node(a, None)])),
        }
    }
    let indexes = indexes
        .into_iter()
        .map(|(letter, nodes)| Node::new("index").attr("name", Value::from(letter)).list("artist", nodes))
        .collect();
    Ok(Node::new("artists").attr("ignoredArticles", Value::from("")).list("index", indexes))
}

async fn artist(state: &SharedState, caller: &Caller, id: &str) -> Result<Node> {
    let a = library::artist(state, caller, id.to_string()).await?.ok_or_else(|| Failure::not_found("artist"))?;
    let (albums, _) = library::albums(state, caller, None, Some(id.to_string()), AlbumSort::Title, 0, ALL).await?;
    let nodes = album_nodes(state, albums).await?;
    Ok(artist_node(&a, Some(nodes.len())).list("album", nodes))
}

async fn album_nodes(state: &SharedState, albums: Vec<AlbumRow>) -> Result<Vec<Node>> {
    let ids: Vec<String> = albums.iter().map(|a| a.id.to_string()).collect();
    let artist_ids: Vec<String> = albums.iter().filter_map(|a| a.artist_id.as_ref().map(|i| i.to_string())).collect();
    let durations = batch::album_durations(state, ids).await?;
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
                .attr("duration", durations.get(a.id.as_str()).map(|d| Value::from(d.round() as i64)))
                .attr("year", a.year.map(Value::from))
        })
        .collect())
}

async fn album(state: &SharedState, caller: &Caller, id: &str) -> Result<Node> {
    let a = library::album(state, caller, id.to_string()).await?.ok_or_else(|| Failure::not_found("album"))?;
    let filter = TrackFilter { album_id: Some(id.to_string()), ..TrackFilter::default() };
    let (mut tracks, _) = library::tracks(state, caller, filter, TrackSort::Name, 0, ALL).await?;
    tracks.sort_by_key(|t| (t.disc_number.unwrap_or(1), t.track_number.unwrap_or(0)));
    let count = tracks.len();
    let songs = songs(state, caller, tracks, "song").await?;
    let node = album_nodes(state, vec![a]).await?.pop().expect("one album");
    Ok(node.attr("songCount", Value::from(count)).list("song", songs))
}

/// Tracks as Subsonic `child` entries, named `element` (song, entry).
async fn songs(state: &SharedState, caller: &Caller, tracks: Vec<TrackRow>, element: &str) -> Result<Vec<Node>> {
    let ids: Vec<String> = tracks.iter().map(|t| t.id.to_string()).collect();
    let artist_ids: Vec<String> = tracks.iter().filter_map(|t| t.artist_id.as_ref().map(|i| i.to_string())).collect();
    let album_ids: Vec<String> = tracks.iter().filter_map(|t| t.album_id.as_ref().map(|i| i.to_string())).collect();
    let artists: HashMap<String, String> =
        batch::artists(state, artist_ids).await?.into_iter().map(|a| (a.id.to_string(), a.name)).collect();
    let albums: HashMap<String, AlbumRow> =
        batch::albums(state, album_ids).await?.into_iter().map(|a| (a.id.to_string(), a)).collect();
    let starred: HashSet<String> = batch::favorites_among(state, caller.user_id.to_string(), ids).await?;
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
                .attr("starred", starred.contains(t.id.as_str()).then(|| Value::from(t.created_at.clone())))
        })
        .collect())
}

async fn album_list(state: &SharedState, caller: &Caller, p: &Params) -> Result<Vec<Node>> {
    let size = p.number::<usize>("size")?.unwrap_or(10).min(500);
    let offset = p.number::<usize>("offset")?.unwrap_or(0);
    let sort = match p.required("type")? {
        "recent" => AlbumSort::RecentlyPlayed,
        "frequent" => AlbumSort::MostPlayed,
        "newest" => AlbumSort::Newest,
        "random" => AlbumSort::Random,
        "alphabeticalByName" => AlbumSort::Title,
        "alphabeticalByArtist" => AlbumSort::ArtistName,
        "byYear" => AlbumSort::Year,
        // Albums cannot be starred or rated yet; byGenre needs a genre filter on albums.
        "starred" | "highest" | "byGenre" => return Ok(Vec::new()),
        other => return Err(Failure::new(0, format!("unknown list type '{other}'"))),
    };
    let (albums, _) = library::albums(state, caller, None, None, sort, offset, size).await?;
    album_nodes(state, albums).await
}

async fn search(state: &SharedState, caller: &Caller, p: &Params) -> Result<(Vec<Node>, Vec<Node>, Vec<Node>)> {
    let query = p.get("query").unwrap_or("").trim_matches('"').trim().to_string();
    let count = |k: &str| p.number::<usize>(k).map(|n| n.unwrap_or(20).min(500));
    let offset = |k: &str| p.number::<usize>(k).map(|n| n.unwrap_or(0));
    let (artist_count, album_count, song_count) = (count("artistCount")?, count("albumCount")?, count("songCount")?);
    let (artist_offset, album_offset, song_offset) =
        (offset("artistOffset")?, offset("albumOffset")?, offset("songOffset")?);
    // An empty query lists everything, paged: how syncing apps read the whole library.
    let search = (!query.is_empty()).then(|| query.clone());
    let fts = search.as_deref().and_then(crate::services::library::fts_query);
    if search.is_some() && fts.is_none() {
        return Ok((vec![], vec![], vec![]));
    }
    let (artists, _) = library::artists(state, caller, search.clone(), None, artist_offset, artist_count).await?;
    let (albums, _) =
        library::albums(state, caller, search.clone(), None, AlbumSort::Title, album_offset, album_count).await?;
    let filter = TrackFilter { search: fts, ..TrackFilter::default() };
    let (tracks, _) = library::tracks(state, caller, filter, TrackSort::Name, song_offset, song_count).await?;
    Ok((
        artists.iter().map(|a| artist_node(a, None)).collect(),
        album_nodes(state, albums).await?,
        songs(state, caller, tracks, "song").await?,
    ))
}

async fn stream(state: &SharedState, caller: &Caller, p: &Params, request: Request, original: bool) -> Result<Answer> {
    let id = p.required("id")?.to_string();
    library::track(state, caller, id.clone()).await?.ok_or_else(|| Failure::not_found("song"))?;
    let max_bitrate = p.number::<u32>("maxBitRate")?.filter(|b| *b > 0);
    let format = match (original, p.get("format")) {
        (true, _) | (false, Some("raw")) => None,
        (false, Some("mp3")) => Some("mp3".to_string()),
        (false, Some("opus")) => Some("opus".to_string()),
        // A bitrate cap without a format: Opus, the better codec at low rates.
        (false, _) if max_bitrate.is_some() => Some("opus".to_string()),
        (false, _) => None,
    };
    let offset = if original { None } else { p.number::<f64>("timeOffset")?.filter(|o| *o > 0.0) };
    let format = match (format, offset) {
        (None, Some(_)) => Some("opus".to_string()),
        (f, _) => f,
    };
    let stream = StreamRequest { format, bitrate_kbps: max_bitrate.map(|b| b.clamp(32, 320)), offset_secs: offset };
    Ok(Answer::Raw(match media::stream(state, id, stream).await? {
        Audio::File { path, content_type } => crate::http::media::serve_file(&path, content_type, request).await,
        Audio::Live { chunks, content_type } => crate::http::media::live(chunks, content_type),
    }))
}

async fn cover(state: &SharedState, p: &Params) -> Result<Answer> {
    let id = p.required("id")?;
    let (kind, id) = match id.strip_prefix("ar-") {
        Some(artist) => ("artist", artist),
        None => ("album", id),
    };
    let size = p.number::<u32>("size")?;
    let picture = media::picture(state, kind.to_string(), id.to_string(), size, None).await?;
    let picture = picture.ok_or_else(|| Failure::not_found("cover art"))?;
    Ok(Answer::Raw(([(axum::http::header::CONTENT_TYPE, picture.content_type)], picture.bytes).into_response()))
}

async fn scrobble(state: &SharedState, caller: &Caller, p: &Params) -> Result<Answer> {
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

fn playlist_node(pl: &playlists::PlaylistRow, count: i64, duration: f64, owner: &str) -> Node {
    Node::new("playlist")
        .attr("id", Value::from(pl.id.to_string()))
        .attr("name", Value::from(pl.name.clone()))
        .attr("comment", pl.description.clone().map(Value::from))
        .attr("owner", Value::from(owner))
        .attr("public", Value::from(pl.public))
        .attr("songCount", Value::from(count))
        .attr("duration", Value::from(duration.round() as i64))
        .attr("created", Value::from(pl.created_at.clone()))
        .attr("changed", Value::from(pl.updated_at.clone()))
}

async fn playlist_list(state: &SharedState, caller: &Caller) -> Result<Node> {
    let (rows, _) = playlists::mine(state, caller, 0, ALL).await?;
    let stats: HashMap<String, (i64, f64)> =
        batch::playlist_stats(state, rows.iter().map(|p| p.id.to_string()).collect())
            .await?
            .into_iter()
            .map(|(id, n, d)| (id, (n, d)))
            .collect();
    let me = crate::services::accounts::me(state, caller).await?.map(|u| u.tag().to_string()).unwrap_or_default();
    let nodes = rows
        .iter()
        .map(|pl| {
            let (n, d) = stats.get(pl.id.as_str()).copied().unwrap_or((0, 0.0));
            playlist_node(pl, n, d, &me)
        })
        .collect();
    Ok(Node::new("playlists").list("playlist", nodes))
}

async fn playlist(state: &SharedState, caller: &Caller, id: &str) -> Result<Node> {
    let pl = playlists::get(state, caller, id.to_string()).await?.ok_or_else(|| Failure::not_found("playlist"))?;
    let items = playlists::items(state, id.to_string(), 0, ALL).await?;
    let ids: Vec<String> = items.iter().map(|i| i.track_id.to_string()).collect();
    let by_id: HashMap<String, TrackRow> =
        batch::tracks(state, ids.clone()).await?.into_iter().map(|t| (t.id.to_string(), t)).collect();
    let tracks: Vec<TrackRow> = ids.iter().filter_map(|i| by_id.get(i).cloned()).collect();
    let duration = tracks.iter().map(|t| t.duration).sum();
    let owner = batch::users(state, vec![pl.owner_id.to_string()]).await?.pop().map(|u| u.tag).unwrap_or_default();
    let count = tracks.len() as i64;
    let entries = songs(state, caller, tracks, "entry").await?;
    Ok(playlist_node(&pl, count, duration, &owner).list("entry", entries))
}

/// What friends (who share it) and the caller are playing now.
async fn now_playing(state: &SharedState, caller: &Caller) -> Result<Node> {
    let playing: Vec<_> = activity::friends_activity(state, caller)
        .await?
        .into_iter()
        .filter_map(|change| change.playing.map(|p| (change.friend, p)))
        .collect();
    let ids = playing.iter().map(|(_, p)| p.track_id.to_string()).collect();
    let by_id: HashMap<String, TrackRow> =
        batch::tracks(state, ids).await?.into_iter().map(|t| (t.id.to_string(), t)).collect();
    let shown: Vec<_> = playing.into_iter().filter(|(_, p)| by_id.contains_key(p.track_id.as_str())).collect();
    let tracks = shown.iter().map(|(_, p)| by_id[p.track_id.as_str()].clone()).collect();
    let entries = songs(state, caller, tracks, "entry")
        .await?
        .into_iter()
        .zip(shown)
        .map(|(node, (friend, playing))| {
            let minutes = (chrono::Utc::now() - playing.started_at).num_minutes().max(0);
            node.attr("username", Value::from(friend.tag))
                .attr("minutesAgo", Value::from(minutes))
                .attr("playerId", Value::from(0))
        })
        .collect();
    Ok(Node::new("nowPlaying").list("entry", entries))
}

async fn create_playlist(state: &SharedState, caller: &Caller, p: &Params) -> Result<Answer> {
    let songs_to_add: Vec<String> = p.all("songId").into_iter().map(str::to_string).collect();
    let id = match (p.get("playlistId"), p.get("name")) {
        // With playlistId, the list's tracks are replaced (the Subsonic way to save a playlist).
        (Some(id), _) => {
            let existing =
                playlists::get(state, caller, id.to_string()).await?.ok_or_else(|| Failure::not_found("playlist"))?;
            let items = playlists::items(state, id.to_string(), 0, ALL).await?;
            if !items.is_empty() {
                playlists::remove_items(state, caller, id.to_string(), items.into_iter().map(|i| i.id).collect())
                    .await?;
            }
            existing.id.to_string()
        }
        (None, Some(name)) => {
            let change =
                playlists::PlaylistChange { name: Some(name.to_string()), ..playlists::PlaylistChange::default() };
            playlists::create(state, caller, change).await?.id.to_string()
        }
        (None, None) => return Err(Failure::new(10, "required parameter 'name' or 'playlistId' is missing")),
    };
    if !songs_to_add.is_empty() {
        playlists::add_tracks(state, caller, id.clone(), songs_to_add, None).await?;
    }
    Ok(Answer::Tree(playlist(state, caller, &id).await?))
}

async fn update_playlist(state: &SharedState, caller: &Caller, p: &Params) -> Result<Answer> {
    let id = p.required("playlistId")?.to_string();
    playlists::get(state, caller, id.clone()).await?.ok_or_else(|| Failure::not_found("playlist"))?;
    let change = playlists::PlaylistChange {
        name: p.get("name").map(str::to_string),
        description: p.get("comment").map(str::to_string),
        public: p.flag("public"),
        image: None,
    };
    if change.name.is_some() || change.description.is_some() || change.public.is_some() {
        playlists::update(state, caller, id.clone(), change).await?;
    }
    // Indexes refer to the list as it was before this call.
    let remove: Vec<usize> = p.all("songIndexToRemove").iter().filter_map(|i| i.parse().ok()).collect();
    if !remove.is_empty() {
        let items = playlists::items(state, id.clone(), 0, ALL).await?;
        let ids: Vec<String> = remove.iter().filter_map(|&i| items.get(i).map(|item| item.id.clone())).collect();
        if ids.len() != remove.len() {
            return Err(Failure::new(0, "songIndexToRemove is past the end of the playlist"));
        }
        playlists::remove_items(state, caller, id.clone(), ids).await?;
    }
    let add: Vec<String> = p.all("songIdToAdd").into_iter().map(str::to_string).collect();
    if !add.is_empty() {
        playlists::add_tracks(state, caller, id, add, None).await?;
    }
    Ok(Answer::Empty)
}

/// A "directory": an artist (its albums as sub-directories) or an album (its songs).
async fn directory(state: &SharedState, caller: &Caller, id: &str) -> Result<Node> {
    if let Some(a) = library::artist(state, caller, id.to_string()).await? {
        let (albums, _) = library::albums(state, caller, None, Some(id.to_string()), AlbumSort::Title, 0, ALL).await?;
        let titles: Vec<String> = albums.iter().map(|a| a.title.clone()).collect();
        let children = album_nodes(state, albums)
            .await?
            .into_iter()
            .zip(titles)
            .map(|(n, title)| {
                n.renamed("child")
                    .attr("title", Value::from(title))
                    .attr("isDir", Value::from(true))
                    .attr("parent", Value::from(id))
            })
            .collect();
        return Ok(Node::new("directory")
            .attr("id", Value::from(id))
            .attr("name", Value::from(a.name))
            .list("child", children));
    }
    let a = library::album(state, caller, id.to_string()).await?.ok_or_else(|| Failure::not_found("directory"))?;
    let filter = TrackFilter { album_id: Some(id.to_string()), ..TrackFilter::default() };
    let (mut tracks, _) = library::tracks(state, caller, filter, TrackSort::Name, 0, ALL).await?;
    tracks.sort_by_key(|t| (t.disc_number.unwrap_or(1), t.track_number.unwrap_or(0)));
    Ok(Node::new("directory")
        .attr("id", Value::from(id))
        .attr("name", Value::from(a.title))
        .attr("parent", a.artist_id.map(|i| Value::from(i.to_string())))
        .list("child", songs(state, caller, tracks, "child").await?))
}

async fn play_queue(state: &SharedState, caller: &Caller) -> Result<Node> {
    let Some(q) = queues::play_queue(state, caller).await? else {
        return Ok(Node::new("playQueue").list("entry", vec![]));
    };
    let by_id: HashMap<String, TrackRow> =
        batch::tracks(state, q.track_ids.clone()).await?.into_iter().map(|t| (t.id.to_string(), t)).collect();
    let tracks: Vec<TrackRow> = q.track_ids.iter().filter_map(|i| by_id.get(i).cloned()).collect();
    let me = crate::services::accounts::me(state, caller).await?.map(|u| u.tag().to_string()).unwrap_or_default();
    Ok(Node::new("playQueue")
        .attr("current", q.current_id.map(Value::from))
        .attr("position", Value::from(q.position_ms))
        .attr("username", Value::from(me))
        .attr("changed", Value::from(q.changed_at))
        .attr("changedBy", Value::from(q.changed_by))
        .list("entry", songs(state, caller, tracks, "entry").await?))
}

async fn bookmarks(state: &SharedState, caller: &Caller) -> Result<Node> {
    let marks = queues::bookmarks(state, caller).await?;
    let by_id: HashMap<String, TrackRow> = batch::tracks(state, marks.iter().map(|b| b.track_id.clone()).collect())
        .await?
        .into_iter()
        .map(|t| (t.id.to_string(), t))
        .collect();
    let me = crate::services::accounts::me(state, caller).await?.map(|u| u.tag().to_string()).unwrap_or_default();
    let marks: Vec<_> = marks.into_iter().filter(|m| by_id.contains_key(&m.track_id)).collect();
    let tracks = marks.iter().map(|m| by_id[&m.track_id].clone()).collect();
    let nodes = songs(state, caller, tracks, "entry")
        .await?
        .into_iter()
        .zip(marks)
        .map(|(entry, mark)| {
            Node::new("bookmark")
                .attr("position", Value::from(mark.position_ms))
                .attr("username", Value::from(me.clone()))
                .attr("comment", mark.comment.map(Value::from))
                .attr("created", Value::from(mark.created_at))
                .attr("changed", Value::from(mark.changed_at))
                .child(entry)
        })
        .collect();
    Ok(Node::new("bookmarks").list("bookmark", nodes))
}
