//! The seeded Cliniko accounts: a large au1 physio clinic (2,200+ patients with awkward names) and a
//! small uk2 osteopathy clinic, their users, practitioners, templates, notes and API keys.

use serde_json::{Value, json};

use super::names::*;
use super::{KEY_ALPHABET, SEED_EPOCH_MS};
use crate::cliniko::model::{Account, Note, Patient, Phone, Practitioner, Template, User};
use crate::cliniko::{ApiKey, sanitize};
use crate::clock::{date, days_from_civil};
use crate::prng::Prng;

/// Demo keys printed on start (and in `Sandbox::demo_keys`).
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct DemoKeys {
    /// au1 practitioner (Dr Amelia Hart), with `-au1` suffix.
    pub practitioner: String,
    /// Legacy key without suffix (au1; practitioner Tom Nguyen, an administrator who also practises).
    pub no_suffix: String,
    /// uk2 practitioner (Dr Oliver Bennett).
    pub uk2: String,
    /// au1 receptionist (not a practitioner: reads work, note writes get 403).
    pub receptionist: String,
    /// A revoked au1 key (always 401).
    pub revoked: String,
    /// The Nookal clinic's API key.
    pub nookal: String,
}

/// Seeded Cliniko data.
pub struct ClinikoSeed {
    /// Accounts (au1 first).
    pub accounts: Vec<Account>,
    /// API keys.
    pub keys: Vec<ApiKey>,
    /// The demo keys (`nookal` filled in by the Nookal seed).
    pub demo: DemoKeys,
}

const DAY_MS: u64 = 86_400_000;

fn ms_of(y: i64, m: u32, d: u32) -> u64 {
    u64::try_from(days_from_civil(y, m, d)).unwrap_or(0) * DAY_MS
}

/// Seed both accounts deterministically.
pub fn seed() -> ClinikoSeed {
    let mut rng = Prng::new(0x4d4f_5449_4353);
    let mut au1 = au1_account(&mut rng);
    let mut uk2 = uk2_account(&mut rng);
    seed_notes(&mut au1, &mut rng, 160);
    seed_notes(&mut uk2, &mut rng, 40);
    let mut key = |suffix: &str| format!("{}{suffix}", rng.token(40, KEY_ALPHABET));
    let demo = DemoKeys {
        practitioner: key("-au1"),
        no_suffix: key(""),
        uk2: key("-uk2"),
        receptionist: key("-au1"),
        revoked: key("-au1"),
        nookal: String::new(),
    };
    let user = |acc: &Account, role_idx: usize| acc.users[role_idx].id;
    let keys = vec![
        ApiKey::new(&demo.practitioner, user(&au1, 0), false),
        ApiKey::new(&demo.no_suffix, user(&au1, 1), false),
        ApiKey::new(&demo.uk2, user(&uk2, 0), false),
        ApiKey::new(&demo.receptionist, user(&au1, 5), false),
        ApiKey::new(&demo.revoked, user(&au1, 2), true),
    ];
    ClinikoSeed {
        accounts: vec![au1, uk2],
        keys,
        demo,
    }
}

fn new_account(
    id: u64,
    shard: &str,
    subdomain: &str,
    name: &str,
    country: (&str, &str),
    term: &str,
) -> Account {
    Account {
        id,
        shard: shard.into(),
        subdomain: subdomain.into(),
        name: name.into(),
        country: country.0.into(),
        country_code: country.1.into(),
        terminology_patient: term.into(),
        users: Vec::new(),
        practitioners: Vec::new(),
        patients: Vec::new(),
        templates: Vec::new(),
        notes: Vec::new(),
        diary: Default::default(),
        // Above 2^53 (9.007e15): any JS Number round trip corrupts these ids.
        next_id: 1_100_000_000_000_000_000 + id * 10_000_000_000_000_000,
    }
}

/// (title, first, last, email, role, practitioner designation, active practitioner)
type StaffRow<'a> = (
    Option<&'a str>,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    bool,
);

