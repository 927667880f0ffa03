//! Comments lose what identifies a person before they are stored: e-mail
//! addresses, IPv4 and IPv6 addresses, phone numbers (international with a
//! `+` or `00` prefix, and Japanese domestic numbers, in ASCII or full-width
//! digits) and credentials in URLs (`user:password@`, and token-like query
//! parameters). What looks like one but is not (version numbers, dates,
//! times, topic names, counts) stays.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use regex::Regex;

pub const EMAIL: &str = "[email]";
pub const IP: &str = "[ip]";
pub const PHONE: &str = "[phone]";
pub const CREDENTIALS: &str = "[credentials]";

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| unreachable!("a constant pattern: {e}"))
}

/// `scheme://user[:password]@` in a URL.
static URL_USERINFO: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^\s/?#@]+@"));

/// Token-like query parameters: `?token=…`, `&api_key=…`, `&password=…`.
static URL_SECRET_PARAM: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)([?&](?:access_token|api_key|apikey|auth|key|password|passwd|pwd|secret|sig|signature|token)=)[^\s&#]+",
    )
});

/// ASCII or full-width at sign.
static EMAIL_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"[\p{L}\p{N}._%+\-]+[@＠][\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}")
});

/// Candidates: runs of hex digits and colons (with an optional trailing
/// dotted IPv4 part and zone); only what parses as an IPv6 address counts.
static IPV6_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)(?:[0-9a-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{1,4})?(?:%[0-9a-z]+)?")
});

/// Four dotted numbers.
static IPV4_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?:\d{1,3}\.){3}\d{1,3}"));

const DIGIT: &str = "[0-9０-９]";
const SEPARATOR: &str = r"[\s\-‐－−ー.()（）]";
const HYPHEN: &str = r"[\-‐－−ー\s]";

/// `+` / `＋` / `00` and a country code: international numbers.
static INTERNATIONAL_PHONE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?:[+＋]|00){DIGIT}(?:{SEPARATOR}{{0,2}}{DIGIT}){{6,15}}"
    ))
});

