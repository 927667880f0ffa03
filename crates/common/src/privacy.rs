//! What services that see client addresses share: which address a request
//! came from, and the salt of the keyed hash that replaces it wherever it is
//! kept. The address is the TCP peer's; behind proxies listed in
//! `server.trusted_proxies`, it is the right-most `X-Forwarded-For` hop that
//! no trusted proxy added (a client can write any hops it likes to the left
//! of those). Its development salt is public; production refuses it.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::{Ready, ready};
use ipnet::IpNet;

use crate::ApiError;

/// The development `SORA_IP_SALT`.
pub const DEV_IP_SALT: &str = "sora-dev-ip-salt-change-me";

/// Proxies whose `X-Forwarded-For` is believed: addresses or CIDR ranges.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// The proxies in `entries` (`10.0.0.0/8`, `192.0.2.7`, `::1`), or the
    /// first entry that is neither an address nor a range.
    pub fn parse(entries: &[String]) -> Result<Self, String> {
        entries
            .iter()
            .map(|entry| {
                let entry = entry.trim();
                IpNet::from_str(entry)
                    .or_else(|_| IpAddr::from_str(entry).map(IpNet::from))
                    .map_err(|_| entry.to_owned())
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that reached us from `peer` with these
    /// `X-Forwarded-For` header values (in order). Hops are read right to
    /// left while they are trusted proxies; a hop that is not an address ends
    /// the walk at the last address a trusted proxy vouched for.
    pub fn client<'a>(&self, peer: IpAddr, forwarded: impl Iterator<Item = &'a str>) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded.flat_map(|value| value.split(',')).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                return client;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// An address as proxies write it: `192.0.2.1`, `2001:db8::1`,
/// `192.0.2.1:4711` or `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    IpAddr::from_str(hop)
        .ok()
        .or_else(|| SocketAddr::from_str(hop).ok().map(|a| a.ip()))
        .map(|ip| ip.to_canonical())
}

/// The client's address (extractor), as the app's [`TrustedProxies`]
/// resolve it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// What identifies the client for limits and counts: the address, or
    /// for IPv6 its /64 network (one subscriber's, which can change the rest
    /// at will).
    pub fn key(&self) -> String {
        match self.0 {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => {
                let segments = ip.segments();
                format!(
                    "{:x}:{:x}:{:x}:{:x}::/64",
                    segments[0], segments[1], segments[2], segments[3]
                )
            }
        }
    }
}

impl FromRequest for ClientIp {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
            return ready(Err(ApiError::BadRequest(
                "the client address is unknown".to_owned(),
            )));
        };
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok());
        let ip = match req.app_data::<web::Data<TrustedProxies>>() {
            Some(proxies) => proxies.client(peer, forwarded),
            None => peer.to_canonical(),
        };
        ready(Ok(Self(ip)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_hops_count_only_behind_trusted_proxies() {
        let proxies =
            TrustedProxies::parse(&["10.0.0.0/8".to_owned(), "192.0.2.7".to_owned()]).unwrap();
        let client =
            |peer: &str, headers: &[&str]| proxies.client(ip(peer), headers.iter().copied());
        // An untrusted peer is the client, whatever it claims.
        assert_eq!(client("203.0.113.9", &["198.51.100.1"]), ip("203.0.113.9"));
        // Behind a trusted proxy: the right-most hop it did not add.
        assert_eq!(client("10.1.1.1", &["198.51.100.1"]), ip("198.51.100.1"));
        assert_eq!(
            client("10.1.1.1", &["6.6.6.6, 198.51.100.1, 10.2.2.2"]),
            ip("198.51.100.1"),
            "a forged left-most hop is ignored"
        );
        assert_eq!(
            client("192.0.2.7", &["6.6.6.6", "198.51.100.1:4711, 10.2.2.2"]),
            ip("198.51.100.1"),
            "several headers, ports"
        );
        assert_eq!(
            client("10.1.1.1", &["[2001:db8::1]:443"]),
            ip("2001:db8::1")
        );
        // Garbage ends the walk at the last address a proxy vouched for.
        assert_eq!(
            client("10.1.1.1", &["1.2.3.4, junk, 10.2.2.2"]),
            ip("10.2.2.2")
        );
        // Only proxies: the left-most of them.
        assert_eq!(client("10.1.1.1", &["10.3.3.3, 10.2.2.2"]), ip("10.3.3.3"));
        assert_eq!(client("10.1.1.1", &[]), ip("10.1.1.1"));
        // IPv4-mapped IPv6 is the IPv4 address.
        assert_eq!(client("::ffff:203.0.113.9", &[]), ip("203.0.113.9"));
        assert!(TrustedProxies::parse(&["10.0.0.0/33".to_owned()]).is_err());
        assert!(TrustedProxies::parse(&["proxy.local".to_owned()]).is_err());
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_network() {
        assert_eq!(ClientIp(ip("192.0.2.1")).key(), "192.0.2.1");
        assert_eq!(
            ClientIp(ip("2001:db8:1:2:aaaa::1")).key(),
            ClientIp(ip("2001:db8:1:2:bbbb::9")).key()
        );
        assert_eq!(ClientIp(ip("2001:db8:1:2::1")).key(), "2001:db8:1:2::/64");
    }
}
