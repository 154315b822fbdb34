//! Futures run at once, every output returned (the combinators the core needs, so that two
//! storage writes, or the reads a click needs, cost one round trip, without a futures crate).

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

/// Poll every future of `all` together until each is ready; outputs in the same order.
pub async fn join_all<F: Future>(all: Vec<F>) -> Vec<F::Output> {
    let mut futs: Vec<_> = all.into_iter().map(Box::pin).collect();
    let mut outs: Vec<Option<F::Output>> = futs.iter().map(|_| None).collect();
    poll_fn(move |cx| {
        for (f, out) in futs.iter_mut().zip(outs.iter_mut()) {
            if out.is_none()
                && let Poll::Ready(v) = f.as_mut().poll(cx)
            {
                *out = Some(v);
            }
        }
        match outs.iter().all(Option::is_some) {
            true => Poll::Ready(outs.iter_mut().filter_map(Option::take).collect()),
            false => Poll::Pending,
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

    #[test]
    fn every_output_comes_back_in_order() {
        let futs: Vec<_> = (1..=3).map(|i| async move { i * 10 }).collect();
        assert_eq!(pollster::block_on(join_all(futs)), vec![10, 20, 30]);
    }
}
