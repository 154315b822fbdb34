//! Two futures run at once, both outputs returned (the one combinator the core needs, so that
//! two storage writes cost one round trip, without a futures crate).

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;

/// Poll `a` and `b` together until both are ready.
pub async fn join2<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut ra, mut rb) = (None, None);
    poll_fn(move |cx| {
        if ra.is_none()
            && let Poll::Ready(v) = a.as_mut().poll(cx)
        {
            ra = Some(v);
        }
        if rb.is_none()
            && let Poll::Ready(v) = b.as_mut().poll(cx)
        {
            rb = Some(v);
        }
        match (ra.take(), rb.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                (ra, rb) = (x, y);
                Poll::Pending
            }
        }
    })
    .await
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn both_outputs_come_back_in_order() {
        let out = pollster::block_on(join2(async { 1 }, async { "two" }));
        assert_eq!(out, (1, "two"));
    }
}
