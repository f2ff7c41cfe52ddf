//! Federation of referrals between instances (issue 8 point 4; ADR 0029): the instance's
//! identity (an Ed25519 signing key and an X25519 encryption key), its public card, and the
//! package a referral, an answer or a consent withdrawal travels in — sealed for one peer,
//! signed by its sender, opened only after the signature, the recipient, the age and the
//! package id were checked. Pure: the keys and the "seen" set come from the caller.
//!
//! Sealing: an ephemeral X25519 key agrees a secret with the recipient's key; HKDF-SHA256
//! (salt: ephemeral ‖ recipient public keys) makes the ChaCha20-Poly1305 key; the header (the
//! JSON of version, kind, id, from, to, creation time) is the AEAD's associated data; Ed25519
//! signs the domain label, the header, the ephemeral key, the nonce and the ciphertext.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;
use x25519_dalek::{PublicKey, StaticSecret};

/// The protocol version packages and cards carry.
pub const VERSION: u32 = 1;
/// What the signature and the key derivation are bound to, so that no other use of the same
/// keys can produce a valid package.
const LABEL: &[u8] = b"passerelle-federation-v1";
/// A package older than this is refused: long enough for a file carried by hand, short enough
/// that a package found later cannot be replayed once its id is purged.
pub const MAX_AGE: time::Duration = time::Duration::days(30);
/// Clocks drift: a package may come from up to this far in the future.
pub const MAX_SKEW: time::Duration = time::Duration::minutes(5);
/// Largest package accepted, by POST or as a file (documents travel inside).
pub const MAX_PACKAGE_BYTES: usize = 12 * 1024 * 1024;

/// What a package carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Referral,
    Answer,
    Withdrawal,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Referral => "referral",
            Kind::Answer => "answer",
            Kind::Withdrawal => "withdrawal",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        [Kind::Referral, Kind::Answer, Kind::Withdrawal].into_iter().find(|k| k.as_str() == s)
    }
}

/// Why a package was refused. The codes are the API's (`{"error": {"code"}}`) and the import
/// page's message keys: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("the package is not a Passerelle federation package")]
    Malformed,
    #[error("the package's protocol version is not supported")]
    UnsupportedVersion,
    #[error("the package is addressed to another instance")]
    WrongRecipient,
    #[error("the package comes from an instance that is not a registered peer")]
    UnknownPeer,
    #[error("the token is missing, wrong, or not the sending peer's")]
    Unauthorized,
    #[error("the signature does not match the peer's key: the package was altered or forged")]
    BadSignature,
    #[error("the package is too old, or dated in the future")]
    Expired,
    #[error("this package was already received")]
    Replayed,
    #[error("the package cannot be decrypted with this instance's key")]
    Undecryptable,
    #[error("the package's content is not what its kind announces")]
    InvalidPayload,
    #[error("the package names a referral this peer cannot reach")]
    UnknownReferral,
    #[error("the package is too large")]
    TooLarge,
}

impl Rejection {
    pub const ALL: [Rejection; 12] = [
        Rejection::Malformed,
        Rejection::UnsupportedVersion,
        Rejection::WrongRecipient,
        Rejection::UnknownPeer,
        Rejection::Unauthorized,
        Rejection::BadSignature,
        Rejection::Expired,
        Rejection::Replayed,
        Rejection::Undecryptable,
        Rejection::InvalidPayload,
        Rejection::UnknownReferral,
        Rejection::TooLarge,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Rejection::Malformed => "malformed",
            Rejection::UnsupportedVersion => "unsupported_version",
            Rejection::WrongRecipient => "wrong_recipient",
            Rejection::UnknownPeer => "unknown_peer",
            Rejection::Unauthorized => "unauthorized",
            Rejection::BadSignature => "bad_signature",
            Rejection::Expired => "expired",
            Rejection::Replayed => "replayed",
            Rejection::Undecryptable => "undecryptable",
            Rejection::InvalidPayload => "invalid_payload",
            Rejection::UnknownReferral => "unknown_referral",
            Rejection::TooLarge => "too_large",
        }
    }

    /// The HTTP status the federation endpoint answers with.
    pub fn http_status(self) -> u16 {
        match self {
            Rejection::Unauthorized => 401,
            Rejection::UnknownPeer => 403,
            Rejection::Replayed => 409,
            Rejection::TooLarge => 413,
            _ => 422,
        }
    }
}

