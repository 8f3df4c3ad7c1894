//! Who may call what: every query, mutation and subscription in the schema, called as
//! anonymous, as a disabled account, as a stranger, as the owner of what it touches and as an
//! administrator. The table must list every operation: adding one to the schema without
//! deciding who may call it fails `every_operation_has_a_rule`.

use serde_json::{Value, json};

use crate::fixtures;
use crate::helpers::{Session, TestApp};
use crate::uploads::upload;

/// The roles, in the order of each rule's expectations.
const ROLES: [&str; 5] = ["anonymous", "disabled", "stranger", "owner", "admin"];

/// What a role gets: `ok` (no error), `input` (past authorization, refused for its input, such
/// as a made-up code), `unauth`, `forbidden`, `notfound` (hidden as if it did not exist),
/// `hidden` (a null answer), or `-` (not meaningful for this role; not run).
type Expect = [&'static str; 5];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Area {
    Accounts,
    Admin,
    Library,
    Playlists,
    Social,
    Rooms,
}

struct Rule {
    area: Area,
    op: &'static str,
    doc: &'static str,
    expect: Expect,
}

const SIGNED_IN: Expect = ["unauth", "unauth", "ok", "ok", "ok"];
const ADMIN_ONLY: Expect = ["unauth", "unauth", "forbidden", "forbidden", "ok"];
const OWNER_OR_ADMIN: Expect = ["unauth", "unauth", "forbidden", "ok", "ok"];
/// Private playlists: nobody but the owner learns they exist, administrators included.
const PLAYLIST_OWNER: Expect = ["unauth", "unauth", "notfound", "ok", "notfound"];
/// A private room: its owner and admins manage it; to anyone else it does not exist.
const ROOM_MANAGER: Expect = ["unauth", "unauth", "notfound", "ok", "ok"];
const ANYONE: Expect = ["ok", "-", "-", "-", "-"];

/// Operations checked by their own tests, with the test that does it.
const ELSEWHERE: &[(&str, &str)] = &[
    ("uploadTrack", "authorization::uploads_need_a_signed_in_caller"),
    ("libraryScan", "library::rescan_library_reports_progress_on_the_subscription"),
    ("notifications", "sessions::subscriptions_authenticate_in_connection_init_and_hear_session_revocations"),
    ("friendActivity", "activity::friends_see_what_i_play_live_unless_i_stop_sharing"),
];

