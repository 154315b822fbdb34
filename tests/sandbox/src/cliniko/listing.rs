//! Cliniko list endpoints: `q[]` filters, `sort`, `page`/`per_page` (≤ 100, default 50), and the
//! `{<key>: [...], total_entries, links: {self, next?, previous?}}` envelope (cliniko-api.md §4–§5).

use serde_json::{Map, Value as Json, json};

use super::filter::{self, Filter, Kind, Value};
use crate::codec::percent_encode;

/// A parsed list request.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// AND-combined filters.
    pub filters: Vec<Filter>,
    /// (field, descending).
    pub sort: Vec<(String, bool)>,
    /// 1-based page.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
    /// Whether any `archived_at` filter is present (which lifts the default exclusion of archived
    /// records; `archived_at:*` is the documented way to include them).
    pub archived_filter: bool,
}

/// Parse the query pairs of a list request. Errors are messages for a 400 answer: real Cliniko's
/// answer to an unknown filter field or a bad operator is UNCONFIRMED; 400 makes client bugs loud.
pub fn parse(pairs: &[(String, String)], fields: &[(&str, Kind)]) -> Result<ListQuery, String> {
    let mut q = ListQuery {
        filters: Vec::new(),
        sort: Vec::new(),
        page: 1,
        per_page: 50,
        archived_filter: false,
    };
    let mut order_desc = false;
    for (k, v) in pairs {
        match k.as_str() {
            "q[]" | "q" => {
                let f = filter::parse(v, fields)?;
                q.archived_filter |= f.field == "archived_at";
                q.filters.push(f);
            }
            "sort" => {
                for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    let (field, desc) = match part.split_once(':') {
                        Some((f, "desc")) => (f, true),
                        Some((f, "asc")) => (f, false),
                        Some(_) => return Err(format!("invalid sort '{part}'")),
                        None => (part, false),
                    };
                    if !fields.iter().any(|(f, _)| *f == field) {
                        return Err(format!("cannot sort by '{field}'"));
                    }
                    q.sort.push((field.to_string(), desc));
                }
            }
            // Deprecated in the spec, still honoured: applies to fields without their own direction.
            "order" => order_desc = v == "desc",
            "page" => {
                q.page = v
                    .parse::<u64>()
                    .ok()
                    .filter(|p| *p >= 1)
                    .ok_or("page must be a positive integer")?
            }
            // The spec says 1..=100; larger values are clamped to 100 (UNCONFIRMED whether real
            // Cliniko clamps or rejects: clients should never ask for more than 100).
            "per_page" => {
                q.per_page = v
                    .parse::<u64>()
                    .ok()
                    .filter(|p| *p >= 1)
                    .ok_or("per_page must be a positive integer")?
                    .min(100)
            }
            _ => {}
        }
    }
    if q.sort.is_empty() {
        q.sort.push(("created_at".into(), order_desc));
    } else if order_desc {
        for s in &mut q.sort {
            s.1 = true;
        }
    }
    Ok(q)
}

/// Filter, sort and page `items`, and build the envelope. `get` returns a field's value on a record
/// (`id` and `created_at` are always available); `url` is the endpoint URL without its query.
pub fn respond<T>(
    items: Vec<&T>,
    q: &ListQuery,
    get: impl Fn(&T, &str) -> Value,
    to_json: impl Fn(&T) -> Json,
    key: &str,
    url: &str,
    pairs: &[(String, String)],
) -> Json {
    let mut hits: Vec<&T> = items
        .into_iter()
        .filter(|it| q.archived_filter || get(it, "archived_at") == Value::Time(None))
        .filter(|it| {
            q.filters
                .iter()
                .all(|f| filter::matches(f, &get(it, &f.field)))
        })
        .collect();
    hits.sort_by(|a, b| {
        for (field, desc) in &q.sort {
            let ord = get(a, field).sort_cmp(&get(b, field));
            let ord = if *desc { ord.reverse() } else { ord };
            if ord.is_ne() {
                return ord;
            }
        }
        get(a, "id").sort_cmp(&get(b, "id"))
    });
    let total = hits.len() as u64;
    let start = ((q.page - 1) * q.per_page).min(total) as usize;
    let end = (start + q.per_page as usize).min(hits.len());
    let page: Vec<Json> = hits[start..end].iter().map(|it| to_json(it)).collect();
    let link = |page: u64| {
        let mut parts: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| k != "page" && k != "per_page")
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect();
        parts.push(format!("page={page}"));
        parts.push(format!("per_page={}", q.per_page));
        format!("{url}?{}", parts.join("&"))
    };
    // Links are "only included if they are relevant": no `next` on the last page.
    let mut links = Map::new();
    links.insert("self".into(), json!(link(q.page)));
    if q.page * q.per_page < total {
        links.insert("next".into(), json!(link(q.page + 1)));
    }
    if q.page > 1 {
        links.insert("previous".into(), json!(link(q.page - 1)));
    }
    let mut out = Map::new();
    out.insert(key.into(), Json::Array(page));
    out.insert("total_entries".into(), json!(total));
    out.insert("links".into(), Json::Object(links));
    Json::Object(out)
}
