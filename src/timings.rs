//! Phase timings for performance work: with `ASSAY_TIMINGS=1` in the
//! environment, each marked phase prints its wall time to stderr.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("ASSAY_TIMINGS").is_some_and(|v| v != "0"))
}

/// Marks the end of consecutive phases.
pub struct Phases {
    last: Option<Instant>,
}

impl Phases {
    /// Starts timing (a no-op unless `ASSAY_TIMINGS` is set).
    pub fn start() -> Self {
        Phases {
            last: enabled().then(Instant::now),
        }
    }

    /// Ends the phase `name`, printing its duration, and starts the next.
    pub fn mark(&mut self, name: &str) {
        if let Some(last) = self.last {
            let now = Instant::now();
            eprintln!("timing: {name:<24} {:>9.3} s", (now - last).as_secs_f64());
            self.last = Some(now);
        }
    }
}