const RULES: &[Rule] = &[
    // accounts and sessions
    Rule { area: Area::Accounts, op: "me", doc: "{ me { id } }", expect: ["hidden", "hidden", "ok", "ok", "ok"] },
    Rule { area: Area::Accounts, op: "user", doc: "query($ann: ID!) { user(id: $ann) { id } }", expect: SIGNED_IN },
    Rule {
        area: Area::Accounts,
        op: "userByTag",
        doc: "query($annTag: String!) { userByTag(tag: $annTag) { id } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Accounts,
        op: "searchUsers",
        doc: "{ searchUsers(query: \"ann\") { edges { node { id } } } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Accounts,
        op: "serverInfo",
        doc: "{ serverInfo { name } }",
        expect: ["ok", "ok", "ok", "ok", "ok"],
    },
    Rule {
        area: Area::Accounts,
        op: "register",
        doc: "mutation { register(input: {email: \"new@example.org\", password: \"correct horse battery\", username: \"New\"}) { accessToken } }",
        expect: ANYONE,
    },
    Rule {
        area: Area::Accounts,
        op: "login",
        doc: "mutation($annEmail: String!) { login(email: $annEmail, password: \"correct horse battery\") { __typename } }",
        expect: ANYONE,
    },
    // A made-up challenge or code never signs anyone in.
    Rule {
        area: Area::Accounts,
        op: "verifyTwoFactor",
        doc: "mutation { verifyTwoFactor(challengeToken: \"made-up\", code: \"123456\") { accessToken } }",
        expect: ["unauth", "-", "-", "-", "-"],
    },
    Rule {
        area: Area::Accounts,
        op: "exchangeLoginCode",
        doc: "mutation { exchangeLoginCode(code: \"made-up\") { __typename } }",
        expect: ["unauth", "-", "-", "-", "-"],
    },
    Rule {
        area: Area::Accounts,
        op: "refreshToken",
        doc: "mutation($annRefresh: String!) { refreshToken(refreshToken: $annRefresh) { accessToken } }",
        expect: ANYONE,
    },
    Rule { area: Area::Accounts, op: "logout", doc: "mutation { logout(refreshToken: \"made-up\") }", expect: ANYONE },
    Rule { area: Area::Accounts, op: "logoutEverywhere", doc: "mutation { logoutEverywhere }", expect: SIGNED_IN },
    Rule {
        area: Area::Accounts,
        op: "changePassword",
        doc: "mutation { changePassword(currentPassword: \"correct horse battery\", newPassword: \"another horse battery\") }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Accounts,
        op: "updateProfile",
        doc: "mutation { updateProfile(input: {username: \"Renamed\"}) { id } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Accounts,
        op: "beginTwoFactorSetup",
        doc: "mutation { beginTwoFactorSetup { secret } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Accounts,
        op: "confirmTwoFactorSetup",
        doc: "mutation { confirmTwoFactorSetup(code: \"000000\") }",
        expect: ["unauth", "unauth", "input", "input", "input"],
    },
    Rule {
        area: Area::Accounts,
        op: "disableTwoFactor",
        doc: "mutation { disableTwoFactor(code: \"000000\") }",
        expect: ["unauth", "unauth", "input", "input", "input"],
    },
    Rule {
        area: Area::Accounts,
        op: "beginOAuthLink",
        doc: "mutation { beginOAuthLink(provider: \"none\") }",
        expect: ["unauth", "unauth", "notfound", "notfound", "notfound"],
    },
    Rule {
        area: Area::Accounts,
        op: "completeOAuthLink",
        doc: "mutation { completeOAuthLink(code: \"made-up\") }",
        expect: ["unauth", "unauth", "input", "input", "input"],
    },
    Rule {
        area: Area::Accounts,
        op: "unlinkOAuthIdentity",
        doc: "mutation { unlinkOAuthIdentity(provider: \"none\") }",
        expect: ["unauth", "unauth", "notfound", "notfound", "notfound"],
    },
    // administration
    Rule { area: Area::Admin, op: "users", doc: "{ users { edges { node { id } } } }", expect: ADMIN_ONLY },
    Rule { area: Area::Admin, op: "invites", doc: "{ invites { id } }", expect: ADMIN_ONLY },
    Rule { area: Area::Admin, op: "createInvite", doc: "mutation { createInvite { code } }", expect: ADMIN_ONLY },
    Rule {
        area: Area::Admin,
        op: "revokeInvite",
        doc: "mutation($invite: ID!) { revokeInvite(id: $invite) }",
        expect: ADMIN_ONLY,
    },
    Rule {
        area: Area::Admin,
        op: "setUserAdmin",
        doc: "mutation($bob: ID!) { setUserAdmin(userId: $bob, admin: false) { id } }",
        expect: ADMIN_ONLY,
    },
    Rule {
        area: Area::Admin,
        op: "setUserDisabled",
        doc: "mutation($bob: ID!) { setUserDisabled(userId: $bob, disabled: false) { id } }",
        expect: ADMIN_ONLY,
    },
    Rule { area: Area::Admin, op: "rescanLibrary", doc: "mutation { rescanLibrary { scanning } }", expect: ADMIN_ONLY },
    Rule { area: Area::Admin, op: "libraryStatus", doc: "{ libraryStatus { scanning } }", expect: ADMIN_ONLY },
    Rule { area: Area::Admin, op: "hiddenTracks", doc: "{ hiddenTracks { path } }", expect: ADMIN_ONLY },
    Rule {
        area: Area::Admin,
        op: "restoreHiddenTrack",
        doc: "mutation { restoreHiddenTrack(path: \"/not/hidden.flac\") }",
        expect: ["unauth", "unauth", "forbidden", "forbidden", "notfound"],
    },
    Rule {
        area: Area::Admin,
        op: "createUser",
        doc: "mutation($name: String!) { createUser(input: {name: $name, email: \"made@example.org\", password: \"correct horse battery\"}) { id } }",
        expect: ADMIN_ONLY,
    },
    Rule {
        area: Area::Admin,
        op: "createPasswordResetLink",
        doc: "mutation($bob: ID!) { createPasswordResetLink(userId: $bob) }",
        expect: ADMIN_ONLY,
    },
    Rule {
        area: Area::Admin,
        op: "deleteUser",
        doc: "mutation($bob: ID!) { deleteUser(userId: $bob, playlists: DELETE, uploads: TRANSFER) }",
        expect: ADMIN_ONLY,
    },
    // marks on the library: anyone signed in, for themselves
    Rule {
        area: Area::Library,
        op: "favoriteAlbum",
        doc: "mutation($album: ID!) { favoriteAlbum(albumId: $album) { isFavorite } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Library,
        op: "unfavoriteAlbum",
        doc: "mutation($album: ID!) { unfavoriteAlbum(albumId: $album) { isFavorite } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Library,
        op: "favoriteArtist",
        doc: "mutation($artist: ID!) { favoriteArtist(artistId: $artist) { isFavorite } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Library,
        op: "unfavoriteArtist",
        doc: "mutation($artist: ID!) { unfavoriteArtist(artistId: $artist) { isFavorite } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Library,
        op: "setTrackRating",
        doc: "mutation($track: ID!) { setTrackRating(trackId: $track, rating: 3) { rating } }",
        expect: SIGNED_IN,
    },
    // Nobody has a saved queue yet: a null answer for everyone signed in.
    Rule {
        area: Area::Library,
        op: "playQueue",
        doc: "{ playQueue { positionMs } }",
        expect: ["unauth", "unauth", "hidden", "hidden", "hidden"],
    },
    Rule {
        area: Area::Library,
        op: "savePlayQueue",
        doc: "mutation($track: ID!) { savePlayQueue(trackIds: [$track], currentId: $track, positionMs: 1000) }",
        expect: SIGNED_IN,
    },
    // the library
    Rule {
        area: Area::Library,
        op: "artist",
        doc: "query($artist: ID!) { artist(id: $artist) { id } }",
        expect: SIGNED_IN,
    },
    Rule { area: Area::Library, op: "artists", doc: "{ artists { edges { node { id } } } }", expect: SIGNED_IN },
    Rule {
        area: Area::Library,
        op: "album",
        doc: "query($album: ID!) { album(id: $album) { id } }",
        expect: SIGNED_IN,
    },
    Rule { area: Area::Library, op: "albums", doc: "{ albums { edges { node { id } } } }", expect: SIGNED_IN },
    Rule {
        area: Area::Library,
        op: "track",
        doc: "query($track: ID!) { track(id: $track) { id } }",
        expect: SIGNED_IN,
    },
    Rule { area: Area::Library, op: "tracks", doc: "{ tracks { edges { node { id } } } }", expect: SIGNED_IN },
    Rule { area: Area::Library, op: "genres", doc: "{ genres }", expect: SIGNED_IN },
    Rule { area: Area::Library, op: "search", doc: "{ search(query: \"ann\") { tracks { id } } }", expect: SIGNED_IN },
    Rule { area: Area::Library, op: "favorites", doc: "{ favorites { edges { node { id } } } }", expect: SIGNED_IN },
    Rule {
        area: Area::Library,
        op: "updateTrack",
        doc: "mutation($track: ID!) { updateTrack(id: $track, input: {name: \"Renamed\"}) { id } }",
        expect: OWNER_OR_ADMIN,
    },
    Rule {
        area: Area::Library,
        op: "deleteTrack",
        doc: "mutation($track: ID!) { deleteTrack(id: $track) }",
        expect: OWNER_OR_ADMIN,
    },
    Rule {
        area: Area::Library,
        op: "updateAlbum",
        doc: "mutation($album: ID!) { updateAlbum(id: $album, input: {year: 2001}) { id } }",
        expect: OWNER_OR_ADMIN,
    },
    Rule {
        area: Area::Library,
        op: "createArtist",
        doc: "mutation($name: String!) { createArtist(input: {name: $name}) { id } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Library,
        op: "updateArtist",
        doc: "mutation($artist: ID!) { updateArtist(id: $artist, input: {genre: \"Jazz\"}) { id } }",
        expect: OWNER_OR_ADMIN,
    },
    Rule {
        area: Area::Library,
        op: "deleteArtist",
        doc: "mutation($artist: ID!) { deleteArtist(id: $artist) }",
        expect: OWNER_OR_ADMIN,
    },
    Rule {
        area: Area::Library,
        op: "favoriteTrack",
        doc: "mutation($track: ID!) { favoriteTrack(trackId: $track) { id } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Library,
        op: "unfavoriteTrack",
        doc: "mutation($track: ID!) { unfavoriteTrack(trackId: $track) { id } }",
        expect: SIGNED_IN,
    },
    // playlists
    Rule {
        area: Area::Playlists,
        op: "playlist",
        doc: "query($playlist: ID!) { playlist(id: $playlist) { id } }",
        expect: ["unauth", "unauth", "hidden", "ok", "hidden"],
    },
    Rule {
        area: Area::Playlists,
        op: "myPlaylists",
        doc: "{ myPlaylists { edges { node { id } } } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Playlists,
        op: "createPlaylist",
        doc: "mutation { createPlaylist(input: {name: \"Mine\"}) { id } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Playlists,
        op: "updatePlaylist",
        doc: "mutation($playlist: ID!) { updatePlaylist(id: $playlist, input: {name: \"Ours\"}) { id } }",
        expect: PLAYLIST_OWNER,
    },
    Rule {
        area: Area::Playlists,
        op: "deletePlaylist",
        doc: "mutation($playlist: ID!) { deletePlaylist(id: $playlist) }",
        expect: PLAYLIST_OWNER,
    },
    Rule {
        area: Area::Playlists,
        op: "addTracksToPlaylist",
        doc: "mutation($playlist: ID!, $track: ID!) { addTracksToPlaylist(playlistId: $playlist, trackIds: [$track]) { id } }",
        expect: PLAYLIST_OWNER,
    },
    Rule {
        area: Area::Playlists,
        op: "removePlaylistItems",
        doc: "mutation($playlist: ID!, $item: ID!) { removePlaylistItems(playlistId: $playlist, itemIds: [$item]) { id } }",
        expect: PLAYLIST_OWNER,
    },
    Rule {
        area: Area::Playlists,
        op: "movePlaylistItem",
        doc: "mutation($playlist: ID!, $item: ID!) { movePlaylistItem(playlistId: $playlist, itemId: $item, toPosition: 0) { id } }",
        expect: PLAYLIST_OWNER,
    },
    // friends: Bob has asked Ann to be friends
    Rule { area: Area::Social, op: "friends", doc: "{ friends { id } }", expect: SIGNED_IN },
    Rule {
        area: Area::Social,
        op: "incomingFriendRequests",
        doc: "{ incomingFriendRequests { id } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Social,
        op: "outgoingFriendRequests",
        doc: "{ outgoingFriendRequests { id } }",
        expect: SIGNED_IN,
    },
    Rule { area: Area::Social, op: "blockedUsers", doc: "{ blockedUsers { id } }", expect: SIGNED_IN },
    Rule {
        area: Area::Social,
        op: "notifications",
        doc: "{ notifications { edges { node { type } } } }",
        expect: SIGNED_IN,
    },
    Rule { area: Area::Social, op: "unreadNotificationCount", doc: "{ unreadNotificationCount }", expect: SIGNED_IN },
    Rule {
        area: Area::Social,
        op: "markNotificationsRead",
        doc: "mutation { markNotificationsRead }",
        expect: SIGNED_IN,
    },
    // To Bob: Bob himself cannot; Ann's sending one back accepts his.
    Rule {
        area: Area::Social,
        op: "sendFriendRequest",
        doc: "mutation($bob: ID!) { sendFriendRequest(userId: $bob) { id } }",
        expect: ["unauth", "unauth", "input", "ok", "ok"],
    },
    Rule {
        area: Area::Social,
        op: "acceptFriendRequest",
        doc: "mutation($request: ID!) { acceptFriendRequest(requestId: $request) { id } }",
        expect: ["unauth", "unauth", "notfound", "ok", "notfound"],
    },
    Rule {
        area: Area::Social,
        op: "declineFriendRequest",
        doc: "mutation($request: ID!) { declineFriendRequest(requestId: $request) }",
        expect: ["unauth", "unauth", "notfound", "ok", "notfound"],
    },
    // Only Bob, who sent it, may take it back.
    Rule {
        area: Area::Social,
        op: "cancelFriendRequest",
        doc: "mutation($request: ID!) { cancelFriendRequest(requestId: $request) }",
        expect: ["unauth", "unauth", "ok", "notfound", "notfound"],
    },
    Rule {
        area: Area::Social,
        op: "removeFriend",
        doc: "mutation($bob: ID!) { removeFriend(userId: $bob) }",
        expect: ["unauth", "unauth", "notfound", "notfound", "notfound"],
    },
    Rule {
        area: Area::Social,
        op: "blockUser",
        doc: "mutation($bob: ID!) { blockUser(userId: $bob) }",
        expect: ["unauth", "unauth", "input", "ok", "ok"],
    },
    Rule { area: Area::Social, op: "recentlyPlayed", doc: "{ recentlyPlayed { playedAt } }", expect: SIGNED_IN },
    Rule { area: Area::Social, op: "mostPlayed", doc: "{ mostPlayed { plays } }", expect: SIGNED_IN },
    Rule { area: Area::Social, op: "friendsActivity", doc: "{ friendsActivity { startedAt } }", expect: SIGNED_IN },
    Rule {
        area: Area::Social,
        op: "recordPlay",
        doc: "mutation($track: ID!) { recordPlay(trackId: $track, heardSeconds: 0.3) { playedAt } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Social,
        op: "setNowPlaying",
        doc: "mutation($track: ID!) { setNowPlaying(trackId: $track) }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Social,
        op: "setActivitySharing",
        doc: "mutation { setActivitySharing(on: false) }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Social,
        op: "unblockUser",
        doc: "mutation($bob: ID!) { unblockUser(userId: $bob) }",
        expect: SIGNED_IN,
    },
    // rooms: Ann's room is private, so a stranger cannot tell it exists
    Rule {
        area: Area::Rooms,
        op: "room",
        doc: "query($room: ID!) { room(id: $room) { id } }",
        expect: ["unauth", "unauth", "hidden", "ok", "ok"],
    },
    Rule {
        area: Area::Rooms,
        op: "roomByCode",
        doc: "query($roomCode: String!) { roomByCode(code: $roomCode) { id } }",
        expect: ["unauth", "unauth", "hidden", "ok", "ok"],
    },
    Rule { area: Area::Rooms, op: "rooms", doc: "{ rooms { id } }", expect: SIGNED_IN },
    Rule {
        area: Area::Rooms,
        op: "createRoom",
        doc: "mutation($name: String!) { createRoom(input: {name: $name}) { id } }",
        expect: SIGNED_IN,
    },
    Rule {
        area: Area::Rooms,
        op: "updateRoom",
        doc: "mutation($room: ID!) { updateRoom(id: $room, input: {controlMode: EVERYONE}) { id } }",
        expect: ROOM_MANAGER,
    },
    Rule {
        area: Area::Rooms,
        op: "closeRoom",
        doc: "mutation($room: ID!) { closeRoom(id: $room) }",
        expect: ROOM_MANAGER,
    },
    Rule {
        area: Area::Rooms,
        op: "inviteToRoom",
        doc: "mutation($room: ID!, $bob: ID!) { inviteToRoom(roomId: $room, userId: $bob) }",
        expect: ["unauth", "unauth", "notfound", "ok", "ok"],
    },
    // Subsonic app passwords: each person's own
    Rule { area: Area::Rooms, op: "subsonicPasswords", doc: "{ subsonicPasswords { id } }", expect: SIGNED_IN },
    Rule {
        area: Area::Rooms,
        op: "createSubsonicPassword",
        doc: "mutation { createSubsonicPassword(label: \"Phone\") { id } }",
        expect: SIGNED_IN,
    },
    Rule { area: Area::Playlists, op: "publicPlaylists", doc: "{ publicPlaylists { totalCount } }", expect: SIGNED_IN },
    Rule {
        area: Area::Playlists,
        op: "copyPlaylist",
        doc: "mutation($playlist: ID!) { copyPlaylist(id: $playlist) { id } }",
        expect: PLAYLIST_OWNER,
    },
    Rule {
        area: Area::Accounts,
        op: "resetPassword",
        doc: "mutation { resetPassword(token: \"made-up\", newPassword: \"correct horse battery\") }",
        expect: ["input", "-", "-", "-", "-"],
    },
    Rule {
        area: Area::Rooms,
        op: "revokeSubsonicPassword",
        doc: "mutation { revokeSubsonicPassword(id: \"made-up\") }",
        expect: ["unauth", "unauth", "notfound", "notfound", "notfound"],
    },
    // Ann's room does not let guests in, whoever asks.
    Rule {
        area: Area::Rooms,
        op: "joinRoomAsGuest",
        doc: "mutation($roomCode: String!) { joinRoomAsGuest(code: $roomCode, name: \"Guest\") { token } }",
        expect: ["forbidden", "forbidden", "forbidden", "forbidden", "forbidden"],
    },
];

