// App passwords for the Subsonic API (/rest): the GraphQL operations behind Profile → Apps.
// Error messages come translated from api.js.

import { run } from './social.js';

const PASSWORD = 'id label createdAt lastUsedAt';

/** Your app passwords, without their secrets: [{ id, label, createdAt, lastUsedAt }]. */
export async function passwords() {
  return (await run(`query SubsonicPasswords { subsonicPasswords { ${PASSWORD} } }`)).subsonicPasswords;
}

/** A new app password; `password` and `apiKey` come back this once and never again. */
export async function createPassword(label) {
  const data = await run(`mutation CreateSubsonicPassword($label: String!) {
    createSubsonicPassword(label: $label) { id label password apiKey createdAt } }`, { label });
  return data.createSubsonicPassword;
}

export async function revokePassword(id) {
  await run('mutation RevokeSubsonicPassword($id: ID!) { revokeSubsonicPassword(id: $id) }', { id });
}