/// The instance's two secret keys (32 bytes each).
#[derive(Clone)]
pub struct InstanceKeys {
    signing: SigningKey,
    encryption: StaticSecret,
}

impl std::fmt::Debug for InstanceKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InstanceKeys(…)")
    }
}

impl InstanceKeys {
    /// Fresh keys, from the system's random source.
    pub fn generate() -> InstanceKeys {
        InstanceKeys::from_bytes(rand::random(), rand::random())
    }

    pub fn from_bytes(signing: [u8; 32], encryption: [u8; 32]) -> InstanceKeys {
        InstanceKeys {
            signing: SigningKey::from_bytes(&signing),
            encryption: StaticSecret::from(encryption),
        }
    }

    /// The secret bytes, for storage (sealed by the caller).
    pub fn to_bytes(&self) -> ([u8; 32], [u8; 32]) {
        (self.signing.to_bytes(), self.encryption.to_bytes())
    }

    pub fn public(&self) -> PublicKeys {
        PublicKeys {
            signing: self.signing.verifying_key().to_bytes(),
            encryption: PublicKey::from(&self.encryption).to_bytes(),
        }
    }
}

/// An instance's public keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKeys {
    pub signing: [u8; 32],
    pub encryption: [u8; 32],
}

impl PublicKeys {
    /// What two administrators read to each other by phone: the first 16 bytes of SHA-256 of
    /// both keys, as eight groups of four hex digits.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::new()
            .chain_update(LABEL)
            .chain_update(self.signing)
            .chain_update(self.encryption)
            .finalize();
        hex::encode(&digest[..16])
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).expect("hex"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The public card of an instance, served at `GET /api/v1/federation/instance` and pasted into
/// a partner's pairing page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceCard {
    pub v: u32,
    pub instance_id: Uuid,
    pub name: String,
    pub base_url: String,
    /// Ed25519, base64url without padding.
    pub signing_key: String,
    /// X25519, base64url without padding.
    pub encryption_key: String,
    pub fingerprint: String,
}

/// Why a pasted card was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardProblem {
    NotACard,
    BadKey,
    BadUrl,
    FingerprintMismatch,
}

impl InstanceCard {
    pub fn new(instance_id: Uuid, name: &str, base_url: &str, keys: PublicKeys) -> InstanceCard {
        InstanceCard {
            v: VERSION,
            instance_id,
            name: name.to_owned(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            signing_key: B64.encode(keys.signing),
            encryption_key: B64.encode(keys.encryption),
            fingerprint: keys.fingerprint(),
        }
    }

    /// A card as an administrator pasted it: its keys decode, its fingerprint is theirs, its
    /// URL is http(s).
    pub fn parse(raw: &str) -> Result<(InstanceCard, PublicKeys), CardProblem> {
        let card: InstanceCard =
            serde_json::from_str(raw.trim()).map_err(|_| CardProblem::NotACard)?;
        if card.v != VERSION || card.name.trim().is_empty() || card.name.chars().count() > 200 {
            return Err(CardProblem::NotACard);
        }
        let keys = PublicKeys {
            signing: key32(&card.signing_key).ok_or(CardProblem::BadKey)?,
            encryption: key32(&card.encryption_key).ok_or(CardProblem::BadKey)?,
        };
        VerifyingKey::from_bytes(&keys.signing).map_err(|_| CardProblem::BadKey)?;
        let url = card.base_url.as_str();
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.len() > 500
            || url.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(CardProblem::BadUrl);
        }
        if keys.fingerprint() != card.fingerprint {
            return Err(CardProblem::FingerprintMismatch);
        }
        Ok((card, keys))
    }
}

fn key32(s: &str) -> Option<[u8; 32]> {
    B64.decode(s).ok()?.try_into().ok()
}

