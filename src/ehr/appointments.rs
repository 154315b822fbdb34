//! The diary part of the EHR interface (issue 14): the practitioner's appointments around a
//! session (`appointments/list`), the link offer for a patient found by search
//! (`appointments/offer`), pairing historical sessions (`appointments/match`), and resolving the
//! appointment a push links to from data the core itself fetched from the EHR ([`resolve`]).
//!
//! One list per popup open: the listing is kept in the worker ([`crate::diary::cache`]) and
//! served from there until Retry (`refresh`). Requests go through each EHR's paced client, so
//! the diary shares the rate budget with pushes. Which practitioner: the one asked for (and
//! then remembered per EHR, the receptionist's picker), else the key's own (Cliniko) or the one
//! notes are filed under (Nookal), else the remembered one, else the picker is needed.

use super::Ehr;
use super::connection::Choice;
use crate::cliniko::store as cliniko_store;
use crate::cliniko::{self, ClinikoId};
use crate::diary::{
    self, Appointment, DAY_MS, DiaryWindow, HOUR_MS, Kind, Listing, Row, WindowSettings, rows,
};
use crate::nookal::store as nookal_store;
use crate::nookal::{self, NookalId};
use crate::platform::StorageArea;
use crate::search::rank::PatientSummary;
use crate::worker::Env;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Where the practitioner picked for the diary is remembered, per EHR (`{cliniko: id, …}`).
pub const PRACTITIONER_KEY: &str = "diary_practitioner";

/// `appointments/list`'s fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListRequest {
    /// The session's time (UTC ms); now when absent.
    #[serde(default)]
    pub session_ms: Option<i64>,
    /// The browser's offset (minutes east of UTC) at the session's time.
    #[serde(default)]
    pub utc_offset_min: Option<i32>,
    /// The practitioner whose diary to show (remembered for next time).
    #[serde(default)]
    pub practitioner_id: Option<String>,
    /// Pre-select before recording: what is still to come today, soonest first.
    #[serde(default)]
    pub upcoming: bool,
    /// Ask the EHR again (Retry) rather than answer from the worker's memory.
    #[serde(default)]
    pub refresh: bool,
}

/// `appointments/list`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListReply {
    /// Whose diary this is.
    pub practitioner: Option<Choice>,
    /// No practitioner is known: show the picker (`rows` is empty).
    pub needs_practitioner: bool,
    /// The practitioners to pick from (empty when the key is one practitioner's).
    pub practitioners: Vec<Choice>,
    /// The span listed and the part shown first.
    pub window: DiaryWindow,
    /// Rows, best first.
    pub rows: Vec<Row>,
    /// The best row's key.
    pub best_key: Option<String>,
    /// Several rows are equally good: none highlighted.
    pub tie: bool,
    /// Requests sent to the EHR for this answer (0 from the worker's memory).
    pub requests_made: u32,
}

/// The appointment a push links to, as a page names it (a Row's `id`, `kind`, `group_id`).
/// Only which record: everything else is read from the EHR by [`resolve`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentRef {
    /// The appointment's (or attendee's) id.
    pub id: String,
    /// `individual` or `group_attendee`.
    pub kind: RefKind,
    /// The class, for an attendee (informational: the attendee id decides).
    #[serde(default)]
    pub group_id: Option<String>,
    /// The appointment's start as the page showed it: only says which day's diary to read
    /// again when the worker no longer holds it (the record found there is what counts).
    #[serde(default)]
    pub starts_ms: Option<i64>,
}

/// Which kind of record an [`AppointmentRef`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    /// An individual appointment.
    Individual,
    /// A class attendee.
    GroupAttendee,
}

impl AppointmentRef {
    fn kind(&self) -> Kind {
        match self.kind {
            RefKind::Individual => Kind::Individual,
            RefKind::GroupAttendee => Kind::GroupAttendee {
                group_id: self.group_id.clone().unwrap_or_default(),
            },
        }
    }
}

/// Whose diary, and who else could be picked.
struct Whose {
    chosen: Option<Choice>,
    choices: Vec<Choice>,
}

async fn remembered<P: Env>(p: &P, ehr: Ehr) -> Result<Option<String>> {
    Ok(p.load(StorageArea::Local, PRACTITIONER_KEY)
        .await?
        .and_then(|v| {
            v.get(ehr_key(ehr))
                .and_then(Value::as_str)
                .map(String::from)
        }))
}

