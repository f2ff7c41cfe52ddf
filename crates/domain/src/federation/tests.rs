use super::*;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-26 12:00 UTC);

struct Pair {
    a: Uuid,
    a_keys: InstanceKeys,
    b: Uuid,
    b_keys: InstanceKeys,
}

fn pair() -> Pair {
    Pair {
        a: Uuid::now_v7(),
        a_keys: InstanceKeys::generate(),
        b: Uuid::now_v7(),
        b_keys: InstanceKeys::generate(),
    }
}

fn sealed(p: &Pair, payload: &[u8]) -> Package {
    seal(Kind::Referral, Uuid::now_v7(), p.a, &p.a_keys, p.b, &p.b_keys.public(), payload, NOW)
}

fn open_at(p: &Pair, package: &Package, now: OffsetDateTime) -> Result<Vec<u8>, Rejection> {
    open(package, p.b, &p.b_keys, &p.a_keys.public(), now, |_| false)
}

#[test]
fn a_sealed_package_opens_for_its_recipient_and_survives_json() {
    let p = pair();
    let package = sealed(&p, b"{\"reason\":\"logement\"}");
    let back = Package::parse(package.to_json().as_bytes()).unwrap();
    assert_eq!(back, package);
    assert_eq!(open_at(&p, &back, NOW).unwrap(), b"{\"reason\":\"logement\"}");
    // The payload is not readable in the envelope.
    assert!(!package.to_json().contains("logement"));
}

#[test]
fn a_tampered_ciphertext_is_refused_as_a_bad_signature() {
    let p = pair();
    let mut package = sealed(&p, b"secret content");
    let mut ct = B64.decode(&package.ciphertext).unwrap();
    ct[0] ^= 1;
    package.ciphertext = B64.encode(ct);
    assert_eq!(open_at(&p, &package, NOW), Err(Rejection::BadSignature));
}

#[test]
fn a_tampered_header_is_refused_as_a_bad_signature() {
    let p = pair();
    let mut package = sealed(&p, b"x");
    package.header.kind = Kind::Withdrawal;
    assert_eq!(open_at(&p, &package, NOW), Err(Rejection::BadSignature));
    let mut package = sealed(&p, b"x");
    package.header.created_at = timestamp(NOW + time::Duration::minutes(1));
    assert_eq!(open_at(&p, &package, NOW), Err(Rejection::BadSignature));
}

#[test]
fn a_package_signed_by_another_key_is_refused() {
    let p = pair();
    let mallory = InstanceKeys::generate();
    let package =
        seal(Kind::Referral, Uuid::now_v7(), p.a, &mallory, p.b, &p.b_keys.public(), b"x", NOW);
    assert_eq!(open_at(&p, &package, NOW), Err(Rejection::BadSignature));
}

#[test]
fn a_package_for_another_instance_is_refused() {
    let p = pair();
    let c = Uuid::now_v7();
    let package =
        seal(Kind::Referral, Uuid::now_v7(), p.a, &p.a_keys, c, &p.b_keys.public(), b"x", NOW);
    assert_eq!(open_at(&p, &package, NOW), Err(Rejection::WrongRecipient));
    // Sealed for another key, even addressed to us: the signature holds, decryption fails.
    let other = InstanceKeys::generate();
    let package =
        seal(Kind::Referral, Uuid::now_v7(), p.a, &p.a_keys, p.b, &other.public(), b"x", NOW);
    assert_eq!(open_at(&p, &package, NOW), Err(Rejection::Undecryptable));
}

#[test]
fn a_package_seen_before_is_refused_as_a_replay() {
    let p = pair();
    let package = sealed(&p, b"x");
    let id = package.header.id;
    let r = open(&package, p.b, &p.b_keys, &p.a_keys.public(), NOW, |seen| seen == id);
    assert_eq!(r, Err(Rejection::Replayed));
}

#[test]
fn a_package_too_old_or_from_the_future_is_refused() {
    let p = pair();
    let package = sealed(&p, b"x");
    assert!(open_at(&p, &package, NOW + MAX_AGE - time::Duration::minutes(1)).is_ok());
    assert_eq!(
        open_at(&p, &package, NOW + MAX_AGE + time::Duration::minutes(1)),
        Err(Rejection::Expired)
    );
    assert_eq!(open_at(&p, &package, NOW - time::Duration::hours(1)), Err(Rejection::Expired));
}

#[test]
fn garbage_and_other_versions_are_refused_before_any_check() {
    assert_eq!(Package::parse(b"not json"), Err(Rejection::Malformed));
    let p = pair();
    let mut package = sealed(&p, b"x");
    package.header.v = 2;
    assert_eq!(Package::parse(package.to_json().as_bytes()), Err(Rejection::UnsupportedVersion));
}

#[test]
fn a_card_round_trips_and_a_changed_key_breaks_its_fingerprint() {
    let keys = InstanceKeys::generate();
    let card = InstanceCard::new(
        Uuid::now_v7(),
        "CCAS de Lille",
        "https://ccas.example.org/",
        keys.public(),
    );
    assert_eq!(card.base_url, "https://ccas.example.org");
    let json = serde_json::to_string(&card).unwrap();
    let (back, public) = InstanceCard::parse(&json).unwrap();
    assert_eq!(back, card);
    assert_eq!(public, keys.public());
    assert_eq!(card.fingerprint.split(' ').count(), 8);
    let mut forged = card.clone();
    forged.encryption_key = B64.encode(InstanceKeys::generate().public().encryption);
    let json = serde_json::to_string(&forged).unwrap();
    assert_eq!(InstanceCard::parse(&json).unwrap_err(), CardProblem::FingerprintMismatch);
    assert_eq!(InstanceCard::parse("{}").unwrap_err(), CardProblem::NotACard);
}

#[test]
fn keys_survive_their_bytes() {
    let keys = InstanceKeys::generate();
    let (s, e) = keys.to_bytes();
    assert_eq!(InstanceKeys::from_bytes(s, e).public(), keys.public());
}

#[test]
fn every_rejection_has_its_own_code() {
    let codes: std::collections::HashSet<_> = Rejection::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(codes.len(), Rejection::ALL.len());
}