/// A server with an administrator, Ann (who owns an upload, its album, an artist and a private
/// playlist), Bob (a stranger to all of it) and Dan (disabled).
struct World {
    app: TestApp,
    tokens: [Option<String>; 5],
    vars: Value,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let admin = app.register("admin@example.org", "Admin").await;
    let ann = app.register("ann@example.org", "Ann").await;
    let bob = app.register("bob@example.org", "Bob").await;
    let dan = app.register("dan@example.org", "Dan").await;
    let dir = tempfile::tempdir().unwrap();
    let wav = std::fs::read(fixtures::wav(&dir.path().join("ann.wav"), 0.4)).unwrap();
    let input = json!({ "name": "Ann's Song", "albumTitle": "Ann LP", "artistName": "Ann Band" });
    let up = upload(&app, Some(&ann.access), wav, "ann.wav", input).await;
    let track = up["data"]["uploadTrack"]["id"].clone();
    let album =
        app.gql_ok(Some(&ann.access), "query($t: ID!) { track(id: $t) { album { id } } }", json!({ "t": track })).await;
    let artist = app
        .gql_ok(Some(&ann.access), "mutation { createArtist(input: {name: \"Ann Artist\"}) { id } }", json!({}))
        .await;
    let playlist =
        app.gql_ok(Some(&ann.access), "mutation { createPlaylist(input: {name: \"Ann's\"}) { id } }", json!({})).await;
    let playlist = playlist["createPlaylist"]["id"].clone();
    let add = "mutation($p: ID!, $t: ID!) { addTracksToPlaylist(playlistId: $p, trackIds: [$t]) { items { edges { node { id } } } } }";
    let items = app.gql_ok(Some(&ann.access), add, json!({ "p": playlist, "t": track })).await;
    let invite = app.gql_ok(Some(&admin.access), "mutation { createInvite { id } }", json!({})).await;
    let tag = app.gql_ok(Some(&ann.access), "{ me { tag } }", json!({})).await;
    let asked = "mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }";
    let request = app.gql_ok(Some(&bob.access), asked, json!({ "u": ann.user_id })).await;
    let disable = "mutation($u: ID!) { setUserDisabled(userId: $u, disabled: true) { id } }";
    app.gql_ok(Some(&admin.access), disable, json!({ "u": dan.user_id })).await;
    let vars = json!({
        "ann": ann.user_id, "annTag": tag["me"]["tag"], "annEmail": "ann@example.org", "annRefresh": ann.refresh,
        "bob": bob.user_id, "track": track, "album": album["track"]["album"]["id"],
        "artist": artist["createArtist"]["id"], "playlist": playlist,
        "item": items["addTracksToPlaylist"]["items"]["edges"][0]["node"]["id"],
        "invite": invite["createInvite"]["id"],
        "request": request["sendFriendRequest"]["id"],
    });
    let room = "mutation { createRoom(input: {name: \"Ann's room\", visibility: PRIVATE}) { id code } }";
    let room = app.gql_ok(Some(&ann.access), room, json!({})).await;
    let mut vars = vars;
    vars["room"] = room["createRoom"]["id"].clone();
    vars["roomCode"] = room["createRoom"]["code"].clone();
    let token = |s: &Session| Some(s.access.clone());
    World { tokens: [None, token(&dan), token(&bob), token(&ann), token(&admin)], app, vars }
}

