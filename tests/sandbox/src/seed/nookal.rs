//! The seeded Nookal clinic: two locations, four practitioners, ~320 patients, cases and a few notes.

use super::KEY_ALPHABET;
use super::names::{FIRST_F, FIRST_M, LAST, PREFERRED};
use crate::clock::{date, days_from_civil, nookal_datetime};
use crate::nookal::model::{Case, Location, Nookal, NookalNote, NookalPatient, NookalPractitioner};
use crate::prng::Prng;

/// Seed the clinic deterministically.
pub fn seed() -> Nookal {
    let mut rng = Prng::new(0x4e4f_4f4b_414c);
    let key = rng.token(32, KEY_ALPHABET);
    let locations = vec![
        Location {
            id: 1,
            name: "Bayside Allied Health – Brighton".into(),
            addr1: "12 Church St".into(),
            city: "Brighton".into(),
        },
        Location {
            id: 2,
            name: "Bayside Allied Health – Sandringham".into(),
            addr1: "3 Station St".into(),
            city: "Sandringham".into(),
        },
    ];
    let prac = |id: u64, title: &str, f: &str, l: &str, s: &str, locs: &[u64]| NookalPractitioner {
        id,
        title: title.into(),
        first_name: f.into(),
        last_name: l.into(),
        speciality: s.into(),
        locations: locs.to_vec(),
    };
    let practitioners = vec![
        prac(1, "Dr", "Hannah", "Brooks", "Physiotherapist", &[1, 2]),
        prac(2, "", "Mateo", "Ruiz", "Podiatrist", &[1]),
        prac(3, "", "Ngaio", "Parata", "Occupational Therapist", &[2]),
        prac(4, "Dr", "Sam", "Whitfield", "Chiropractor", &[1, 2]),
    ];
    let mut patients = Vec::new();
    let fixed: &[(&str, &str, Option<&str>, &str)] = &[
        ("Sarah", "O'Brien", None, "1979-05-09"),
        ("Sarah", "O'Brien", None, "1990-12-30"),
        ("Aroha", "Ngāta", None, "1993-04-11"),
        ("Zoë", "Müller", None, "2003-01-27"),
        ("William", "Thompson", Some("Bill"), "1950-03-03"),
    ];
    let created0 = u64::try_from(days_from_civil(2020, 2, 1)).unwrap_or(0) * 86_400_000;
    for (i, (f, l, nick, dob)) in fixed.iter().enumerate() {
        patients.push(NookalPatient {
            id: 1001 + i as u64,
            title: String::new(),
            first_name: (*f).into(),
            nickname: nick.map(str::to_string),
            last_name: (*l).into(),
            dob: Some((*dob).into()),
            gender: "F".into(),
            email: Some(format!("patient{}@example.com", 1001 + i)),
            mobile: Some(format!("04{:02} {:03} {:03}", i, 100 + i, 200 + i)),
            home: None,
            location_id: 1,
            created: nookal_datetime(created0 + i as u64 * 86_400_000),
            active: true,
        });
    }
    for i in fixed.len()..320 {
        let female = rng.chance(50);
        let first = *rng.pick(if female { FIRST_F } else { FIRST_M });
        let nickname = PREFERRED
            .iter()
            .find(|(f, _)| *f == first)
            .map(|(_, n)| (*n).to_string())
            .filter(|_| rng.chance(40));
        patients.push(NookalPatient {
            id: 1001 + i as u64,
            title: String::new(),
            first_name: first.into(),
            nickname,
            last_name: (*rng.pick(LAST)).into(),
            dob: (!rng.chance(3))
                .then(|| date(days_from_civil(1940, 1, 1) + rng.below(365 * 80) as i64)),
            gender: if female { "F" } else { "M" }.into(),
            email: (!rng.chance(12)).then(|| format!("patient{}@example.com", 1001 + i)),
            mobile: (!rng.chance(10)).then(|| {
                format!(
                    "04{} {} {}",
                    rng.token(2, b"0123456789"),
                    rng.token(3, b"0123456789"),
                    rng.token(3, b"0123456789")
                )
            }),
            home: rng.chance(20).then(|| {
                format!(
                    "(03) 9{} {}",
                    rng.token(3, b"0123456789"),
                    rng.token(4, b"0123456789")
                )
            }),
            location_id: 1 + rng.below(2),
            created: nookal_datetime(created0 + i as u64 * 3 * 86_400_000),
            active: true,
        });
    }
    // One inactive patient (Nookal's archived), found only with "Include archived"; the same
    // person as Cliniko's archived one, so one test body checks both.
    patients.push(NookalPatient {
        id: 1321,
        title: String::new(),
        first_name: "Harold".into(),
        nickname: None,
        last_name: "Archer".into(),
        dob: Some("1944-04-04".into()),
        gender: "M".into(),
        email: Some("harold.archer@example.com".into()),
        mobile: None,
        home: Some("(02) 9000 1111".into()),
        location_id: 1,
        created: nookal_datetime(created0),
        active: false,
    });
    let mut next_id = 5000;
    let mut cases = Vec::new();
    let titles = [
        "Lower back pain",
        "Right knee",
        "Neck and shoulder",
        "Plantar fasciitis",
        "Post-op rehab",
    ];
    for p in &patients {
        // Roughly one patient in seven has no case yet (so a client must create one first).
        if p.id % 7 == 3 {
            continue;
        }
        for _ in 0..(1 + rng.below(2)) {
            next_id += 1;
            cases.push(Case {
                id: next_id,
                patient_id: p.id,
                title: (*rng.pick(&titles)).into(),
                status: "Open".into(),
                provider_name: "Hannah Brooks".into(),
            });
        }
    }
    let mut notes = Vec::new();
    for c in cases.iter().take(60) {
        next_id += 1;
        let at = created0 + (next_id - 5000) * 86_400_000;
        notes.push(NookalNote {
            id: next_id,
            patient_id: c.patient_id,
            case_id: c.id,
            practitioner_id: 1 + rng.below(4),
            date: nookal_datetime(at),
            text: "Reviewed home exercises. Plan: continue for two weeks.".into(),
            created_ms: at,
            appt_id: None,
        });
    }
    Nookal {
        key,
        locations,
        practitioners,
        patients,
        cases,
        notes,
        next_id,
        appointments: Vec::new(),
        diary_days: Vec::new(),
    }
}