async fn remember<P: Env>(p: &P, ehr: Ehr, id: &str) -> Result<()> {
    let mut all = match p.load(StorageArea::Local, PRACTITIONER_KEY).await? {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    all.insert(ehr_key(ehr).into(), Value::String(id.to_string()));
    p.save(StorageArea::Local, PRACTITIONER_KEY, Value::Object(all))
        .await
}

/// Forget the diary's remembered practitioner for `ehr` (its key was removed).
pub async fn forget_practitioner<P: Env>(p: &P, ehr: Ehr) -> Result<()> {
    if let Some(Value::Object(mut all)) = p.load(StorageArea::Local, PRACTITIONER_KEY).await? {
        all.remove(ehr_key(ehr));
        p.save(StorageArea::Local, PRACTITIONER_KEY, Value::Object(all))
            .await?;
    }
    Ok(())
}

fn ehr_key(ehr: Ehr) -> &'static str {
    match ehr {
        Ehr::Cliniko => "cliniko",
        Ehr::Nookal => "nookal",
    }
}

fn pick(choices: &[Choice], id: Option<&str>) -> Option<Choice> {
    let id = id?;
    choices.iter().find(|c| c.id == id).cloned()
}

async fn whose<P: Env>(p: &P, ehr: Ehr, asked: Option<&str>) -> Result<Whose> {
    let saved = remembered(p, ehr).await?;
    let out = match ehr {
        Ehr::Cliniko => {
            let (key, conn) = cliniko_store::STORE.active(p).await?;
            match conn.practitioner_id {
                // The key is one practitioner's: that diary, nothing to pick.
                Some(own) if asked.is_none_or(|a| a == own) => Whose {
                    chosen: Some(Choice {
                        id: own,
                        name: conn.user_name,
                    }),
                    choices: Vec::new(),
                },
                _ => {
                    let choices: Vec<Choice> = cliniko::diary::practitioners(p, &key)
                        .await?
                        .into_iter()
                        .map(|x| Choice {
                            id: x.id.to_string(),
                            name: x
                                .display_name
                                .filter(|d| !d.trim().is_empty())
                                .unwrap_or_else(|| format!("{} {}", x.first_name, x.last_name))
                                .trim()
                                .to_string(),
                        })
                        .collect();
                    Whose {
                        chosen: pick(&choices, asked.or(saved.as_deref())),
                        choices,
                    }
                }
            }
        }
        Ehr::Nookal => {
            let (_, conn) = nookal_store::STORE.active(p).await?;
            let choices: Vec<Choice> = conn
                .practitioners
                .iter()
                // The options page's rule, so a practitioner reads the same in both places.
                .map(|x| Choice {
                    id: x.id.to_string(),
                    name: x.display_name(),
                })
                .collect();
            let filing = conn.practitioner_id.as_ref().map(ToString::to_string);
            Whose {
                chosen: pick(&choices, asked.or(saved.as_deref()).or(filing.as_deref())),
                choices,
            }
        }
    };
    if let (Some(a), Some(c)) = (asked, &out.chosen)
        && a == c.id
    {
        remember(p, ehr, a).await?;
    }
    if asked.is_some() && out.chosen.is_none() {
        return Err(Error::InvalidInput(format!(
            "no such {} practitioner",
            ehr.name()
        )));
    }
    Ok(out)
}

/// The diary of `practitioner_id` over `window`: from the worker's memory when it holds this
/// span (and `refresh` is off), else from the EHR (then remembered, with the patients' cards).
/// Returns the appointments and the requests sent.
async fn diary<P: Env>(
    p: &P,
    ehr: Ehr,
    practitioner_id: &str,
    window: &DiaryWindow,
    offset_min: i32,
    refresh: bool,
) -> Result<(Vec<Appointment>, u32)> {
    let now = p.now_ms();
    if !refresh
        && let Some(hit) =
            p.worker()
                .diary
                .borrow()
                .get(ehr, practitioner_id, window.from_ms, window.to_ms, now)
    {
        return Ok((hit, 0));
    }
    let (appointments, patients, requests) = match ehr {
        Ehr::Cliniko => {
            let (key, _) = cliniko_store::STORE.active(p).await?;
            let f =
                cliniko::diary::fetch(p, &key, &ClinikoId::parse(practitioner_id)?, window).await?;
            (f.appointments, f.patients, f.requests)
        }
        Ehr::Nookal => {
            let (key, _) = nookal_store::STORE.active(p).await?;
            let (appointments, mut n) = nookal::diary::fetch(
                p,
                &key,
                &NookalId::parse(practitioner_id)?,
                window,
                offset_min,
            )
            .await?;
            let mut cards = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for a in &appointments {
                if !seen.insert(a.patient_id.clone())
                    || p.worker()
                        .diary
                        .borrow()
                        .patient(ehr, &a.patient_id)
                        .is_some()
                {
                    continue;
                }
                n += 1;
                // A card that cannot be read leaves the row with the diary's own label; the
                // list itself is still worth showing.
                if let Ok(Some(card)) = nookal::diary::patient(p, &key, &a.patient_id).await {
                    cards.push(card);
                }
            }
            (appointments, cards, n)
        }
    };
    let mut cache = p.worker().diary.borrow_mut();
    cache.put_patients(ehr, patients);
    cache.put(
        ehr,
        practitioner_id,
        (window.from_ms, window.to_ms),
        now,
        appointments.clone(),
    );
    Ok((appointments, requests))
}