/// What one call got, in the words of `Expect`.
fn outcome(op: &str, body: &Value) -> &'static str {
    match body["errors"][0]["extensions"]["code"].as_str() {
        None if body["data"][op].is_null() => "hidden",
        None => "ok",
        Some("UNAUTHENTICATED") => "unauth",
        Some("FORBIDDEN") => "forbidden",
        Some("NOT_FOUND") if body["data"].is_null() || body["data"][op].is_null() => "notfound",
        Some(_) => "input",
    }
}

/// Runs a rule for every role (each on a fresh server, so one role's change cannot decide
/// another's answer) and returns the mismatches.
async fn check(rule: &Rule) -> Vec<String> {
    let mut wrong = Vec::new();
    for (i, role) in ROLES.iter().enumerate() {
        if rule.expect[i] == "-" {
            continue;
        }
        let w = world().await;
        let mut vars = w.vars.clone();
        vars["name"] = json!(format!("Made by {role}"));
        let body = w.app.gql(w.tokens[i].as_deref(), rule.doc, vars).await;
        let got = outcome(rule.op, &body);
        if got != rule.expect[i] {
            wrong.push(format!("{} as {role}: expected {}, got {got} ({body})", rule.op, rule.expect[i]));
        }
    }
    wrong
}

async fn check_area(area: Area) {
    let mut wrong = Vec::new();
    for rule in RULES.iter().filter(|r| r.area == area) {
        wrong.extend(check(rule).await);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn every_operation_has_a_rule() {
    let app = TestApp::spawn().await;
    let q = "{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }";
    let schema = app.gql_ok(None, q, json!({})).await;
    let mut missing = Vec::new();
    for kind in ["queryType", "mutationType", "subscriptionType"] {
        for field in schema["__schema"][kind]["fields"].as_array().unwrap() {
            let name = field["name"].as_str().unwrap();
            let known = RULES.iter().any(|r| r.op == name) || ELSEWHERE.iter().any(|(op, _)| *op == name);
            if !known {
                missing.push(name.to_string());
            }
        }
    }
    assert!(missing.is_empty(), "decide who may call these and add them to RULES: {missing:?}");
}

#[tokio::test]
async fn accounts_and_sessions_follow_the_table() {
    check_area(Area::Accounts).await;
}

#[tokio::test]
async fn administration_follows_the_table() {
    check_area(Area::Admin).await;
}

#[tokio::test]
async fn the_library_follows_the_table() {
    check_area(Area::Library).await;
}

#[tokio::test]
async fn playlists_follow_the_table() {
    check_area(Area::Playlists).await;
}

#[tokio::test]
async fn friends_follow_the_table() {
    check_area(Area::Social).await;
}

#[tokio::test]
async fn rooms_follow_the_table() {
    check_area(Area::Rooms).await;
}

#[tokio::test]
async fn uploads_need_a_signed_in_caller() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    for (i, role) in ROLES.iter().enumerate() {
        let wav =
            std::fs::read(fixtures::wav(&dir.path().join(format!("{role}.wav")), 0.55 + i as f64 / 10.0)).unwrap();
        let body = upload(&w.app, w.tokens[i].as_deref(), wav, "x.wav", json!(null)).await;
        let expected = if i < 2 { "unauth" } else { "ok" };
        assert_eq!(outcome("uploadTrack", &body), expected, "uploadTrack as {role}: {body}");
    }
}
