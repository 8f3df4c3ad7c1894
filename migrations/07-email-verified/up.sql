-- Whether the account's email is proven: set only when the account was made from an OIDC
-- identity whose provider vouched for the address (email_verified), or when its owner later
-- linked such an identity. Password sign-up proves nothing (the server sends no mail), so an
-- OIDC sign-in is auto-linked by email only to a verified account; otherwise anyone could
-- register a password account with someone else's address and share their account later.
-- Existing accounts start unverified: the old code also made accounts from unverified
-- identities, so which ones were proven cannot be told afterwards.
ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;
