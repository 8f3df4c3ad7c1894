// Which optional parts of the GraphQL schema this server has. Fields that arrive in the same
// release as this UI (favourite albums, public playlists, lyrics…) may be missing on a server
// that lags behind, and a query naming one fails as a whole; the views ask here first and
// leave the feature out. One introspection request per page load; if the server refuses
// introspection, everything is assumed to be there (the contract in API.md).
import { gql } from '../api.js';

let names = null; // Promise<Set<string> | null>
const argTypes = new Map(); // 'Mutation.createUser(input)' → 'CreateUserInput'

function load() {
  names ??= gql(`query LibrarySchema {
    query: __type(name: "Query") { fields { name args { name } } }
    mutation: __type(name: "Mutation") { fields { name args { name type { name ofType { name } } } } }
    album: __type(name: "Album") { fields { name } }
    artist: __type(name: "Artist") { fields { name } }
    track: __type(name: "Track") { fields { name } }
    albumSort: __type(name: "AlbumSort") { enumValues { name } }
  }`).then((data) => {
    const set = new Set();
    for (const f of data.query?.fields ?? []) {
      set.add(`Query.${f.name}`);
      for (const a of f.args) set.add(`Query.${f.name}(${a.name})`);
    }
    for (const f of data.mutation?.fields ?? []) {
      set.add(`Mutation.${f.name}`);
      for (const a of f.args) argTypes.set(`Mutation.${f.name}(${a.name})`, a.type.name ?? a.type.ofType?.name);
    }
    for (const [type, key] of [['Album', 'album'], ['Artist', 'artist'], ['Track', 'track']]) {
      for (const f of data[key]?.fields ?? []) set.add(`${type}.${f.name}`);
    }
    for (const v of data.albumSort?.enumValues ?? []) set.add(`AlbumSort.${v.name}`);
    return set;
  }).catch(() => null);
  return names;
}

/** Whether the server knows `name`: 'Album.isFavorite', 'Query.albums(favorites)', 'AlbumSort.NEWEST', 'Mutation.copyPlaylist'. */
export async function can(name) {
  const set = await load();
  return set === null || set.has(name);
}

/** `fields` when the server has `name`, else ''; for optional parts of a selection. */
export async function optional(name, fields = name.split('.').pop()) {
  return (await can(name)) ? ` ${fields}` : '';
}

/** The input type's name of a mutation argument (to declare the variable), or `fallback`. */
export async function argType(name, fallback) {
  await load();
  return argTypes.get(name) ?? fallback;
}
