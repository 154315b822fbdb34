//! The one document model (`Note`) and its parsers (page DOM tree, Markdown, plain text).
