//! Request planning: the `GET /patients` requests a query needs (Cliniko has no OR).
//!
//! Names need several AND-ed requests, merged client-side: at most [`MAX_NAME_REQUESTS`].
//! Names are sent as typed, except that only the longest apostrophe-free run of a word is sent
//! (`O’Brien` → `last_name:~Brien`), so the contains-filter matches whichever apostrophe the
//! clinic stored. Whether Cliniko's `~` ignores case and diacritics is UNCONFIRMED: the query is
//! not folded before sending (folding could only lose matches if Cliniko compares exactly), and
//! ranking folds client-side either way.

use super::query::{NameQuery, Query};
use crate::cliniko::key::ClinikoKey;
use crate::cliniko::requests::{Filter, ListParams, list_patients};
use crate::http::ApiRequest;

/// Most requests one name query makes.
pub const MAX_NAME_REQUESTS: usize = 3;
/// Page size of search requests (results beyond it are flagged "more available").
pub const SEARCH_PER_PAGE: u8 = 50;
/// Newest patients first: a just-registered patient is the likeliest one being looked for, and
/// `created_at` is the documented default sort field, so it is certainly sortable.
pub const SEARCH_SORT: &str = "created_at:desc";

/// The filters for each request a query needs (empty for `Empty` and `Phone`, which the popup
/// scans page by page instead).
pub fn plan_filters(query: &Query, include_archived: bool) -> Vec<Vec<Filter>> {
    let c = |field: &str, word: &str| Filter::contains(field, &server_word(word));
    let mut plans: Vec<Vec<Filter>> = match query {
        Query::Empty | Query::Phone(_) => Vec::new(),
        Query::Email(e) => vec![vec![Filter::contains("email", e)]],
        Query::Dob(d) => vec![vec![Filter::eq("date_of_birth", &d.iso())]],
        Query::Id { id, .. } => vec![vec![Filter::eq("id", id.as_str())]],
        Query::Name(NameQuery::One(w)) => vec![
            vec![c("first_name", w)],
            vec![c("last_name", w)],
            vec![c("preferred_first_name", w)],
        ],
        Query::Name(NameQuery::FirstLast { first, last }) => vec![
            vec![c("first_name", first), c("last_name", last)],
            vec![c("first_name", last), c("last_name", first)],
            vec![c("preferred_first_name", first), c("last_name", last)],
        ],
        Query::Name(NameQuery::LastCommaFirst { first, last }) => vec![
            vec![c("first_name", first), c("last_name", last)],
            vec![c("preferred_first_name", first), c("last_name", last)],
        ],
    };
    if include_archived {
        // `*` on a DateTime includes records the endpoint normally excludes (reference §5).
        plans
            .iter_mut()
            .for_each(|p| p.push(Filter::any("archived_at")));
    }
    plans
}

/// The requests for a query.
pub fn plan_requests(key: &ClinikoKey, query: &Query, include_archived: bool) -> Vec<ApiRequest> {
    plan_filters(query, include_archived)
        .into_iter()
        .map(|filters| {
            list_patients(
                key,
                &ListParams {
                    filters,
                    sort: Some(SEARCH_SORT.to_string()),
                    per_page: Some(SEARCH_PER_PAGE),
                    page: None,
                },
            )
        })
        .collect()
}

/// The part of a name word sent to Cliniko: the longest run between apostrophes (`O’Brien` →
/// `Brien`), since the stored apostrophe may be straight or curly.
pub fn server_word(word: &str) -> String {
    word.split(super::fold::is_apostrophe)
        .max_by_key(|s| s.chars().count())
        .unwrap_or(word)
        .trim()
        .to_string()
}
