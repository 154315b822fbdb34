//! Renderers from `Note` to what each EHR accepts, with a report of what had to change.