/// Japanese domestic numbers: a leading 0, then 10 or 11 digits in all with
/// optional hyphens or spaces (`03-1234-5678`, `090-1234-5678`,
/// `0120-123-456`, `０９０ー１２３４ー５６７８`).
static JAPANESE_PHONE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"[0０]{DIGIT}{{1,4}}(?:{HYPHEN}?{DIGIT}{{1,4}}){{1,2}}{HYPHEN}?{DIGIT}{{3,4}}"
    ))
});

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn digits(text: &str) -> usize {
    text.chars().filter(|&c| is_digit(c)).count()
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Replaces the matches of `re` that `accept(before, found, after)` takes
/// (looking at the text around a match, which the regex crate cannot).
fn replace_checked(
    text: &str,
    re: &Regex,
    marker: &str,
    accept: impl Fn(Option<char>, &str, &str) -> bool,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for found in re.find_iter(text) {
        let before = text[..found.start()].chars().next_back();
        if accept(before, found.as_str(), &text[found.end()..]) {
            out.push_str(&text[last..found.start()]);
            out.push_str(marker);
            last = found.end();
        }
    }
    out.push_str(&text[last..]);
    out
}

/// `text` with every personal detail replaced by a marker.
pub fn redact(text: &str) -> String {
    let text = URL_USERINFO.replace_all(text, format!("${{1}}{CREDENTIALS}@").as_str());
    let text = URL_SECRET_PARAM.replace_all(&text, format!("${{1}}{CREDENTIALS}").as_str());
    let text = EMAIL_ADDRESS.replace_all(&text, EMAIL);
    let text = replace_checked(&text, &IPV6_CANDIDATE, IP, |before, found, after| {
        let address = found.split('%').next().unwrap_or(found);
        !before.is_some_and(|c| is_word(c) || c == ':')
            && !after.starts_with(|c: char| is_word(c) || c == ':')
            && address.chars().any(|c| c.is_ascii_hexdigit())
            && address.parse::<Ipv6Addr>().is_ok()
    });
    let text = replace_checked(&text, &IPV4_CANDIDATE, IP, |before, found, after| {
        let longer = after.starts_with(|c: char| is_word(c))
            || after
                .strip_prefix('.')
                .is_some_and(|rest| rest.starts_with(|c: char| is_word(c)));
        !before.is_some_and(|c| is_word(c) || c == '.')
            && !longer
            && found.parse::<Ipv4Addr>().is_ok()
    });
    let text = replace_checked(
        &text,
        &INTERNATIONAL_PHONE,
        PHONE,
        |before, found, after| {
            !before.is_some_and(|c| is_word(c) || is_digit(c) || c == '+' || c == '＋')
                && !after.starts_with(is_digit)
                && (8..=15).contains(&digits(found))
        },
    );
    replace_checked(&text, &JAPANESE_PHONE, PHONE, |before, found, after| {
        let joined =
            |c: char| is_digit(c) || "-‐－−ー+＋.".contains(c) || c.is_ascii_alphanumeric();
        !before.is_some_and(joined)
            && !after.starts_with(joined)
            && (10..=11).contains(&digits(found))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_details_go_and_the_rest_stays() {
        let cases = [
            // E-mail addresses.
            (
                "mail me at jane.doe@example.com please",
                "mail me at [email] please",
            ),
            ("JANE+sora@Example.CO.UK", "[email]"),
            ("山田＠example.jp に連絡", "[email] に連絡"),
            ("<a.b-c@sub.example.org>", "<[email]>"),
            // IPv4.
            ("from 192.168.1.20 today", "from [ip] today"),
            ("host 10.0.0.1:8765 refused", "host [ip]:8765 refused"),
            ("(203.0.113.9)", "([ip])"),
            ("ends with 8.8.8.8.", "ends with [ip]."),
            // IPv6.
            ("ipv6 2001:db8::1 down", "ipv6 [ip] down"),
            ("[fe80::1%eth0]:9090", "[[ip]]:9090"),
            ("::ffff:192.0.2.1 mapped", "[ip] mapped"),
            ("full 2001:0db8:0000:0000:0000:ff00:0042:8329", "full [ip]"),
            // Phone numbers, international.
            ("call +1 (415) 555-0132", "call [phone]"),
            ("+44 20 7946 0958!", "[phone]!"),
            ("tel:+81-3-1234-5678", "tel:[phone]"),
            ("0044 20 7946 0958", "[phone]"),
            ("＋８１ ９０ １２３４ ５６７８", "[phone]"),
            // Phone numbers, Japanese.
            ("電話は03-1234-5678です", "電話は[phone]です"),
            ("携帯 090-1234-5678", "携帯 [phone]"),
            ("0120-123-456 まで", "[phone] まで"),
            ("09012345678", "[phone]"),
            ("０９０ー１２３４ー５６７８", "[phone]"),
            ("０３－１２３４－５６７８に", "[phone]に"),
            // Credentials in URLs.
            (
                "clone https://bob:hunter2@git.example.com/repo.git",
                "clone https://[credentials]@git.example.com/repo.git",
            ),
            (
                "ftp://admin@files.example.com",
                "ftp://[credentials]@files.example.com",
            ),
            (
                "see https://x.example.com/a?token=abc123&page=2",
                "see https://x.example.com/a?token=[credentials]&page=2",
            ),
            // What must survive.
            ("version 1.4.2 crashed", "version 1.4.2 crashed"),
            ("v1.2.3.4 regression", "v1.2.3.4 regression"),
            ("build 2.11.0-rc.1+20261130", "build 2.11.0-rc.1+20261130"),
            ("on 2026-11-30 at 10:30:00", "on 2026-11-30 at 10:30:00"),
            ("2026-11-30T10:30:00Z", "2026-11-30T10:30:00Z"),
            ("recorded 03-04-2026", "recorded 03-04-2026"),
            (
                "/camera/image_raw and /tf_static lag",
                "/camera/image_raw and /tf_static lag",
            ),
            (
                "sensor_msgs/msg/Image at 30 Hz",
                "sensor_msgs/msg/Image at 30 Hz",
            ),
            (
                "1800 messages, 12345678 bytes",
                "1800 messages, 12345678 bytes",
            ),
            ("ratio 3:2 and 16:9", "ratio 3:2 and 16:9"),
            (
                "https://foxglove.dev/docs?page=2",
                "https://foxglove.dev/docs?page=2",
            ),
            ("1.5e-3 s latency, +3 dB", "1.5e-3 s latency, +3 dB"),
            ("the 3D panel's 0.1 m grid", "the 3D panel's 0.1 m grid"),
            ("great tool 👍", "great tool 👍"),
        ];
        for (input, expected) in cases {
            assert_eq!(redact(input), expected, "{input}");
        }
        assert!(cases.len() >= 30);
    }
}