fn add_staff(acc: &mut Account, staff: &[StaffRow<'_>]) {
    let created = ms_of(2018, 6, 1);
    for (title, first, last, email, role, designation, active) in staff {
        let uid = acc.new_id();
        acc.users.push(User {
            id: uid,
            title: title.map(str::to_string),
            first_name: (*first).into(),
            last_name: (*last).into(),
            email: (*email).into(),
            role: (*role).into(),
            created_ms: created,
        });
        if let Some(d) = designation {
            let pid = acc.new_id();
            acc.practitioners.push(Practitioner {
                id: pid,
                user_id: uid,
                title: title.map(str::to_string),
                first_name: (*first).into(),
                last_name: (*last).into(),
                designation: (*d).into(),
                active: *active,
                created_ms: created,
            });
        }
    }
}

fn au1_account(rng: &mut Prng) -> Account {
    let mut acc = new_account(
        1,
        "au1",
        "harbourside-physio",
        "Harbourside Physiotherapy",
        ("Australia", "AU"),
        "patient",
    );
    // users[0] practitioner key, [1] no-suffix key (administrator who practises), [2] revoked key,
    // [5] receptionist key.
    add_staff(
        &mut acc,
        &[
            (
                Some("Dr"),
                "Amelia",
                "Hart",
                "amelia.hart@harbourside.example.com",
                "practitioner",
                Some("Physiotherapist"),
                true,
            ),
            (
                None,
                "Tom",
                "Nguyen",
                "tom.nguyen@harbourside.example.com",
                "administrator",
                Some("Physiotherapist"),
                true,
            ),
            (
                Some("Dr"),
                "Priya",
                "Raman",
                "priya.raman@harbourside.example.com",
                "practitioner",
                Some("Osteopath"),
                true,
            ),
            (
                None,
                "Hēmi",
                "Walker",
                "hemi.walker@harbourside.example.com",
                "practitioner",
                Some("Exercise Physiologist"),
                true,
            ),
            (
                None,
                "Grace",
                "Lee",
                "grace.lee@harbourside.example.com",
                "practitioner",
                Some("Physiotherapist"),
                false,
            ),
            (
                None,
                "Jess",
                "Taylor",
                "reception@harbourside.example.com",
                "receptionist",
                None,
                true,
            ),
        ],
    );
    add_templates(&mut acc, true);
    add_fixed_patients(&mut acc);
    add_random_patients(&mut acc, rng, 2_200, "AU");
    acc
}

fn uk2_account(rng: &mut Prng) -> Account {
    let mut acc = new_account(
        2,
        "uk2",
        "thames-valley-osteo",
        "Thames Valley Osteopathy",
        ("United Kingdom", "GB"),
        "client",
    );
    add_staff(
        &mut acc,
        &[
            (
                Some("Dr"),
                "Oliver",
                "Bennett",
                "oliver.bennett@thamesvalley.example.co.uk",
                "practitioner",
                Some("Osteopath"),
                true,
            ),
            (
                None,
                "Fiona",
                "MacLeod",
                "fiona.macleod@thamesvalley.example.co.uk",
                "practitioner",
                Some("Sports Therapist"),
                true,
            ),
        ],
    );
    add_templates(&mut acc, false);
    add_random_patients(&mut acc, rng, 300, "GB");
    acc
}

fn paragraph(name: &str) -> Value {
    json!({ "name": name, "type": "paragraph" })
}

fn add_templates(acc: &mut Account, full: bool) {
    let created = ms_of(2018, 7, 1);
    let push = |acc: &mut Account, name: &str, content: Value, archived: bool| {
        let id = acc.new_id();
        acc.templates.push(Template {
            id,
            name: name.into(),
            content,
            archived_ms: archived.then_some(created + DAY_MS),
            created_ms: created,
        });
    };
    push(
        acc,
        "SOAP Note",
        json!({ "sections": [
            { "name": "Subjective", "description": "What the patient reports", "questions": [paragraph("Subjective")] },
            { "name": "Objective", "description": "Findings on examination", "questions": [paragraph("Objective")] },
            { "name": "Assessment", "questions": [paragraph("Assessment")] },
            { "name": "Plan", "questions": [paragraph("Plan")] },
        ]}),
        false,
    );
    push(
        acc,
        "Progress Note",
        json!({ "sections": [
            { "name": "Progress note", "questions": [ { "name": "Notes", "type": "paragraph", "answer": "<p></p>" } ] },
        ]}),
        false,
    );
    if full {
        push(
            acc,
            "Initial Assessment",
            json!({ "sections": [
                { "name": "History", "questions": [
                    { "name": "Presenting complaint", "type": "text" },
                    { "name": "History of complaint", "type": "paragraph" },
                    { "name": "Onset date", "type": "date" },
                ]},
                { "name": "Examination", "questions": [
                    { "name": "Areas affected", "type": "checkboxes", "answers": [ {"value": "Neck"}, {"value": "Shoulder"}, {"value": "Lower back"}, {"value": "Knee"} ], "other": { "enabled": true } },
                    { "name": "Side", "type": "radiobuttons", "answers": [ {"value": "Left"}, {"value": "Right"}, {"value": "Bilateral"} ], "other": { "enabled": false } },
                    { "name": "Findings", "type": "paragraph" },
                ]},
                { "name": "Plan", "questions": [paragraph("Treatment plan")] },
            ]}),
            false,
        );
        push(
            acc,
            "Old Consult (archived)",
            json!({ "sections": [ { "name": "Consult", "questions": [paragraph("Notes")] } ] }),
            true,
        );
    }
}

/// Hand-picked au1 patients the tests and Motics pages rely on (by name, never by id).
fn add_fixed_patients(acc: &mut Account) {
    // (first, last, preferred, dob, email, phones, archived)
    type Row<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        &'a [(&'a str, &'a str)],
        bool,
    );
    let rows: &[Row<'_>] = &[
        (
            "James",
            "Smith",
            None,
            Some("1962-03-14"),
            Some("james.smith62@example.com"),
            &[("0412 345 678", "Mobile")],
            false,
        ),
        (
            "James",
            "Smith",
            Some("Jim"),
            Some("1985-11-02"),
            Some("jim.smith@example.net"),
            &[("+61 413 222 333", "Mobile")],
            false,
        ),
        (
            "James",
            "Smith",
            None,
            Some("2001-07-23"),
            None,
            &[("(02) 9555 0101", "Home")],
            false,
        ),
        (
            "Sarah",
            "O'Brien",
            None,
            Some("1979-05-09"),
            Some("sarah.obrien@example.com"),
            &[("0400 111 222", "Mobile")],
            false,
        ),
        (
            "Sarah",
            "O'Brien",
            None,
            Some("1990-12-30"),
            Some("s.obrien90@example.org"),
            &[("+61412999888", "Mobile"), ("(02) 9876 5432", "Work")],
            false,
        ),
        (
            "Sarah",
            "O'Brien",
            None,
            Some("1955-01-17"),
            None,
            &[],
            true,
        ),
        (
            "Margaret",
            "O'Brien",
            Some("Peggy"),
            Some("1948-08-21"),
            Some("peggy.obrien@example.com"),
            &[("(02) 9977 1234", "Home")],
            false,
        ),
        (
            "Aroha",
            "Ngāta",
            None,
            Some("1993-04-11"),
            Some("aroha.ngata@example.co.nz"),
            &[("+64 21 555 0199", "Mobile")],
            false,
        ),
        (
            "Tāne",
            "Te Whāiti",
            None,
            Some("1987-09-30"),
            Some("tane.tewhaiti@example.com"),
            &[("0421 000 555", "Mobile")],
            false,
        ),
        (
            "Mere",
            "Pōmare",
            Some("Mary"),
            Some("1971-02-05"),
            None,
            &[("0433 765 432", "Mobile")],
            false,
        ),
        (
            "Wiremu",
            "Tūhoe-Parata",
            Some("Bill"),
            Some("1966-06-16"),
            Some("wiremu.tp@example.com"),
            &[],
            false,
        ),
        (
            "Chloé",
            "Lefèvre-Martin",
            None,
            Some("1995-10-08"),
            Some("chloe.lefevre@example.fr"),
            &[("0455 123 456", "Mobile")],
            false,
        ),
        (
            "Zoë",
            "Müller",
            None,
            Some("2003-01-27"),
            Some("zoe.mueller@example.com"),
            &[("04 1234 5678", "Mobile")],
            false,
        ),
        (
            "José",
            "García",
            None,
            Some("1958-12-12"),
            None,
            &[("(03) 9123 4567", "Home")],
            false,
        ),
        (
            "Renée",
            "D'Souza",
            None,
            Some("1982-07-04"),
            Some("renee.dsouza@example.com"),
            &[("0499 876 543", "Mobile")],
            false,
        ),
        (
            "William",
            "Thompson",
            Some("Bill"),
            Some("1950-03-03"),
            Some("bill.thompson@example.com"),
            &[("0401 010 101", "Mobile")],
            false,
        ),
        ("Doris", "Kelly", None, Some("1939-11-19"), None, &[], false),
        (
            "Harold",
            "Archer",
            None,
            Some("1944-04-04"),
            Some("harold.archer@example.com"),
            &[("(02) 9000 1111", "Home")],
            true,
        ),
        ("Li", "Wei", None, None, None, &[], false),
        (
            "Olivia",
            "Smith-Jones",
            None,
            Some("2012-06-01"),
            Some("smithjones.family@example.com"),
            &[("0411 222 333", "Mobile")],
            false,
        ),
    ];
    let start = ms_of(2018, 8, 1);
    for (i, (first, last, pref, dob, email, phones, archived)) in rows.iter().enumerate() {
        // The original au1 shard still hands out small ids (cliniko-api.md §11): the first ten
        // patients get short ids, so ids of different lengths coexist (string order ≠ numeric order).
        let id = if i < 10 {
            1042 + i as u64 * 17
        } else {
            acc.new_id()
        };
        let created = start + i as u64 * DAY_MS;
        acc.patients.push(Patient {
            id,
            title: None,
            first_name: (*first).into(),
            last_name: (*last).into(),
            preferred_first_name: pref.map(str::to_string),
            date_of_birth: dob.map(str::to_string),
            email: email.map(str::to_string),
            phones: phones
                .iter()
                .map(|(n, t)| Phone {
                    number: (*n).into(),
                    phone_type: (*t).into(),
                })
                .collect(),
            sex: None,
            old_reference_id: Some(format!("LEGACY-{:04}", i + 1)),
            address_1: Some(format!("{} Harbour St", 10 + i)),
            city: Some("Manly".into()),
            state: Some("NSW".into()),
            post_code: Some("2095".into()),
            occupation: None,
            accepted_privacy_policy: Some(true),
            archived_ms: archived.then_some(created + 400 * DAY_MS),
            created_ms: created,
            updated_ms: created + DAY_MS,
        });
    }
}

