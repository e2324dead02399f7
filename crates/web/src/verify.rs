//! The public verification of messages (anti-scam): `GET /verify` (a page in fi, sv and en),
//! `POST /verify` (its form) and `POST /api/v1/verify` (JSON). Anyone may ask, nobody logs
//! in, so both are rate-limited per client address and in total: codes cannot be enumerated.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form, Json};
use reilu_app::App;
use reilu_app::verify::Verification;
use reilu_store::Store;
use serde::Deserialize;

use crate::error::ApiError;

/// Checks one client address may make per window, and all addresses together. Ten a minute
/// is plenty for a person typing a code; a million-code space at ten a minute takes years.
pub const CHECKS_PER_ADDRESS_DEFAULT: u32 = 10;
pub const CHECKS_TOTAL_DEFAULT: u32 = 600;
/// The window the counts are for.
const WINDOW: Duration = Duration::from_secs(60);
/// Addresses remembered in one window at most: beyond it every further address counts as
/// over its limit, so a flood of addresses cannot grow the table without bound.
const ADDRESSES_MAX: usize = 100_000;

/// Fixed-window counters of verification checks.
#[derive(Debug)]
pub struct VerifyLimiter {
    per_address: u32,
    total: u32,
    state: Mutex<Window>,
}

#[derive(Debug)]
struct Window {
    started: Instant,
    total: u32,
    by_address: HashMap<IpAddr, u32>,
}

impl VerifyLimiter {
    pub fn new(per_address: u32, total: u32) -> Self {
        VerifyLimiter {
            per_address,
            total,
            state: Mutex::new(Window {
                started: Instant::now(),
                total: 0,
                by_address: HashMap::new(),
            }),
        }
    }

    /// Counts a check from `address`; false when it is over either limit.
    fn allow(&self, address: IpAddr) -> bool {
        let mut window = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if window.started.elapsed() >= WINDOW {
            window.started = Instant::now();
            window.total = 0;
            window.by_address.clear();
        }
        if window.total >= self.total {
            return false;
        }
        if !window.by_address.contains_key(&address) && window.by_address.len() >= ADDRESSES_MAX {
            return false;
        }
        let count = window.by_address.entry(address).or_insert(0);
        if *count >= self.per_address {
            return false;
        }
        *count += 1;
        window.total += 1;
        true
    }
}

/// The client's address as the connection gives it (behind a proxy: the proxy's), counted
/// by its /64 for IPv6: one subscriber holds a whole /64 and could otherwise ask from a new
/// address each time.
fn address_of(connected: Option<Extension<ConnectInfo<SocketAddr>>>) -> IpAddr {
    let address = connected.map_or(
        IpAddr::from([0, 0, 0, 0]),
        |Extension(ConnectInfo(peer))| peer.ip(),
    );
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::from(segments)
            }
        },
        v4 => v4,
    }
}

#[derive(Deserialize)]
pub struct CodeBody {
    code: String,
}

/// `POST /api/v1/verify` with `{"code": "…"}`.
pub async fn verify_api<S: Store>(
    State(app): State<App<S>>,
    State(limiter): State<std::sync::Arc<VerifyLimiter>>,
    connected: Option<Extension<ConnectInfo<SocketAddr>>>,
    Json(body): Json<CodeBody>,
) -> Result<Response, ApiError> {
    if !limiter.allow(address_of(connected)) {
        return Err(ApiError::TooManyRequests(
            "too many verification checks: wait a minute and try again".into(),
        ));
    }
    let answer = app.verify_code(&body.code).await?;
    Ok(Json(answer).into_response())
}

#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// `GET /verify`: the form.
pub async fn verify_page(Query(query): Query<LangQuery>) -> Response {
    render(
        language(query.lang.as_deref()),
        String::new(),
        PageOutcome::Ask,
        StatusCode::OK,
    )
}