fn card<P: Env>(p: &P, ehr: Ehr) -> impl Fn(&str) -> Option<PatientSummary> + '_ {
    move |id| p.worker().diary.borrow().patient(ehr, id)
}

async fn window_settings<P: Env>(p: &P) -> Result<WindowSettings> {
    Ok(crate::settings::load(p).await?.diary_window)
}

/// `appointments/list`.
pub async fn list<P: Env>(p: &P, ehr: Ehr, req: &ListRequest) -> Result<ListReply> {
    let who = whose(p, ehr, req.practitioner_id.as_deref()).await?;
    let now = p.now_ms();
    let offset = req.utc_offset_min.unwrap_or(0);
    let settings = window_settings(p).await?;
    let session = if req.upcoming {
        now
    } else {
        req.session_ms.unwrap_or(now)
    };
    let window = if req.upcoming {
        // What is still to come today (whatever the window setting: it is a day's plan).
        let w = diary::window(now, offset, WindowSettings::default());
        DiaryWindow {
            from_ms: now - HOUR_MS,
            first_from_ms: now,
            first_to_ms: w.to_ms,
            ..w
        }
    } else {
        diary::window(session, offset, settings)
    };
    let Some(chosen) = who.chosen else {
        return Ok(ListReply {
            practitioner: None,
            needs_practitioner: true,
            practitioners: who.choices,
            window,
            rows: Vec::new(),
            best_key: None,
            tie: false,
            requests_made: 0,
        });
    };
    let (appointments, requests_made) =
        diary(p, ehr, &chosen.id, &window, offset, req.refresh).await?;
    let Listing {
        rows,
        best_key,
        tie,
    } = if req.upcoming {
        rows::upcoming(&appointments, &window, now, &card(p, ehr))
    } else {
        rows::listing(&appointments, &window, &card(p, ehr))
    };
    Ok(ListReply {
        practitioner: Some(chosen),
        needs_practitioner: false,
        practitioners: who.choices,
        window,
        rows,
        best_key,
        tie,
        requests_made,
    })
}

/// `appointments/offer`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfferReply {
    /// The patient's appointments in the window, nearest the session first.
    pub rows: Vec<Row>,
    /// Ticked by default: set only when exactly one.
    pub checked_key: Option<String>,
}

/// `appointments/offer`: "Link to the 10:30 appointment" for a patient chosen by search.
pub async fn offer<P: Env>(
    p: &P,
    ehr: Ehr,
    patient_id: &str,
    req: &ListRequest,
) -> Result<OfferReply> {
    let who = whose(p, ehr, req.practitioner_id.as_deref()).await?;
    let Some(chosen) = who.chosen else {
        return Ok(OfferReply {
            rows: Vec::new(),
            checked_key: None,
        });
    };
    let offset = req.utc_offset_min.unwrap_or(0);
    let window = diary::window(
        req.session_ms.unwrap_or_else(|| p.now_ms()),
        offset,
        window_settings(p).await?,
    );
    let (appointments, _) = diary(p, ehr, &chosen.id, &window, offset, req.refresh).await?;
    let o = diary::offer_for_patient(&appointments, patient_id, &window);
    let card = card(p, ehr);
    let rows: Vec<Row> = o
        .candidates
        .iter()
        .map(|i| rows::row(&appointments[*i], &window, &card))
        .collect();
    Ok(OfferReply {
        checked_key: o.checked.map(|i| rows::key(&appointments[i])),
        rows,
    })
}

/// One historical session to pair (`appointments/match`).
#[derive(Debug, Clone, Deserialize)]
pub struct SessionAt {
    /// The page's own key for the session (echoed back).
    pub key: String,
    /// The session's time (UTC ms).
    pub session_ms: i64,
    /// The browser's offset at that time (minutes east of UTC).
    #[serde(default)]
    pub utc_offset_min: i32,
}

/// One answer of `appointments/match`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    /// The session's key.
    pub key: String,
    /// Its appointment, only when exactly one fits.
    pub row: Option<Row>,
}

/// `appointments/match`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchReply {
    /// One per session, in order.
    pub pairs: Vec<Pair>,
    /// Requests sent.
    pub requests_made: u32,
}

