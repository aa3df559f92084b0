// auth.users and auth.identities as supabase/auth v2.196.0 (@0204331)
// internal/models/user.go and identity.go use them: the JSON shape of
// models.User / models.Identity, NewUser (lower-cased email, bcrypt hash),
// the lookups signup and the password grant make, Confirm.
import { randomUUID } from "node:crypto";

const NIL = "00000000-0000-0000-0000-000000000000";
const iso = (d) => (d ? new Date(d).toISOString() : undefined);

export function userJSON(u, identities = []) {
  const out = {
    id: u.id,
    aud: u.aud ?? "",
    role: u.role ?? "",
    email: u.email ?? "",
    email_confirmed_at: iso(u.email_confirmed_at),
    invited_at: iso(u.invited_at),
    phone: u.phone ?? "",
    phone_confirmed_at: iso(u.phone_confirmed_at),
    confirmation_sent_at: iso(u.confirmation_sent_at),
    confirmed_at: iso(u.confirmed_at),
    recovery_sent_at: iso(u.recovery_sent_at),
    new_email: u.email_change || undefined,
    email_change_sent_at: iso(u.email_change_sent_at),
    last_sign_in_at: iso(u.last_sign_in_at),
    app_metadata: u.raw_app_meta_data ?? {},
    user_metadata: u.raw_user_meta_data ?? {},
    identities: identities.map(identityJSON),
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
    banned_until: iso(u.banned_until),
    is_anonymous: u.is_anonymous ?? false,
  };
  // omitempty fields
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

function identityJSON(i) {
  return {
    identity_id: i.id,
    id: i.provider_id,
    user_id: i.user_id,
    identity_data: i.identity_data ?? undefined,
    provider: i.provider,
    last_sign_in_at: iso(i.last_sign_in_at),
    created_at: iso(i.created_at),
    updated_at: iso(i.updated_at),
    email: i.email || undefined,
  };
}

export class Users {
  constructor(ns) {
    this.t = (name) => `${ns}.${name}`;
  }

  async byId(db, id) {
    const r = await db.query(`SELECT * FROM ${this.t("users")} WHERE id = $1`, [id]);
    return r.rows[0] ?? null;
  }

  async identities(db, userId) {
    return (await db.query(`SELECT * FROM ${this.t("identities")} WHERE user_id = $1 ORDER BY created_at`, [userId])).rows;
  }

  /** FindUserByEmailAndAudience: instance_id nil, LOWER(email), aud, not SSO. */
  async byEmail(db, email, aud) {
    const r = await db.query(`SELECT * FROM ${this.t("users")} WHERE instance_id = $1 AND LOWER(email) = LOWER($2) AND aud = $3 AND is_sso_user = false`, [
      NIL,
      email,
      aud,
    ]);
    return r.rows[0] ?? null;
  }

  /** FindUserByPhoneAndAudience */
  async byPhone(db, phone, aud) {
    const r = await db.query(`SELECT * FROM ${this.t("users")} WHERE instance_id = $1 AND phone = $2 AND aud = $3 AND is_sso_user = false`, [NIL, phone, aud]);
    return r.rows[0] ?? null;
  }

  async byConfirmationToken(db, token) {
    const r = await db.query(`SELECT * FROM ${this.t("users")} WHERE confirmation_token = $1 AND is_sso_user = false`, [token]);
    return r.rows[0] ?? null;
  }

  /** signupNewUser: NewUser + tx.Create + SetRole(default group name). */
  async create(db, { email, phone, passwordHash, aud, role, userMetaData, appMetaData }) {
    const r = await db.query(
      `INSERT INTO ${this.t("users")} (instance_id, id, aud, role, email, phone, encrypted_password, raw_app_meta_data, raw_user_meta_data,
         created_at, updated_at, is_sso_user, is_anonymous)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), now(), false, false) RETURNING *`,
      [NIL, randomUUID(), aud, role, email ?? null, phone ?? null, passwordHash, appMetaData, userMetaData],
    );
    return r.rows[0];
  }

  /** createNewIdentity: the identity row, and its data merged into user_metadata. */
  async createIdentity(db, user, provider, identityData) {
    await db.query(
      `INSERT INTO ${this.t("identities")} (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, now(), now(), now())`,
      [randomUUID(), user.id, user.id, identityData, provider],
    );
    await this.mergeUserMetaData(db, user.id, identityData);
  }

  async mergeUserMetaData(db, id, data) {
    await db.query(
      `UPDATE ${this.t("users")} SET raw_user_meta_data = COALESCE(raw_user_meta_data, '{}'::jsonb) || $2::jsonb, updated_at = now() WHERE id = $1`,
      [id, data],
    );
  }

  /** User.Confirm: clears the token, stamps email_confirmed_at, email_verified in metadata and identity, one-time tokens gone. */
  async confirm(db, user) {
    await db.query(`UPDATE ${this.t("users")} SET confirmation_token = '', email_confirmed_at = now(), updated_at = now() WHERE id = $1`, [user.id]);
    await this.mergeUserMetaData(db, user.id, { email_verified: true });
    await db.query(`DELETE FROM ${this.t("one_time_tokens")} WHERE user_id = $1`, [user.id]);
    await db.query(
      `UPDATE ${this.t("identities")} SET identity_data = identity_data || '{"email_verified": true}'::jsonb, updated_at = now()
       WHERE user_id = $1 AND email IS NOT NULL AND email = $2`,
      [user.id, user.email],
    );
  }

  async confirmPhone(db, user) {
    await db.query(`UPDATE ${this.t("users")} SET confirmation_token = '', phone_confirmed_at = now(), updated_at = now() WHERE id = $1`, [user.id]);
  }

  async setConfirmationToken(db, user, token) {
    await db.query(`UPDATE ${this.t("users")} SET confirmation_token = $2, confirmation_sent_at = now() WHERE id = $1`, [user.id, token]);
    // models.CreateOneTimeToken(..., ConfirmationToken): one row per user and type.
    await db.query(`DELETE FROM ${this.t("one_time_tokens")} WHERE user_id = $1 AND token_type = 'confirmation_token'`, [user.id]);
    await db.query(
      `INSERT INTO ${this.t("one_time_tokens")} (id, user_id, token_type, token_hash, relates_to, created_at, updated_at)
       VALUES ($1, $2, 'confirmation_token', $3, $4, now(), now())`,
      [randomUUID(), user.id, token, user.email],
    );
  }

  async touchLastSignIn(db, id) {
    await db.query(`UPDATE ${this.t("users")} SET last_sign_in_at = now(), updated_at = now() WHERE id = $1`, [id]);
  }

  async updateProviders(db, id) {
    // UpdateAppMetaDataProviders: the distinct providers of the user's identities.
    await db.query(
      `UPDATE ${this.t("users")} SET raw_app_meta_data = COALESCE(raw_app_meta_data, '{}'::jsonb) ||
         jsonb_build_object('providers', (SELECT COALESCE(jsonb_agg(DISTINCT provider), '[]'::jsonb) FROM ${this.t("identities")} WHERE user_id = $1))
       WHERE id = $1`,
      [id],
    );
  }
}
