//! The Subsonic methods, each a thin mapping from parameters to a service call and from rows
//! to Subsonic's shapes.

use axum::extract::Request;
use axum::response::IntoResponse;
use serde_json::Value;

use super::lists::*;
use super::nodes::{album_nodes, artist_node, songs, starred_artists};
use super::{ALL, Answer, Failure, Node, Params, Result, annotation};
use crate::services::library::{AlbumFilter, AlbumSort, TrackFilter, TrackSort};
use crate::services::media::{Audio, StreamRequest};
use crate::services::sessions::Caller;
use crate::services::{library, media, playlists, queues};
use crate::state::SharedState;

pub fn extensions() -> Node {
    let ext = |name: &str| {
        Node::new("openSubsonicExtensions").attr("name", Value::from(name)).attr("versions", Value::from(vec![1]))
    };
    super::response::envelope(true).list(
        "openSubsonicExtensions",
        vec![ext("apiKeyAuthentication"), ext("formPost"), ext("transcodeOffset"), ext("songLyrics")],
    )
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
        "star" | "unstar" => annotation::star(state, caller, p, method == "star").await,
        "setRating" => annotation::set_rating(state, caller, p).await,
        "scrobble" => annotation::scrobble(state, caller, p).await,
        "getLyricsBySongId" => tree(annotation::lyrics_by_song(state, caller, p.required("id")?).await?),
        "getLyrics" => tree(annotation::lyrics_by_name(state, caller, p).await?),
        "getPlaylists" => tree(playlist_list(state, caller).await?),
        "getPlaylist" => tree(playlist(state, caller, p.required("id")?).await?),
        "getScanStatus" => {
            let (scanning, tracks) = library::scan_activity(state, caller).await?;
            tree(Node::new("scanStatus").attr("scanning", Value::from(scanning)).attr("count", Value::from(tracks)))
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
            let genres = library::genre_counts(state, caller).await?;
            let nodes = genres
                .into_iter()
                .map(|(name, songs, albums)| {
                    Node::new("genre")
                        .attr("songCount", Value::from(songs))
                        .attr("albumCount", Value::from(albums))
                        .text(name)
                })
                .collect();
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
        "getStarred" | "getStarred2" => tree(annotation::starred(state, caller, method == "getStarred2").await?),
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
        .attr("commentRole", Value::from(false))
        .attr("podcastRole", Value::from(false))
        .attr("jukeboxRole", Value::from(false))
        .attr("shareRole", Value::from(false))
        .attr("videoConversionRole", Value::from(false))
        .list("folder", vec![]))
}

async fn artists(state: &SharedState, caller: &Caller) -> Result<Node> {
    let (rows, _) = library::artists(state, caller, None, None, false, 0, ALL).await?;
    let starred = starred_artists(state, caller).await?;
    let mut indexes: Vec<(String, Vec<Node>)> = Vec::new();
    for a in &rows {
        let letter = a.name.chars().next().map_or("#".to_string(), |c| {
            if c.is_alphabetic() { c.to_uppercase().to_string() } else { "#".to_string() }
        });
        match indexes.last_mut() {
            Some((l, nodes)) if *l == letter => nodes.push(artist_node(a, None, starred.get(a.id.as_str()))),
            _ => indexes.push((letter, vec![artist_node(a, None, starred.get(a.id.as_str()))])),
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
    let (albums, _) =
        library::albums(state, caller, AlbumFilter::by_artist(id), false, AlbumSort::Title, 0, ALL).await?;
    let nodes = album_nodes(state, caller, albums).await?;
    let starred = starred_artists(state, caller).await?;
    Ok(artist_node(&a, Some(nodes.len()), starred.get(a.id.as_str())).list("album", nodes))
}

async fn album(state: &SharedState, caller: &Caller, id: &str) -> Result<Node> {
    let a = library::album(state, caller, id.to_string()).await?.ok_or_else(|| Failure::not_found("album"))?;
    let filter = TrackFilter { album_id: Some(id.to_string()), ..TrackFilter::default() };
    let (mut tracks, _) = library::tracks(state, caller, filter, TrackSort::Name, 0, ALL).await?;
    tracks.sort_by_key(|t| (t.disc_number.unwrap_or(1), t.track_number.unwrap_or(0)));
    let songs = songs(state, caller, tracks, "song").await?;
    let node = album_nodes(state, caller, vec![a]).await?.pop().expect("one album");
    Ok(node.list("song", songs))
}

async fn album_list(state: &SharedState, caller: &Caller, p: &Params) -> Result<Vec<Node>> {
    let size = p.number::<usize>("size")?.unwrap_or(10).min(500);
    let offset = p.number::<usize>("offset")?.unwrap_or(0);
    let mut filter = AlbumFilter::default();
    let mut favorites_only = false;
    let sort = match p.required("type")? {
        "recent" => AlbumSort::RecentlyPlayed,
        "frequent" => AlbumSort::MostPlayed,
        "newest" => AlbumSort::Newest,
        "random" => AlbumSort::Random,
        "alphabeticalByName" => AlbumSort::Title,
        "alphabeticalByArtist" => AlbumSort::ArtistName,
        "highest" => AlbumSort::HighestRated,
        "starred" => {
            favorites_only = true;
            AlbumSort::Title
        }
        "byYear" => {
            let from = p.number::<i64>("fromYear")?.ok_or_else(|| Failure::missing("fromYear"))?;
            let to = p.number::<i64>("toYear")?.ok_or_else(|| Failure::missing("toYear"))?;
            filter.years = Some((from, to));
            AlbumSort::Year
        }
        "byGenre" => {
            filter.genre = Some(p.required("genre")?.to_string());
            AlbumSort::Title
        }
        other => return Err(Failure::new(0, format!("unknown list type '{other}'"))),
    };
    let (albums, _) = library::albums(state, caller, filter, favorites_only, sort, offset, size).await?;
    album_nodes(state, caller, albums).await
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
    let (artists, _) = library::artists(state, caller, fts.clone(), None, false, artist_offset, artist_count).await?;
    let albums_filter = AlbumFilter { search: fts.clone(), ..Default::default() };
    let (albums, _) =
        library::albums(state, caller, albums_filter, false, AlbumSort::Title, album_offset, album_count).await?;
    let filter = TrackFilter { search: fts, ..TrackFilter::default() };
    let (tracks, _) = library::tracks(state, caller, filter, TrackSort::Name, song_offset, song_count).await?;
    let starred = starred_artists(state, caller).await?;
    Ok((
        artists.iter().map(|a| artist_node(a, None, starred.get(a.id.as_str()))).collect(),
        album_nodes(state, caller, albums).await?,
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

/// A "directory": an artist (its albums as sub-directories) or an album (its songs).
async fn directory(state: &SharedState, caller: &Caller, id: &str) -> Result<Node> {
    if let Some(a) = library::artist(state, caller, id.to_string()).await? {
        let (albums, _) =
            library::albums(state, caller, AlbumFilter::by_artist(id), false, AlbumSort::Title, 0, ALL).await?;
        let titles: Vec<String> = albums.iter().map(|a| a.title.clone()).collect();
        let children = album_nodes(state, caller, albums)
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