/// The clear part of a package: what it is, between whom, when. Authenticated (signed and
/// bound to the ciphertext), not secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub v: u32,
    pub kind: Kind,
    pub id: Uuid,
    pub from: Uuid,
    pub to: Uuid,
    pub created_at: String,
}

impl Header {
    fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a header serialises")
    }
}

/// A package as it travels (JSON, as a request body or a `.json` file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    #[serde(flatten)]
    pub header: Header,
    pub epk: String,
    pub nonce: String,
    pub ciphertext: String,
    pub sig: String,
}

impl Package {
    /// Reads a package's envelope (nothing checked but its shape).
    pub fn parse(raw: &[u8]) -> Result<Package, Rejection> {
        if raw.len() > MAX_PACKAGE_BYTES {
            return Err(Rejection::TooLarge);
        }
        let package: Package = serde_json::from_slice(raw).map_err(|_| Rejection::Malformed)?;
        if package.header.v != VERSION {
            return Err(Rejection::UnsupportedVersion);
        }
        Ok(package)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a package serialises")
    }
}

fn signed_bytes(header: &[u8], epk: &[u8], nonce: &[u8], ciphertext: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(LABEL.len() + header.len() + 44 + ciphertext.len() + 4);
    for part in [LABEL, header, epk, nonce, ciphertext] {
        m.extend_from_slice(&(part.len() as u32).to_be_bytes());
        m.extend_from_slice(part);
    }
    m
}

fn aead_key(shared: &[u8; 32], epk: &[u8; 32], recipient: &[u8; 32]) -> Key {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(epk);
    salt[32..].copy_from_slice(recipient);
    let mut okm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&salt), shared).expand(LABEL, &mut okm).expect("32 bytes");
    Key::from(okm)
}

fn timestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .expect("0 is valid")
        .format(&Rfc3339)
        .expect("a UTC time formats")
}

/// Seals `payload` of `kind` from instance `from` (with its keys) for instance `to` (with its
/// public encryption key), at `now`.
#[allow(clippy::too_many_arguments)] // One package: what, who to whom with which keys, when.
pub fn seal(
    kind: Kind,
    id: Uuid,
    from: Uuid,
    keys: &InstanceKeys,
    to: Uuid,
    recipient: &PublicKeys,
    payload: &[u8],
    now: OffsetDateTime,
) -> Package {
    let header = Header { v: VERSION, kind, id, from, to, created_at: timestamp(now) };
    let header_bytes = header.bytes();
    let ephemeral = StaticSecret::from(rand::random::<[u8; 32]>());
    let epk = PublicKey::from(&ephemeral).to_bytes();
    let shared = ephemeral.diffie_hellman(&PublicKey::from(recipient.encryption));
    let key = aead_key(shared.as_bytes(), &epk, &recipient.encryption);
    let nonce: [u8; 12] = rand::random();
    let ciphertext = ChaCha20Poly1305::new(&key)
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: payload, aad: &header_bytes })
        .expect("encryption of a bounded payload cannot fail");
    let sig = keys.signing.sign(&signed_bytes(&header_bytes, &epk, &nonce, &ciphertext));
    Package {
        header,
        epk: B64.encode(epk),
        nonce: B64.encode(nonce),
        ciphertext: B64.encode(&ciphertext),
        sig: B64.encode(sig.to_bytes()),
    }
}