fn phone_for(rng: &mut Prng, country: &str) -> Phone {
    let d = |rng: &mut Prng, n: usize| rng.token(n, b"0123456789");
    if country == "GB" {
        return match rng.below(3) {
            0 => Phone {
                number: format!("07{} {}", d(rng, 3), d(rng, 6)),
                phone_type: "Mobile".into(),
            },
            1 => Phone {
                number: format!("+44 7{} {}", d(rng, 3), d(rng, 6)),
                phone_type: "Mobile".into(),
            },
            _ => Phone {
                number: format!("0118 {} {}", d(rng, 3), d(rng, 4)),
                phone_type: "Home".into(),
            },
        };
    }
    match rng.below(5) {
        0 => Phone {
            number: format!("+61 4{} {} {}", d(rng, 2), d(rng, 3), d(rng, 3)),
            phone_type: "Mobile".into(),
        },
        1 => Phone {
            number: format!("04{} {} {}", d(rng, 2), d(rng, 3), d(rng, 3)),
            phone_type: "Mobile".into(),
        },
        2 => Phone {
            number: format!("(02) 9{} {}", d(rng, 3), d(rng, 4)),
            phone_type: "Home".into(),
        },
        3 => Phone {
            number: format!("04{}{}", d(rng, 2), d(rng, 6)),
            phone_type: "Mobile".into(),
        },
        _ => Phone {
            number: format!("(03) 9{} {}", d(rng, 3), d(rng, 4)),
            phone_type: "Work".into(),
        },
    }
}

