//! Lists a person keeps: playlists, the saved play queue, bookmarks, and what friends are
//! playing now.

use std::collections::HashMap;

use serde_json::Value;

use super::nodes::songs;
use super::{ALL, Answer, Failure, Node, Params, Result};
use crate::services::library::TrackRow;
use crate::services::sessions::Caller;
use crate::services::{activity, batch, playlists, queues};
use crate::state::SharedState;

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

pub async fn playlist_list(state: &SharedState, caller: &Caller) -> Result<Node> {
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

pub async fn playlist(state: &SharedState, caller: &Caller, id: &str) -> Result<Node> {
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

pub async fn create_playlist(state: &SharedState, caller: &Caller, p: &Params) -> Result<Answer> {
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

pub async fn update_playlist(state: &SharedState, caller: &Caller, p: &Params) -> Result<Answer> {
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

pub async fn play_queue(state: &SharedState, caller: &Caller) -> Result<Node> {
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

pub async fn bookmarks(state: &SharedState, caller: &Caller) -> Result<Node> {
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

/// What friends (who share it) and the caller are playing now.
pub async fn now_playing(state: &SharedState, caller: &Caller) -> Result<Node> {
    // Your own devices first, then friends who share what they play.
    let own = activity::own_activity(state, caller).await?;
    let playing: Vec<_> = own
        .into_iter()
        .chain(activity::friends_activity(state, caller).await?)
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