/// Opens a package addressed to instance `me` (with its keys), sent by the peer whose public
/// keys are `sender`, at `now`; `seen` says whether a package id was already received. The
/// signature is checked before anything is decrypted; nothing is returned unless every check
/// passed.
pub fn open(
    package: &Package,
    me: Uuid,
    keys: &InstanceKeys,
    sender: &PublicKeys,
    now: OffsetDateTime,
    seen: impl FnOnce(Uuid) -> bool,
) -> Result<Vec<u8>, Rejection> {
    let header = &package.header;
    if header.v != VERSION {
        return Err(Rejection::UnsupportedVersion);
    }
    if header.to != me {
        return Err(Rejection::WrongRecipient);
    }
    let epk: [u8; 32] = B64
        .decode(&package.epk)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(Rejection::Malformed)?;
    let nonce: [u8; 12] = B64
        .decode(&package.nonce)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(Rejection::Malformed)?;
    let ciphertext = B64.decode(&package.ciphertext).map_err(|_| Rejection::Malformed)?;
    let sig: [u8; 64] = B64
        .decode(&package.sig)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(Rejection::Malformed)?;
    let verifying =
        VerifyingKey::from_bytes(&sender.signing).map_err(|_| Rejection::UnknownPeer)?;
    let header_bytes = header.bytes();
    verifying
        .verify_strict(
            &signed_bytes(&header_bytes, &epk, &nonce, &ciphertext),
            &Signature::from_bytes(&sig),
        )
        .map_err(|_| Rejection::BadSignature)?;
    let created =
        OffsetDateTime::parse(&header.created_at, &Rfc3339).map_err(|_| Rejection::Malformed)?;
    if created < now - MAX_AGE || created > now + MAX_SKEW {
        return Err(Rejection::Expired);
    }
    if seen(header.id) {
        return Err(Rejection::Replayed);
    }
    let shared = keys.encryption.diffie_hellman(&PublicKey::from(epk));
    if !shared.was_contributory() {
        return Err(Rejection::Undecryptable);
    }
    let key = aead_key(shared.as_bytes(), &epk, &keys.public().encryption);
    ChaCha20Poly1305::new(&key)
        .decrypt(Nonce::from_slice(&nonce), Payload { msg: &ciphertext, aad: &header_bytes })
        .map_err(|_| Rejection::Undecryptable)
}

// ---------------------------------------------------------------------------------------------
// What packages carry.

/// The referent's work contact, for the partner to call back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub email: Option<String>,
}

/// The person's consent, as recorded by the sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentPayload {
    pub given_by: String,
    pub given_by_name: Option<String>,
    pub method: String,
    pub given_on: String,
    /// `kind:item` tokens.
    pub scope: Vec<String>,
}

/// One identity field shared: its code (`domain::referrals::IdentityField`), its label in the
/// sender's language, its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityPayload {
    pub field: String,
    pub label: String,
    pub value: String,
}

/// One assessed life domain shared, as the sender's pages say it (the receiver does not know
/// the sender's value lists): its label, the worker's level, the person's own and their words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainPayload {
    pub label: String,
    pub need: String,
    pub person: String,
    pub words: String,
}

/// A shared document's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentPayload {
    pub title: String,
    pub file_name: String,
    pub media_type: String,
    /// base64url without padding.
    pub content: String,
}

/// A referral: what the partner needs to answer it, and the shared items' content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralPayload {
    pub referral_id: Uuid,
    pub sender_organisation: String,
    pub referent: Contact,
    pub service_name: String,
    pub reason: String,
    pub request: String,
    pub urgency: String,
    pub consent: ConsentPayload,
    pub identity: Vec<IdentityPayload>,
    pub domains: Vec<DomainPayload>,
    pub documents: Vec<DocumentPayload>,
}

/// The partner's answer to a referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerPayload {
    /// The sender's referral id.
    pub referral_id: Uuid,
    /// A referral status code the partner may move to (received, accepted, declined,
    /// completed, no_show).
    pub status: String,
    pub note: Option<String>,
    /// When the partner's staff first opened the referral: the access receipt the referring
    /// organisation keeps in its audit log.
    pub first_opened_at: Option<String>,
}

/// The person withdrew their consent: the partner erases the copied content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalPayload {
    pub referral_id: Uuid,
}

/// Bytes as packages carry them (base64url without padding).
pub fn encode(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

pub fn decode(s: &str) -> Option<Vec<u8>> {
    B64.decode(s).ok()
}

/// An inbound token a peer presents: `pslf_` and 64 hex digits (its SHA-256 is stored).
pub fn new_token() -> String {
    format!("pslf_{}", hex::encode(rand::random::<[u8; 32]>()))
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.trim().as_bytes()).into()
}

#[cfg(test)]
mod tests;
