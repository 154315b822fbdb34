//! Message handlers for the Cliniko connection (the workflows live in `cliniko::connect`).
//!
//! Each is `async fn(p: &P, …) -> crate::Result<T>` with a serialisable `T`.

// The dispatcher wires a subset at a time; the rest stay available to it.
#[allow(unused_imports)]
pub use crate::cliniko::connect::{
    Connection, ConnectionState, Status, connect, list_templates, mark_needs_reconnect, reconnect,
    remove, set_enabled, status, verify,
};

use crate::cliniko::store;
use crate::error::{Ehr, Error};
use crate::platform::Platform;

/// "Verify connection": check the saved key again. A 401 means the key stopped working in use
/// (deleted, or the clinic migrated), so the connection is flagged "needs reconnect".
pub async fn verify_saved<P: Platform>(p: &P) -> crate::Result<Status> {
    let Some(key) = store::load_key(p).await? else {
        return Err(Error::NotConnected(Ehr::Cliniko));
    };
    match verify(p, key.expose_secret()).await {
        Ok(conn) => {
            store::save_connection(p, &key, &conn).await?;
            status(p).await
        }
        Err(Error::Unauthorized(e)) => {
            mark_needs_reconnect(p).await?;
            Err(Error::Unauthorized(e))
        }
        Err(e) => Err(e),
    }
}
