//! The clinic's habit: which template the clinician chose instead of the automatic one, per EHR
//! account and per set of note headings, so the next note like it goes there.
//!
//! Stored in `storage.local` under [`STORAGE_KEY`]: the account, a hash of the heading set and a
//! template id per entry. No note text: not even the headings themselves are kept, only a hash of
//! their normalised names, which is all that recognising the same set again needs.

use super::synonyms::name_key;
use crate::Result;
use crate::cliniko::store::Connection;
use crate::note::text::inline_text;
use crate::note::{Block, Note, fingerprint};
use crate::platform::{Platform, StorageArea};
use serde::{Deserialize, Serialize};

/// Where the learned choices live in `storage.local`.
pub const STORAGE_KEY: &str = "templates.learned";

/// The most entries kept (oldest dropped first): far more heading sets than one clinic's notes use.
const MAX_ENTRIES: usize = 200;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Learned {
    #[serde(default)]
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    account: String,
    headings: String,
    template_id: String,
}

/// The Cliniko account a habit belongs to: the clinic (shard + subdomain), not the key or user,
/// so a new key for the same clinic keeps it.
pub fn account(conn: &Connection) -> String {
    let clinic = conn
        .subdomain
        .as_deref()
        .or(conn.account_name.as_deref())
        .unwrap_or(&conn.user_id);
    format!("cliniko/{}/{clinic}", conn.shard)
}

/// The note's heading set, hashed: the normalised names of the headings at the level that has
/// the most of them (ties: the higher level, so a title heading above the sections is ignored),
/// sorted and deduplicated. The same headings in another order or spelling case are the same set.
pub fn heading_set(note: &Note) -> String {
    let headings: Vec<(u8, String)> = note
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, content } => Some((*level, name_key(&inline_text(content)))),
            _ => None,
        })
        .collect();
    let level = (1..=6u8)
        .map(|l| (l, headings.iter().filter(|(hl, _)| *hl == l).count()))
        .filter(|(_, n)| *n > 0)
        .max_by_key(|&(l, n)| (n, std::cmp::Reverse(l)))
        .map(|(l, _)| l);
    let mut keys: Vec<&str> = headings
        .iter()
        .filter(|(l, _)| Some(*l) == level)
        .map(|(_, k)| k.as_str())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    fingerprint::fnv1a_hex(keys.join("\n").chars())
}

async fn load<P: Platform>(p: &P) -> Result<Learned> {
    Ok(p.load(StorageArea::Local, STORAGE_KEY)
        .await?
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

/// The template learned for this account and heading set, if any.
pub async fn recall<P: Platform>(p: &P, account: &str, headings: &str) -> Result<Option<String>> {
    Ok(load(p)
        .await?
        .entries
        .into_iter()
        .find(|e| e.account == account && e.headings == headings)
        .map(|e| e.template_id))
}

/// Remember `template_id` for this account and heading set (replacing an earlier choice).
pub async fn learn<P: Platform>(
    p: &P,
    account: &str,
    headings: &str,
    template_id: &str,
) -> Result<()> {
    let mut learned = load(p).await?;
    learned
        .entries
        .retain(|e| !(e.account == account && e.headings == headings));
    learned.entries.push(Entry {
        account: account.into(),
        headings: headings.into(),
        template_id: template_id.into(),
    });
    let over = learned.entries.len().saturating_sub(MAX_ENTRIES);
    learned.entries.drain(..over);
    let value =
        serde_json::to_value(&learned).map_err(|e| crate::Error::InvalidInput(e.to_string()))?;
    p.save(StorageArea::Local, STORAGE_KEY, value).await
}

/// How many choices are remembered (all accounts).
pub async fn count<P: Platform>(p: &P) -> Result<usize> {
    Ok(load(p).await?.entries.len())
}

/// Forget every learned choice (Settings → "Forget learned template choices").
pub async fn forget_all<P: Platform>(p: &P) -> Result<()> {
    p.remove(StorageArea::Local, STORAGE_KEY).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::from_markdown::blocks_from_markdown;

    fn set(md: &str) -> String {
        heading_set(&Note::from_blocks(blocks_from_markdown(md)))
    }

    #[test]
    fn heading_sets_ignore_order_case_and_a_title_heading() {
        let a = set("## Subjective\n\nx\n\n## Plan\n\ny");
        assert_eq!(
            a,
            set("# Visit\n\n## PLAN:\n\nother text\n\n## subjective\n\nz")
        );
        assert_ne!(a, set("## Subjective\n\nx\n\n## Objective\n\ny"));
        assert_eq!(a.len(), 16);
        assert!(!a.contains("subjective"), "only a hash is kept");
    }
}