/// `POST /verify`: the form's answer.
pub async fn verify_form<S: Store>(
    State(app): State<App<S>>,
    State(limiter): State<std::sync::Arc<VerifyLimiter>>,
    connected: Option<Extension<ConnectInfo<SocketAddr>>>,
    Query(query): Query<LangQuery>,
    Form(body): Form<CodeBody>,
) -> Response {
    let lang = language(query.lang.as_deref());
    let typed: String = body.code.chars().take(20).collect();
    if !limiter.allow(address_of(connected)) {
        return render(
            lang,
            typed,
            PageOutcome::TooMany,
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let outcome = match app.verify_code(&typed).await {
        Ok(Verification::Genuine {
            sent_at,
            channel,
            reference_end,
            amount,
        }) => PageOutcome::Genuine(sent_at, channel, reference_end, amount),
        Ok(Verification::Unknown) => PageOutcome::Unknown,
        Err(error) => {
            tracing::error!(%error, "verification check");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    render(lang, typed, outcome, StatusCode::OK)
}

pub enum PageOutcome {
    Ask,
    Genuine(String, String, String, String),
    Unknown,
    TooMany,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    lang: &'static str,
    text: &'static PageText,
    typed: String,
    outcome: PageOutcome,
}

fn render(lang: &'static str, typed: String, outcome: PageOutcome, status: StatusCode) -> Response {
    let page = VerifyPage {
        lang,
        text: text_in(lang),
        typed,
        outcome,
    };
    match page.render() {
        Ok(html) => (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "verification page render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn language(asked: Option<&str>) -> &'static str {
    match asked {
        Some("fi") => "fi",
        Some("sv") => "sv",
        _ => "en",
    }
}

/// The page's words in one language.
pub struct PageText {
    title: &'static str,
    languages: &'static str,
    intro: &'static str,
    label: &'static str,
    hint: &'static str,
    button: &'static str,
    genuine: &'static str,
    genuine_note: &'static str,
    sent: &'static str,
    channel: &'static str,
    reference_end: &'static str,
    amount: &'static str,
    unknown: &'static str,
    advice: [&'static str; 4],
    too_many: &'static str,
}

fn text_in(lang: &str) -> &'static PageText {
    match lang {
        "fi" => &FI,
        "sv" => &SV,
        _ => &EN,
    }
}

const EN: PageText = PageText {
    title: "Is this message really from us?",
    languages: "Languages",
    intro: "Every letter, e-mail and text message we send ends with a code. Type it here to see whether the message is genuine.",
    label: "Verification code",
    hint: "Ten letters and digits, for example ABCD-EFGH-JK.",
    button: "Check",
    genuine: "Genuine: we sent this message.",
    genuine_note: "If the amount or reference in your message differs from these, contact us before you pay.",
    sent: "Sent",
    channel: "Channel",
    reference_end: "Payment reference ends with",
    amount: "Amount",
    unknown: "We did not send a message with this code.",
    advice: [
        "Do not pay anything the message asks for.",
        "Do not give your bank details, passwords or other personal data.",
        "Contact us only through the contact details on our official website or in a letter whose code checks out here.",
        "If you have already paid or given personal data, contact your bank at once and report it to the police.",
    ],
    too_many: "Too many checks from your connection. Wait a minute and try again.",
};

const FI: PageText = PageText {
    title: "Onko viesti todella meiltä?",
    languages: "Kielet",
    intro: "Jokaisen lähettämämme kirjeen, sähköpostin ja tekstiviestin lopussa on koodi. Kirjoita se tähän, niin näet, onko viesti aito.",
    label: "Tarkistuskoodi",
    hint: "Kymmenen kirjainta ja numeroa, esimerkiksi ABCD-EFGH-JK.",
    button: "Tarkista",
    genuine: "Aito: lähetimme tämän viestin.",
    genuine_note: "Jos viestisi summa tai viite poikkeaa näistä, ota meihin yhteyttä ennen maksamista.",
    sent: "Lähetetty",
    channel: "Kanava",
    reference_end: "Viitteen loppu",
    amount: "Summa",
    unknown: "Emme ole lähettäneet viestiä tällä koodilla.",
    advice: [
        "Älä maksa mitään, mitä viestissä pyydetään.",
        "Älä anna pankkitietojasi, salasanojasi tai muita henkilötietojasi.",
        "Ota meihin yhteyttä vain virallisilla verkkosivuillamme olevien yhteystietojen kautta tai kirjeen, jonka koodi on tarkistettu täällä.",
        "Jos olet jo maksanut tai antanut henkilötietojasi, ota heti yhteyttä pankkiisi ja tee rikosilmoitus poliisille.",
    ],
    too_many: "Liian monta tarkistusta yhteydestäsi. Odota minuutti ja yritä uudelleen.",
};

const SV: PageText = PageText {
    title: "Är meddelandet verkligen från oss?",
    languages: "Språk",
    intro: "Varje brev, e-postmeddelande och sms vi skickar slutar med en kod. Skriv den här för att se om meddelandet är äkta.",
    label: "Kontrollkod",
    hint: "Tio bokstäver och siffror, till exempel ABCD-EFGH-JK.",
    button: "Kontrollera",
    genuine: "Äkta: vi skickade det här meddelandet.",
    genuine_note: "Om beloppet eller referensen i ditt meddelande skiljer sig från dessa, kontakta oss innan du betalar.",
    sent: "Skickat",
    channel: "Kanal",
    reference_end: "Referensen slutar med",
    amount: "Belopp",
    unknown: "Vi har inte skickat något meddelande med den här koden.",
    advice: [
        "Betala inte det som meddelandet ber om.",
        "Lämna inte ut dina bankuppgifter, lösenord eller andra personuppgifter.",
        "Kontakta oss bara via kontaktuppgifterna på vår officiella webbplats eller i ett brev vars kod stämmer här.",
        "Om du redan har betalat eller lämnat ut personuppgifter, kontakta genast din bank och polisanmäl.",
    ],
    too_many: "För många kontroller från din anslutning. Vänta en minut och försök igen.",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn from(text: &str) -> IpAddr {
        let peer: SocketAddr = text.parse().unwrap_or_else(|e| panic!("{e}"));
        address_of(Some(Extension(ConnectInfo(peer))))
    }

    #[test]
    fn an_ipv6_subscriber_is_one_address_and_mapped_ipv4_is_ipv4() {
        assert_eq!(
            from("[2001:db8:1:2:aaaa::1]:80"),
            from("[2001:db8:1:2:bbbb::9]:80")
        );
        assert_ne!(from("[2001:db8:1:2::1]:80"), from("[2001:db8:1:3::1]:80"));
        assert_eq!(from("[::ffff:192.0.2.7]:80"), from("192.0.2.7:80"));
    }

    #[test]
    fn the_limits_count_per_address_and_in_total() {
        let limiter = VerifyLimiter::new(2, 3);
        let one = IpAddr::from([192, 0, 2, 1]);
        let two = IpAddr::from([192, 0, 2, 2]);
        assert!(limiter.allow(one) && limiter.allow(one));
        assert!(!limiter.allow(one), "the third from one address");
        assert!(limiter.allow(two));
        assert!(!limiter.allow(two), "the fourth in total");
    }
}
