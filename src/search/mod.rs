//! Patient search: query parsing, request planning, phone normalisation, merging and ranking.
