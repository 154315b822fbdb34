//! Treatment-note content (sections → questions) and mapping a `Note` onto a template.
