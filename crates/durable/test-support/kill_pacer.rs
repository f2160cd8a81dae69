//! Kill timing for the crash-safety tests (`#[path]`-included by the test files that kill a
//! writer mid-run): it adapts to a machine whose load changes under the test. A kill that
//! comes after its run already ended means runs got faster than the measured one, so later
//! kills come sooner. It stops once `kills` kills were made and half of them landed mid-run,
//! or after three times as many tries.

use std::time::Duration;

pub(crate) struct Pacer {
    took: Duration,
    kills: u32,
    kill_point: fn(u32) -> f64,
    tries: u32,
    mid_run: u32,
}

impl Pacer {
    /// `took`: how long one complete run took; `kill_point(i)`: when kill `i` of `kills`
    /// comes, as a fraction of `took`.
    pub(crate) fn new(took: Duration, kills: u32, kill_point: fn(u32) -> f64) -> Self {
        Self {
            took,
            kills,
            kill_point,
            tries: 0,
            mid_run: 0,
        }
    }

    /// The number of the next kill and how long after the start to make it.
    pub(crate) fn next_kill(&mut self) -> Option<(u32, Duration)> {
        let enough = self.tries >= self.kills && self.mid_run >= self.kills / 2;
        if enough || self.tries >= 3 * self.kills {
            return None;
        }
        let i = self.tries;
        self.tries += 1;
        Some((i, self.took.mul_f64((self.kill_point)(i % self.kills))))
    }

    /// Whether the process was still running when the kill came.
    pub(crate) fn landed(&mut self, mid_run: bool) {
        if mid_run {
            self.mid_run += 1;
        } else {
            self.took = self.took.mul_f64(0.85);
        }
    }

    /// Without kills during the run the test would show nothing.
    pub(crate) fn assert_enough_landed(&self) {
        assert!(
            self.mid_run >= self.kills / 2,
            "only {} of {} kills landed mid-run",
            self.mid_run,
            self.tries
        );
    }
}