fn ascii_fold(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            'ā' | 'á' | 'à' | 'â' | 'ä' => Some('a'),
            'ē' | 'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'ī' | 'í' | 'ï' => Some('i'),
            'ō' | 'ó' | 'ö' | 'ø' => Some('o'),
            'ū' | 'ú' | 'ü' => Some('u'),
            'ç' => Some('c'),
            'ł' | 'Ł' => Some('l'),
            'ñ' => Some('n'),
            c if c.is_ascii_alphanumeric() || c == '.' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn add_random_patients(acc: &mut Account, rng: &mut Prng, count: usize, country: &str) {
    let start = ms_of(2019, 1, 1);
    let span = ms_of(2025, 10, 1) - start;
    let step = span / count as u64;
    for i in 0..count {
        let female = rng.chance(52);
        let first = *rng.pick(if female { FIRST_F } else { FIRST_M });
        let last = *rng.pick(LAST);
        let dob_days = days_from_civil(1935, 1, 1) + rng.below(365 * 85) as i64;
        let created = start + i as u64 * step + rng.below(step.max(1));
        let email = (!rng.chance(11)).then(|| {
            format!(
                "{}.{}{}@{}",
                ascii_fold(first),
                ascii_fold(last),
                rng.below(100),
                rng.pick(EMAIL_DOMAINS)
            )
        });
        let mut phones = Vec::new();
        if !rng.chance(8) {
            phones.push(phone_for(rng, country));
            if rng.chance(20) {
                phones.push(phone_for(rng, country));
            }
        }
        let preferred = PREFERRED
            .iter()
            .find(|(f, _)| *f == first)
            .and_then(|(_, p)| rng.chance(40).then(|| (*p).to_string()));
        let (city, state, post) = if country == "GB" {
            *rng.pick(TOWNS_UK)
        } else {
            *rng.pick(SUBURBS_AU)
        };
        let archived = rng.chance(3);
        let id = acc.new_id();
        acc.patients.push(Patient {
            id,
            title: None,
            first_name: first.into(),
            last_name: last.into(),
            preferred_first_name: preferred,
            date_of_birth: (!rng.chance(2)).then(|| date(dob_days)),
            email,
            phones,
            sex: Some(if female { "Female" } else { "Male" }.into()),
            old_reference_id: None,
            address_1: Some(format!("{} {}", 1 + rng.below(300), rng.pick(STREETS))),
            city: Some(city.into()),
            state: Some(state.into()),
            post_code: Some(post.into()),
            occupation: rng.chance(70).then(|| (*rng.pick(OCCUPATIONS)).to_string()),
            accepted_privacy_policy: Some(rng.chance(90)),
            archived_ms: archived.then_some(created + 200 * DAY_MS),
            created_ms: created,
            updated_ms: created + rng.below(100) * DAY_MS,
        });
    }
}

const SAMPLE_SUBJECTIVE: &[&str] = &[
    "<p>Reports <b>lower back pain</b> after gardening, 6/10, worse in the morning.</p>",
    "<p>Neck stiffness for two weeks; sleeping poorly.</p><ul><li>Desk work 8 h/day</li><li>No pins and needles</li></ul>",
    "<p>Right knee sore on stairs since the half marathon.</p>",
];

fn seed_notes(acc: &mut Account, rng: &mut Prng, patients: usize) {
    let start = ms_of(2024, 1, 15);
    let soap = acc.templates.first().map(|t| t.id);
    let active: Vec<(u64, String)> = acc
        .practitioners
        .iter()
        .filter(|p| p.active)
        .map(|p| (p.id, p.display_name()))
        .collect();
    let picks: Vec<u64> = acc
        .patients
        .iter()
        .filter(|p| p.archived_ms.is_none())
        .take(patients)
        .map(|p| p.id)
        .collect();
    for (i, patient_id) in picks.into_iter().enumerate() {
        for n in 0..(1 + rng.below(2)) {
            let (pid, author) = rng.pick(&active).clone();
            let created = start + (i as u64 * 3 + n) * (DAY_MS / 2) + rng.below(DAY_MS / 4);
            let sample: &&str = rng.pick(SAMPLE_SUBJECTIVE);
            let subjective = sanitize::sanitize_html(sample);
            let content = json!({ "sections": [
                { "name": "Subjective", "questions": [ { "name": "Subjective", "type": "paragraph", "answer": subjective } ] },
                { "name": "Plan", "questions": [ { "name": "Plan", "type": "paragraph", "answer": "<p>Review in one week.</p>" } ] },
            ]});
            let draft = rng.chance(30);
            let id = acc.new_id();
            acc.notes.push(Note {
                id,
                patient_id,
                practitioner_id: pid,
                template_id: soap,
                booking_id: None,
                attendee_id: None,
                title: "SOAP Note".into(),
                draft: Some(draft),
                content,
                author_name: author,
                archived_ms: rng.chance(5).then_some(created + DAY_MS),
                finalized_ms: (!draft).then_some(created + 3_600_000),
                created_ms: created,
                updated_ms: created + 3_600_000,
            });
        }
    }
    debug_assert!(acc.notes.iter().all(|n| n.created_ms < SEED_EPOCH_MS));
}
