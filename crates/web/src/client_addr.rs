//! The client's real address: the peer, or — when the peer is a trusted proxy — the last
//! address in `X-Forwarded-For` that is not itself a trusted proxy. Rate limits and the audit
//! log rely on it, so an address a client merely claims is never believed.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Walks `X-Forwarded-For` from the nearest hop outwards while hops are trusted proxies.
pub fn client_ip(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpNet]) -> IpAddr {
    // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; compare them as IPv4.
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops = forwarded_for.iter().flat_map(|h| h.split(',')).map(str::trim).collect::<Vec<_>>();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                let ip = ip.to_canonical();
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            // A malformed hop ends what we can trust; the last good address stands.
            Err(_) => break,
        }
    }
    client
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Ok(ClientAddr(client_ip(peer, &forwarded, &state.config.trusted_proxies)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let trusted = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(client_ip(ip("203.0.113.9"), &["1.2.3.4"], &trusted), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("203.0.113.9"), &[], &[]), ip("203.0.113.9"));
    }

    #[test]
    fn behind_trusted_proxies_the_first_untrusted_hop_is_the_client() {
        let trusted = vec!["10.0.0.0/8".parse().unwrap(), "127.0.0.1/32".parse().unwrap()];
        // The client forged the first entry; the proxies appended the rest.
        let xff = ["6.6.6.6, 198.51.100.7", "10.0.0.2"];
        assert_eq!(client_ip(ip("127.0.0.1"), &xff, &trusted), ip("198.51.100.7"));
    }

    #[test]
    fn ipv4_mapped_peers_are_matched_as_ipv4() {
        let trusted = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(
            client_ip(ip("::ffff:10.0.0.2"), &["198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn a_malformed_hop_stops_the_walk() {
        let trusted = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(client_ip(ip("10.0.0.1"), &["198.51.100.7, garbage"], &trusted), ip("10.0.0.1"));
        assert_eq!(
            client_ip(ip("10.0.0.1"), &["garbage, 198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
    }
}