/// `appointments/match`: each session paired with the one appointment at its time, or none.
/// One diary read per local day the sessions fall on.
pub async fn match_sessions<P: Env>(
    p: &P,
    ehr: Ehr,
    practitioner_id: Option<&str>,
    sessions: &[SessionAt],
) -> Result<MatchReply> {
    let who = whose(p, ehr, practitioner_id).await?;
    let Some(chosen) = who.chosen else {
        return Ok(MatchReply {
            pairs: sessions
                .iter()
                .map(|s| Pair {
                    key: s.key.clone(),
                    row: None,
                })
                .collect(),
            requests_made: 0,
        });
    };
    let mut all: Vec<Appointment> = Vec::new();
    let mut days: Vec<i64> = Vec::new();
    let mut requests_made = 0;
    for s in sessions {
        let day = diary::window::local_day_start(s.session_ms, s.utc_offset_min);
        if days.contains(&day) {
            continue;
        }
        days.push(day);
        let w = diary::window(s.session_ms, s.utc_offset_min, WindowSettings::default());
        let (list, n) = diary(p, ehr, &chosen.id, &w, s.utc_offset_min, false).await?;
        requests_made += n;
        for a in list {
            if !all.iter().any(|b| b.id == a.id && b.kind == a.kind) {
                all.push(a);
            }
        }
    }
    let times: Vec<i64> = sessions.iter().map(|s| s.session_ms).collect();
    let found = diary::match_sessions(&times, &all);
    let card = card(p, ehr);
    let pairs = sessions
        .iter()
        .zip(found)
        .map(|(s, m)| Pair {
            key: s.key.clone(),
            row: m.map(|i| {
                let w = diary::window(s.session_ms, s.utc_offset_min, WindowSettings::default());
                rows::row(&all[i], &w, &card)
            }),
        })
        .collect();
    Ok(MatchReply {
        pairs,
        requests_made,
    })
}

/// The appointment `r` names, as the EHR itself has it: from the diary the worker listed, else
/// read again (Cliniko: by id; Nookal, which has no read by id: the diary around the day the page
/// named, for the practitioner it remembers). `NotFound` when the EHR no longer lists it
/// (cancelled, deleted, or not in that diary): a link is never sent on the page's word alone.
pub async fn resolve<P: Env>(
    p: &P,
    ehr: Ehr,
    r: &AppointmentRef,
    utc_offset_min: i32,
) -> Result<Appointment> {
    let kind = r.kind();
    if let Some(a) = p
        .worker()
        .diary
        .borrow()
        .find(ehr, &kind, &r.id, p.now_ms())
    {
        return Ok(a);
    }
    let found = match ehr {
        Ehr::Cliniko => {
            let (key, _) = cliniko_store::STORE.active(p).await?;
            cliniko::diary::one(p, &key, &kind, &r.id).await?
        }
        Ehr::Nookal => {
            let Some(at) = r.starts_ms else {
                return Err(Error::NotFound(ehr));
            };
            let who = whose(p, ehr, None).await?;
            let Some(chosen) = who.chosen else {
                return Err(Error::NotFound(ehr));
            };
            let w = DiaryWindow {
                from_ms: at - DAY_MS,
                to_ms: at + DAY_MS,
                first_from_ms: at - DAY_MS,
                first_to_ms: at + DAY_MS,
                session_ms: at,
            };
            let (key, _) = nookal_store::STORE.active(p).await?;
            let (list, _) =
                nookal::diary::fetch(p, &key, &NookalId::parse(&chosen.id)?, &w, utc_offset_min)
                    .await?;
            list.into_iter()
                .find(|a| a.id == r.id && matches!(a.kind, Kind::Individual))
        }
    };
    found.ok_or(Error::NotFound(ehr))
}

/// A push's link, verified, and whether its appointment already has a note.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    /// The link to send, verified against the patient (and case).
    pub link: diary::Link,
    /// The appointment already has a note ("This appointment already has a note": ask first).
    pub has_note: bool,
}

/// The link a push may carry: the appointment read from the EHR ([`resolve`]), then checked to
/// be the note's patient's (and, for Nookal, not another case's than the one given). A mismatch
/// is [`Error::AppointmentMismatch`], before any request for the note is made.
pub async fn link_for<P: Env>(
    p: &P,
    ehr: Ehr,
    r: &AppointmentRef,
    patient_id: &str,
    case_id: Option<&str>,
    utc_offset_min: i32,
) -> Result<Linked> {
    let a = resolve(p, ehr, r, utc_offset_min).await?;
    let link = diary::Link::from(&a);
    diary::verify(&link, patient_id, case_id).map_err(|_| Error::AppointmentMismatch(ehr))?;
    Ok(Linked {
        link,
        has_note: a.note.has_note(),
    })
}
